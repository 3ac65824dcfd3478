import type { Health } from '../registry';
import type { MemberState } from './rank';
import type { PhoneEntry } from './registry-index';
import { DEVIATIONS, REJECTION_CODES, type RejectedCandidate, type RejectionCode } from './types';

/**
 * Rejections of one decision, bounded: counts per deviation rank and reason for every rejected candidate, and the
 * first `MAX_LISTED_REJECTIONS` candidates kept for the explanation. A candidate excluded by its WABA or template
 * (the member's mask) is recorded once for all of the member's phones at that rank, without evaluating them —
 * what keeps a `none` over a hundred WABAs × twenty numbers within budget (docs/capacity.md).
 */

export const BIT: Readonly<Record<RejectionCode, number>> = Object.fromEntries(
  REJECTION_CODES.map((code, i) => [code, 1 << i]),
) as Record<RejectionCode, number>;

/** The rejection bits decided per group member (WABA, template, category, equivalence); the others are per phone. */
export const MEMBER_MASK =
  BIT.waba_unhealthy |
  BIT.waba_excluded |
  BIT.template_unhealthy |
  BIT.template_excluded |
  BIT.category_mismatch |
  BIT.not_equivalent;

/**
 * The bits a number earns by itself, whatever the request: unhealthy (health.ts at the decision's instant), disabled
 * by an operator, no throughput headroom this second. One definition for the per-number scan and the usage index's
 * tables (usage-index.ts).
 */
export function numberMask(p: PhoneEntry, health: Health, throughputLeft: number): number {
  let mask = 0;
  if (health.verdict === 'unhealthy') mask |= BIT.phone_unhealthy;
  if (!p.phone.enabled) mask |= BIT.phone_disabled;
  if (throughputLeft <= 0) mask |= BIT.no_throughput_headroom;
  return mask;
}

/** How many rejected candidates a `none` lists; the counts cover all of them. */
export const MAX_LISTED_REJECTIONS = 50;

const CODES = REJECTION_CODES.length;
const RANKS = DEVIATIONS.length;

export interface Rejection {
  readonly rank: number;
  readonly ms: MemberState;
  /** One phone (a phone-level rejection), or every phone of the member at this rank (a member-level one). */
  readonly phones: readonly PhoneEntry[];
  /** The phone's health (phone-level rejections only). */
  readonly phoneHealth: Health | null;
  readonly mask: number;
  /**
   * The explanation's entries for `phones`, built once and kept, when the rejection is a shared evaluation's
   * (member-evals.ts: listed by every decision it serves, and what it quotes holds while it is valid); null: built
   * per decision.
   */
  readonly listed: RejectedCandidate[] | null;
}

export interface Rejections {
  /** Kept in rank order, `MAX_LISTED_REJECTIONS` candidates at most. */
  readonly kept: Rejection[];
  keptCandidates: number;
  total: number;
  /** `counts[rank * CODES + code]`: rejected candidates of that rank with that reason. */
  readonly counts: number[];
}

export const emptyRejections = (): Rejections => ({
  kept: [],
  keptCandidates: 0,
  total: 0,
  counts: new Array<number>(RANKS * CODES).fill(0),
});

/** Counts `n` candidates rejected with `mask` at `rank`, without listing them. */
export function count(into: Rejections, rank: number, mask: number, n: number): void {
  into.total += n;
  const base = rank * CODES;
  for (let m = mask; m !== 0; m &= m - 1) into.counts[base + 31 - Math.clz32(m & -m)]! += n;
}

/** Whether the listing is full: later rejections are only counted. */
export const listingFull = (r: Rejections): boolean => r.keptCandidates >= MAX_LISTED_REJECTIONS;

/** Records `n` candidates rejected with `mask` at `rank`; `make` builds the kept entry only while room is left. */
export function reject(into: Rejections, rank: number, mask: number, n: number, make: () => Rejection): void {
  count(into, rank, mask, n);
  if (into.keptCandidates < MAX_LISTED_REJECTIONS) {
    into.kept.push(make());
    into.keptCandidates += n;
  }
}

/**
 * `reject` for one phone, without allocating: the kept entry (and its one-phone list) is built only while room is
 * left — a `none` over every number of a hundred WABAs rejects thousands of them per decision.
 */
export function rejectPhone(
  into: Rejections,
  rank: number,
  mask: number,
  ms: MemberState,
  phone: PhoneEntry,
  phoneHealth: Health,
): void {
  count(into, rank, mask, 1);
  if (into.keptCandidates < MAX_LISTED_REJECTIONS) {
    into.kept.push({ rank, ms, phones: [phone], phoneHealth, mask, listed: null });
    into.keptCandidates += 1;
  }
}

/** Rejected candidates by reason, over the ranks below `belowRank` (all by default). */
export function countByReason(
  r: Rejections,
  belowRank = Number.POSITIVE_INFINITY,
): Partial<Record<RejectionCode, number>> {
  const out: Partial<Record<RejectionCode, number>> = {};
  const ranks = Math.min(RANKS, belowRank);
  for (let i = 0; i < CODES; i++) {
    let n = 0;
    for (let rank = 0; rank < ranks; rank++) n += r.counts[rank * CODES + i]!;
    if (n > 0) out[REJECTION_CODES[i]!] = n;
  }
  return out;
}
