/** Why a service refused a request, in the service's own words; the API edge maps each code to HTTP. */
export const SERVICE_ERROR_CODES = [
  /** The idempotency key was used before with a different request. */
  'idempotency_conflict',
  /** The message already reached a final status. */
  'already_final',
  /** The message's (or campaign's) workflow is not running. */
  'not_running',
  /** A free-form message outside the 24 h customer service window: a template is needed. */
  'window_closed',
  /** What the request names does not exist for this tenant (e.g. a WABA that is not, or no longer, registered). */
  'not_found',
  /** The campaign no longer takes recipients. */
  'campaign_closed',
  /** The campaign cannot be started in its status. */
  'not_startable',
  /** The campaign is not paused. */
  'not_paused',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** A refusal a caller can act on (never an outage or a bug): rendered as the contract's JSON error. */
export class ServiceError extends Error {
  constructor(
    public readonly code: ServiceErrorCode,
    message: string,
    /** What the caller needs to act (e.g. when the window closed), as the error's `details`. */
    public readonly details: Record<string, unknown>[] = [],
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
