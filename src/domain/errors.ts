/**
 * Lifeline's one error vocabulary: the `type` of every `ApplicationFailure` thrown by an activity or a
 * workflow. Retry policies list NON_RETRYABLE_FAILURE_TYPES; workflows branch on these strings only.
 * Pure constants: imported by workflow code (deterministic sandbox).
 */

// --- Meta Graph errors (one per class of `classifyMetaError`) ---

/** Meta or the network hiccupped (5xx, 131000, 131016, timeouts): retry the same request with backoff. */
export const MetaTransientError = 'MetaTransientError';
/** A rate limit (130429 phone, 131056 pair, 4 app, 80007 WABA): retry after `retryAfterMs`. */
export const MetaThrottledError = 'MetaThrottledError';
/** A WABA, phone number or template is unhealthy: mark it and resolve another combination. */
export const MetaResourceError = 'MetaResourceError';
/** Only this recipient is affected (not on WhatsApp, stopped marketing, outside the service window…). */
export const MetaRecipientError = 'MetaRecipientError';
/** 131049, the per-user marketing cap: no failover helps; Smart Utility Fallback or retry after 24 h. */
export const MetaMarketingLimitError = 'MetaMarketingLimitError';
/** Our request was wrong (bad parameters, media link, params count): a bug or bad input, never retried. */
export const MetaRequestError = 'MetaRequestError';
/** The WABA's credentials are invalid or lack permission: mark the WABA unhealthy and fail over. */
export const MetaAuthError = 'MetaAuthError';

// --- Business failures ---

/** The resolver found no healthy (WABA, phone, template) combination before the message's deadline. */
export const NoHealthyCombination = 'NoHealthyCombination';
/** The contact has not opted in to business-initiated messages. */
export const ConsentRequired = 'ConsentRequired';
/** The contact opted out (brand-wide): nothing may be sent. */
export const OptedOut = 'OptedOut';
/** The template cannot be converted to session messages (carousel, catalog, limited-time offer, flow…). */
export const UnsupportedTemplateForFallback = 'UnsupportedTemplateForFallback';

export type FailureType =
  | typeof MetaTransientError
  | typeof MetaThrottledError
  | typeof MetaResourceError
  | typeof MetaRecipientError
  | typeof MetaMarketingLimitError
  | typeof MetaRequestError
  | typeof MetaAuthError
  | typeof NoHealthyCombination
  | typeof ConsentRequired
  | typeof OptedOut
  | typeof UnsupportedTemplateForFallback;

/**
 * Failure types an activity retry policy must never retry (`nonRetryableErrorTypes`). Resource and auth
 * failures are not retried *in place*: the workflow re-resolves to another combination instead.
 */
export const NON_RETRYABLE_FAILURE_TYPES: readonly FailureType[] = [
  MetaResourceError,
  MetaRecipientError,
  MetaMarketingLimitError,
  MetaRequestError,
  MetaAuthError,
  NoHealthyCombination,
  ConsentRequired,
  OptedOut,
  UnsupportedTemplateForFallback,
];

/** True when `type` names a failure that retrying the same call cannot fix. */
export function isNonRetryableFailureType(type: string | undefined | null): boolean {
  return (NON_RETRYABLE_FAILURE_TYPES as readonly string[]).includes(type ?? '');
}
