import { RECIPIENT_REASONS, type RecipientReason } from '../domain/failure';
import type { FailureReason } from '../domain/failure-reasons';
import type { BlamedResource, Combination, FailureClass } from './types';

/**
 * What a failed attempt means for its message, whichever driver runs it:
 * - `retry_attempt`: the outcome is unknown (Meta may have accepted it); send the *same* attempt again after
 *   `afterMs` (same id, same combination: the send step deduplicates it).
 * - `exclude`: the resource is bad for this message; exclude it and resolve another combination.
 * - `wait`: a wait helps (a rate limit, a hiccup); resolve again after `ms`.
 * - `retry_later`: only time helps (131049, spent in-round retries); the driver retries in a later round.
 * - `fallback`: recover through Smart Utility Fallback (a consent prompt, then session messages).
 * - `fail`: nothing can help; the message ends with `reason`.
 */
export type DeliveryAction =
  | { action: 'retry_attempt'; afterMs: number }
  | { action: 'exclude'; resource: BlamedResource; id: string }
  | { action: 'wait'; ms: number }
  | { action: 'retry_later'; reason: string; code?: number }
  | { action: 'fallback'; code: number }
  | { action: 'fail'; reason: FailureReason; code?: number };

export interface DecideContext {
  /** The combination the failed attempt used (the resource to exclude is one of its parts). */
  combination: Pick<Combination, 'wabaId' | 'phoneNumberId' | 'templateId'>;
  /**
   * True when the send itself failed with a transient error: Meta may have accepted it, so only the same attempt
   * may be retried. False for a failure Meta reported (a `failed` status): that attempt is over.
   */
  outcomeUnknown: boolean;
  /** How many more times the driver may resend the same attempt. */
  sameAttemptRetriesLeft: number;
  /** The driver's current back-off, used when Meta gave no retry delay. */
  backoffMs: number;
  /** True when the driver retries this recipient in a later round (a campaign); a message workflow has none. */
  laterRound: boolean;
  /** The message's Smart Utility Fallback settings, when it may use it. */
  smartUtilityFallback?: { enabled: boolean; recoverableCodes: readonly number[] };
}

/** Meta's own pacing for one (number, user) pair: about one message every 6 s. */
export const PAIR_RATE_WAIT_MS = 6_000;

/** Pure: the same failure and context always give the same action (table-tested per failure class). */
export function decide(failure: FailureClass, context: DecideContext): DeliveryAction {
  const c = context.combination;
  switch (failure.kind) {
    case 'transient': {
      const afterMs = failure.retryAfterMs ?? context.backoffMs;
      if (context.outcomeUnknown && context.sameAttemptRetriesLeft > 0) return { action: 'retry_attempt', afterMs };
      if (context.laterRound) return { action: 'retry_later', reason: failure.reason, code: failure.code };
      return { action: 'wait', ms: afterMs };
    }
    // The activity or webhook processor that saw the error already broke the circuit for every message; this
    // message only stops trying the resource. Credentials belong to a WABA.
    case 'resource':
    case 'auth': {
      const resource = failure.resource ?? 'waba';
      return { action: 'exclude', resource, id: partOf(c, resource) };
    }
    case 'throttled':
      if (failure.scope === 'phone') return { action: 'exclude', resource: 'phone', id: c.phoneNumberId };
      return { action: 'wait', ms: failure.retryAfterMs ?? PAIR_RATE_WAIT_MS };
    case 'recipient':
      return { action: 'fail', reason: recipientReason(failure.reason), code: failure.code };
    case 'marketing_limit': {
      // Meta decides 131049 per recipient across all businesses: no other WABA or number helps. Retry first (the
      // cap lifts), so only recipients that still fail pay for a consent prompt.
      if (context.laterRound) return { action: 'retry_later', reason: 'marketing_limit', code: failure.code };
      const suf = context.smartUtilityFallback;
      if (suf?.enabled && failure.code !== undefined && suf.recoverableCodes.includes(failure.code)) {
        return { action: 'fallback', code: failure.code };
      }
      return { action: 'fail', reason: 'marketing_limit', code: failure.code };
    }
    case 'request':
      return { action: 'fail', reason: 'request_rejected', code: failure.code };
  }
}

function partOf(c: DecideContext['combination'], resource: BlamedResource): string {
  if (resource === 'waba') return c.wabaId;
  if (resource === 'phone') return c.phoneNumberId;
  return c.templateId;
}

/** Meta's reason for a recipient failure, as a failure reason of the contract. */
export function recipientReason(reason: string): FailureReason {
  // Our own consent re-check right before the send (src/delivery/send.ts) refuses with the consent verdict.
  if (reason === 'opted_out' || reason === 'no_opt_in') return reason;
  return (RECIPIENT_REASONS as readonly string[]).includes(reason) ? (reason as RecipientReason) : 'recipient_rejected';
}

/**
 * The failover a failure causes, as a bounded label (`<kind>_<resource>`): the failures `decide` answers with an
 * exclusion whatever the context, so the next attempt goes through another WABA, number or template.
 */
export function failoverReason(failure: FailureClass): string | undefined {
  const a = decide(failure, {
    combination: { wabaId: '', phoneNumberId: '', templateId: '' },
    outcomeUnknown: false,
    sameAttemptRetriesLeft: 0,
    backoffMs: 0,
    laterRound: false,
  });
  return a.action === 'exclude' ? `${failure.kind}_${a.resource}` : undefined;
}
