import type { Health } from '../registry';
import type { PhoneEntry, MemberEntry } from './registry-index';
import type { CapacityCost } from './types';

/** Ranked candidates: their keys, the ranking order and the bounded K-best list. */

/** Per-decision evaluation of a group member: its WABA, template and portfolio. */
export interface MemberState {
  readonly member: MemberEntry;
  readonly wabaHealth: Health;
  readonly templateHealth: Health;
  readonly mask: number;
  readonly degraded: number;
  readonly counted: boolean;
  readonly limitHit: boolean;
  readonly used: number;
  readonly fraction: number;
}

export interface Candidate {
  /** The deviation rank (0 sticky … 4 other WABA), as reported. */
  readonly rank: number;
  /** The rank the ordering uses: the deviation rank under `primary-first`; see spread.ts under `spread`. */
  readonly tier: number;
  readonly degraded: number;
  readonly quality: number;
  readonly pressure: number;
  readonly order: number;
  readonly priority: number;
  /** Headroom-weighted rendezvous hash (lower wins); under `spread` computed once the scan is complete. */
  spread: number;
  readonly seq: number;
  readonly ms: MemberState;
  readonly phone: PhoneEntry;
  readonly phoneHealth: Health;
  readonly capacity: CapacityCost;
  readonly portfolioFraction: number;
  readonly throughputFraction: number;
  /** Messages this number may still send this second. */
  readonly throughputLeft: number;
  // Read for every pooled candidate of a `spread` decision: kept on the candidate, not behind four references.
  /** `WabaEntry.portfolioOrdinal` and `WabaEntry.limit` (the portfolio's messaging limit). */
  readonly portfolio: number;
  readonly limit: number;
  /** `MemberEntry.order`: the member's position in its group. */
  readonly position: number;
  /** `PhoneEntry.hash` and `TemplateEntry.hash`, the rendezvous hash's inputs. */
  readonly phoneHash: number;
  readonly templateHash: number;
}

/**
 * The ranking. Healthy before degraded across ranks (docs/health.md: traffic moves away from a YELLOW template or
 * number when a healthy equivalent exists, before Meta pauses it), then least deviation, then within a rank
 * fewer degraded resources, quality, portfolio pressure, group order, operator priority, headroom-weighted
 * hash; `seq` (scan order) makes the order total.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    comparePrefix(a.degraded, a.tier, a.quality, a.pressure, a.order, a.priority, b) ||
    a.spread - b.spread ||
    a.seq - b.seq
  );
}

/** `compareCandidates` on every key before the hash, for a candidate not yet allocated. */
export function comparePrefix(
  degraded: number,
  tier: number,
  quality: number,
  pressure: number,
  order: number,
  priority: number,
  b: Candidate,
): number {
  return (
    (degraded > 0 ? 1 : 0) - (b.degraded > 0 ? 1 : 0) ||
    tier - b.tier ||
    degraded - b.degraded ||
    quality - b.quality ||
    pressure - b.pressure ||
    order - b.order ||
    priority - b.priority
  );
}

/** `comparePrefix` of two candidates. */
export const prefixOrder = (a: Candidate, b: Candidate): number =>
  comparePrefix(a.degraded, a.tier, a.quality, a.pressure, a.order, a.priority, b);

/** Bounded insertion into the K best of a candidate known to rank before the K-th (K ≤ 21: a linear scan beats a heap). */
export function insert(best: Candidate[], k: number, c: Candidate): void {
  if (best.length === k) best.pop();
  let i = best.length;
  while (i > 0 && compareCandidates(c, best[i - 1]!) < 0) i--;
  best.splice(i, 0, c);
}
