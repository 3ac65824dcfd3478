/**
 * The one failure vocabulary of a delivery (docs/errors.md). `src/meta` classifies every Meta error into a
 * `FailureClass`; the delivery core's `decide` turns one into an action; activities throw it as an
 * `ApplicationFailure` whose `type` comes from `FAILURE_KINDS`. Pure constants: workflow code imports this file.
 */

/**
 * Every failure kind, what an activity retry policy does with it, and the `ApplicationFailure.type` it travels
 * under. Only a transient failure is retried in place: every other one is decided by the driver (another
 * combination, a wait, a later round, Smart Utility Fallback, or the end).
 */
export const FAILURE_KINDS = {
  /** Meta or the network hiccupped (5xx, 131000, 131016, timeouts): the same request may succeed. */
  transient: { type: 'MetaTransientError', retryInPlace: true },
  /** A rate limit (130429 phone, 131056 pair, 4 app, 80007 WABA): wait `retryAfterMs`, or use another number. */
  throttled: { type: 'MetaThrottledError', retryInPlace: false },
  /** A WABA, phone number or template is unhealthy: exclude it and resolve another combination. */
  resource: { type: 'MetaResourceError', retryInPlace: false },
  /** Only this recipient is affected (not on WhatsApp, stopped marketing, outside the service window…). */
  recipient: { type: 'MetaRecipientError', retryInPlace: false },
  /** 131049, Meta's per-user marketing cap: no failover helps; a later round or Smart Utility Fallback may. */
  marketing_limit: { type: 'MetaMarketingLimitError', retryInPlace: false },
  /** Our request was wrong (bad parameters, media link, parameter count): never retried. */
  request: { type: 'MetaRequestError', retryInPlace: false },
  /** The WABA's credentials are invalid or lack permission: treated like an unhealthy WABA. */
  auth: { type: 'MetaAuthError', retryInPlace: false },
} as const satisfies Record<string, { type: string; retryInPlace: boolean }>;

export type FailureKind = keyof typeof FAILURE_KINDS;
export const FAILURE_KIND_NAMES = Object.keys(FAILURE_KINDS) as FailureKind[];

/** The `ApplicationFailure.type` names an activity retry policy must not retry (`nonRetryableErrorTypes`). */
export const NON_RETRYABLE_FAILURE_TYPES: readonly string[] = FAILURE_KIND_NAMES.filter(
  (k) => !FAILURE_KINDS[k].retryInPlace,
).map((k) => FAILURE_KINDS[k].type);

/** The failure kind an `ApplicationFailure.type` names, if it names one. */
export function failureKindOfType(type: string | undefined | null): FailureKind | undefined {
  return FAILURE_KIND_NAMES.find((k) => FAILURE_KINDS[k].type === type);
}

/** The registry resource a failure blames. */
export type BlamedResource = 'waba' | 'phone' | 'template';
/** What a rate limit applies to; `capacity`: Lifeline's own reservation was refused (docs/capacity.md). */
export type ThrottleScope = 'phone' | 'pair' | 'app' | 'waba' | 'capacity';

/** Why Meta refused a recipient (and only that recipient): the reasons a `recipient` failure carries. */
export const RECIPIENT_REASONS = [
  'undeliverable',
  'marketing_opted_out',
  'marketing_experiment_holdout',
  'recipient_is_sender',
  'blocked_by_business',
  'identity_key_mismatch',
  'outside_service_window',
  'not_in_allowed_list',
] as const;
export type RecipientReason = (typeof RECIPIENT_REASONS)[number];

/** How a failure was classified, in the compact JSON-safe form that travels through Temporal and PostgreSQL. */
export interface FailureClass {
  kind: FailureKind;
  code?: number;
  resource?: BlamedResource;
  scope?: ThrottleScope;
  retryAfterMs?: number;
  /** Short stable snake_case explanation (`template_paused`, `unhealthy_before_send`…). */
  reason: string;
}

/** Our own refusals (the pre-send health gate, a resource gone from the registry): Meta blamed nothing. */
export const UNHEALTHY_BEFORE_SEND = 'unhealthy_before_send';
export const NOT_REGISTERED = 'not_registered';

/** True when a failure is one we raised ourselves before Meta could say anything about the resource. */
export function isOwnRefusal(failure: FailureClass): boolean {
  return failure.reason === UNHEALTHY_BEFORE_SEND || failure.reason === NOT_REGISTERED;
}
