/** Why a service refused a request, in the service's own words; the API edge maps each code to HTTP. */
export const SERVICE_ERROR_CODES = [
  /** The idempotency key was used before with a different request. */
  'idempotency_conflict',
  /** The message already reached a final status. */
  'already_final',
  /** The message's workflow is not running. */
  'not_running',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/** A refusal a caller can act on (never an outage or a bug): rendered as the contract's JSON error. */
export class ServiceError extends Error {
  constructor(
    public readonly code: ServiceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
