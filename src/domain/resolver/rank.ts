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
  readonly rank: number;
  readonly degraded: number;
  readonly quality: number;
  readonly pressure: number;
  readonly order: number;
  readonly priority: number;
  readonly spread: number;
  readonly seq: number;
  readonly ms: MemberState;
  readonly phone: PhoneEntry;
  readonly phoneHealth: Health;
  readonly capacity: CapacityCost;
  readonly portfolioFraction: number;
  readonly throughputFraction: number;
}

/**
 * The ranking. Healthy before degraded across ranks (docs/health.md: traffic moves away from a YELLOW template or
 * number when a healthy equivalent exists, before Meta pauses it), then least deviation, then within a rank
 * fewer degraded resources, quality, portfolio pressure, group order, operator priority, headroom-weighted
 * hash; `seq` (scan order) makes the order total.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    comparePrefix(a.degraded, a.rank, a.quality, a.pressure, a.order, a.priority, b) ||
    a.spread - b.spread ||
    a.seq - b.seq
  );
}

/** `compareCandidates` on every key before the hash, for a candidate not yet allocated. */
export function comparePrefix(
  degraded: number,
  rank: number,
  quality: number,
  pressure: number,
  order: number,
  priority: number,
  b: Candidate,
): number {
  return (
    (degraded > 0 ? 1 : 0) - (b.degraded > 0 ? 1 : 0) ||
    rank - b.rank ||
    degraded - b.degraded ||
    quality - b.quality ||
    pressure - b.pressure ||
    order - b.order ||
    priority - b.priority
  );
}

/** Bounded insertion into the K best (K ≤ 21: a linear scan beats a heap). */
export function insert(best: Candidate[], k: number, c: Candidate): void {
  if (best.length === k) best.pop();
  let i = best.length;
  while (i > 0 && compareCandidates(c, best[i - 1]!) < 0) i--;
  best.splice(i, 0, c);
}
