import { decide } from './decide';
import type { Combination, FailureClass } from './types';

/**
 * What a failed send means for a campaign recipient (docs/campaigns.md, "Follow-ups"): the delivery core's
 * `decide` (docs/delivery-core.md), mapped onto the campaign's queue. The batch activity (synchronous errors) and
 * the status-webhook fold (asynchronous ones) both ask this one function.
 */
export type FollowUp =
  /** Queue the recipient again in this round (with the failed resource excluded, when one is blamed). */
  | { action: 'requeue'; exclude?: { key: 'wabaIds' | 'phoneNumberIds' | 'templateIds'; id: string } }
  /** Transient: queued again while the in-round budget lasts, then the next round (decided where the budget is). */
  | { action: 'transient'; failure: { reason: string; code?: number } }
  /** Only time helps (131049): the next retry round; after the last one, Smart Utility Fallback or failed. */
  | { action: 'retry_later'; failure: { reason: string; code?: number } }
  /** Final: never retried. */
  | { action: 'fail'; failure: { reason: string; code?: number } };

/** Transient failures a recipient may spend inside one round before it waits for the next round. */
export const IN_ROUND_TRANSIENT_RETRIES = 2;

const EXCLUSION_KEY = { waba: 'wabaIds', phone: 'phoneNumberIds', template: 'templateIds' } as const;

export function campaignFollowUp(
  failure: FailureClass,
  combination: Pick<Combination, 'wabaId' | 'phoneNumberId' | 'templateId'>,
): FollowUp {
  const withCode = (reason: string, code?: number) => (code === undefined ? { reason } : { reason, code });
  if (failure.kind === 'transient') return { action: 'transient', failure: withCode(failure.reason, failure.code) };
  // The campaign always has a "later": the next round, or the end of the last one, where recoverable failures are
  // promoted to Smart Utility Fallback and the rest fail.
  const a = decide(failure, {
    combination,
    outcomeUnknown: false,
    sameAttemptRetriesLeft: 0,
    backoffMs: 0,
    laterRound: true,
  });
  switch (a.action) {
    case 'exclude':
      return { action: 'requeue', exclude: { key: EXCLUSION_KEY[a.resource], id: a.id } };
    case 'wait':
    case 'retry_attempt':
      return { action: 'requeue' };
    case 'retry_later':
      return { action: 'retry_later', failure: withCode(a.reason, a.code) };
    case 'fallback':
      return { action: 'retry_later', failure: withCode('marketing_limit', a.code) };
    case 'fail':
      return { action: 'fail', failure: withCode(a.reason, a.code) };
  }
}
