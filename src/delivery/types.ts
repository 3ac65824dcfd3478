import type { Combination as RankedCombination } from '../domain/resolver';

export { isDelivered, isFinalAttemptStatus, type TrackedAttemptStatus } from '../domain/status';
export type { BlamedResource, FailureClass, FailureKind, ThrottleScope } from '../domain/failure';

/**
 * The combination an attempt sends through: the resolver's choice without its ranking details, JSON-safe for
 * workflow histories and attempt rows. `portfolioId` is absent only for rows recorded before it was carried.
 */
export type Combination = Pick<
  RankedCombination,
  'wabaId' | 'phoneNumberId' | 'templateId' | 'templateName' | 'language'
> & { portfolioId?: string };

/** What an attempt sends: the message's own template, a Smart Utility Fallback consent prompt, or a session message. */
export type AttemptKind = 'template' | 'consent' | 'session';

/** Resources one message (or campaign recipient) no longer tries, because they failed it earlier. */
export interface Exclusions {
  wabaIds: string[];
  phoneNumberIds: string[];
  templateIds: string[];
}

export function noExclusions(): Exclusions {
  return { wabaIds: [], phoneNumberIds: [], templateIds: [] };
}
