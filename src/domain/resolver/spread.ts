import { unitHash } from './hash';
import { portfolioFraction } from './evaluate';
import { type Candidate, compareCandidates, comparePrefix, insert } from './rank';
import type { UsageIndex } from './usage-index';

/**
 * The `spread` routing policy (docs/capacity.md). Every WABA's preferred template on its best-priority numbers
 * ranks alike (tier 1; the sticky number keeps tier 0, other templates of a WABA tier 3), and the candidates of
 * the best class share the traffic in proportion to their remaining headroom:
 *
 * - a portfolio's share ∝ the recipients it can still reach today: its messaging limit left, or — when the
 *   recipient costs it nothing (already counted, open service window) or it is unlimited — what its numbers can
 *   send in a day at their remaining throughput;
 * - within a portfolio, a number's share ∝ its remaining throughput this second.
 *
 * A number's weight is therefore `portfolioHeadroom × numberThroughputLeft / portfolioThroughputLeft`, and weighted
 * rendezvous hashing (`-ln(u) / weight`, lowest wins, `u` a hash of the request id and the candidate) picks each
 * candidate with probability weight / Σ weights: deterministic per request, no shared state, no coordination.
 * Candidates outside the best class are alternatives only; they keep the `primary-first` weighting.
 */

const SECONDS_PER_DAY = 86_400;

const portfolioOf = (c: Candidate): number => c.portfolio;

/**
 * Ranks the eligible `pool` into the K `best` (spread order). `top` is a pooled candidate of the best class (the scan
 * tracks it), `portfolios` the registry index's portfolio count. `indexed` (the decision's usage index, if any) gives
 * each number's throughput and each portfolio's usage as they are now: a candidate from a shared evaluation
 * (group-share.ts) may carry those its member was evaluated with.
 */
export function rankBySpread(
  pool: readonly Candidate[],
  top: Candidate | undefined,
  best: Candidate[],
  k: number,
  seed: number,
  portfolios: number,
  indexed: UsageIndex | null,
): void {
  if (top === undefined) return;
  const topClass: Candidate[] = [];
  const rest: Candidate[] = [];
  const throughput = new Float64Array(portfolios);
  for (const c of pool) {
    if (comparePrefix(c.degraded, c.tier, c.quality, c.pressure, c.order, c.priority, top) !== 0) rest.push(c);
    else {
      topClass.push(c);
      throughput[portfolioOf(c)]! += throughputOf(c, indexed);
    }
  }
  for (const c of topClass) {
    const weight = shareWeight(c, throughput[portfolioOf(c)]!, usedOf(c, indexed), throughputOf(c, indexed));
    rank(c, weight, best, k, seed);
  }
  // The rest rank after the whole best class: only needed when it has fewer than K candidates.
  if (best.length < k) {
    for (const c of rest) {
      const throughputFraction = throughputOf(c, indexed) / c.phone.throughputLimit;
      rank(c, fractionOf(c, indexed) * throughputFraction, best, k, seed);
    }
  }
}

const usedOf = (c: Candidate, indexed: UsageIndex | null): number =>
  indexed === null ? c.ms.used : indexed.used[portfolioOf(c)]!;

const throughputOf = (c: Candidate, indexed: UsageIndex | null): number =>
  indexed === null ? c.throughputLeft : c.phone.throughputLimit - indexed.sent[c.phone.ordinal]!;

function fractionOf(c: Candidate, indexed: UsageIndex | null): number {
  if (c.capacity !== 'new_recipient' || indexed === null) return c.portfolioFraction;
  return portfolioFraction(c.limit, indexed.used[portfolioOf(c)]!);
}

function rank(c: Candidate, weight: number, best: Candidate[], k: number, seed: number): void {
  c.spread = -Math.log(unitHash(seed, c.phoneHash, c.templateHash)) / weight;
  if (best.length < k || compareCandidates(c, best[k - 1]!) < 0) insert(best, k, c);
}

/** The weight of a best-class candidate: see the module comment. */
function shareWeight(
  c: Pick<Candidate, 'capacity' | 'limit'>,
  portfolioThroughputLeft: number,
  used: number,
  throughputLeft: number,
): number {
  const daily = SECONDS_PER_DAY * portfolioThroughputLeft;
  const recipients = c.capacity === 'new_recipient' ? Math.min(daily, c.limit - used) : daily;
  return (recipients * throughputLeft) / portfolioThroughputLeft;
}
