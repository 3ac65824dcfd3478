import { unitHash as unitHashImport } from './hash';
import { portfolioFraction } from './evaluate';
import {
  type Candidate,
  compareCandidates as compareCandidatesImport,
  insert as insertImport,
  prefixOrder as prefixOrderImport,
} from './rank';
import type { UsageIndex } from './usage-index';

// Bound once: tsx/esbuild compile each use of an imported binding to a getter call (the loops below run a hundred
// times or more per decision).
const unitHash = unitHashImport;
const compareCandidates = compareCandidatesImport;
const insert = insertImport;
const prefixOrder = prefixOrderImport;

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
  block: SpreadBlock | null,
  skip: Uint8Array | null,
): void {
  if (top === undefined) return;
  const throughput = portfolioScratch(portfolios);
  for (const c of pool) if (prefixOrder(c, top) === 0) throughput[portfolioOf(c)]! += throughputOf(c, indexed);
  // The block's candidates share one prefix: all of the best class, or all after it.
  const blockTop = block !== null && indexed !== null && prefixOrder(block.candidates[0]!, top) === 0;
  if (blockTop) addThroughput(block, skip, indexed, throughput);
  for (const c of pool) {
    if (prefixOrder(c, top) !== 0) continue;
    const isNew = c.capacity === 'new_recipient';
    const p = portfolioOf(c);
    rank(c, shareWeight(isNew, c.limit, usedOf(c, indexed), throughput[p]!, throughputOf(c, indexed)), best, k, seed);
  }
  if (blockTop) rankBlock(block, skip, indexed, throughput, best, k, seed);
  // The rest rank after the whole best class: only needed when it has fewer than K candidates.
  if (best.length < k) {
    const after = block !== null && !blockTop ? block.candidates.filter((c) => skip?.[c.position] !== 1) : [];
    for (const c of [...pool.filter((x) => prefixOrder(x, top) !== 0), ...after]) {
      const throughputFraction = throughputOf(c, indexed) / c.phone.throughputLimit;
      rank(c, fractionOf(c, indexed) * throughputFraction, best, k, seed);
    }
  }
}

/**
 * The best class's throughput left per portfolio, zeroed: one array reused by every decision (a decision runs to
 * completion before the next starts), not one allocated per decision.
 */
let scratch = new Float64Array(16);
function portfolioScratch(portfolios: number): Float64Array {
  if (scratch.length < portfolios) scratch = new Float64Array(portfolios * 2);
  scratch.fill(0, 0, portfolios);
  return scratch;
}

/**
 * Candidates of one prefix, ranked together (group-share.ts: a group's shared best class, a hundred or more per
 * decision): what ranking reads of each is laid out in arrays, so a decision reads those and the usage index, and
 * touches a candidate itself only when it enters the K best.
 */
export interface SpreadBlock {
  readonly candidates: readonly Candidate[];
  readonly phone: Int32Array;
  readonly throughputLimit: Float64Array;
  readonly portfolio: Int32Array;
  readonly limit: Float64Array;
  /** 1 when the recipient would cost the portfolio its messaging limit (`capacity` is `new_recipient`). */
  readonly newRecipient: Uint8Array;
  readonly phoneHash: Float64Array;
  readonly templateHash: Float64Array;
  /** The member's position in its group (`skip` is by position). */
  readonly position: Int32Array;
}

export function spreadBlock(candidates: readonly Candidate[]): SpreadBlock {
  const n = candidates.length;
  const b = {
    candidates,
    phone: new Int32Array(n),
    throughputLimit: new Float64Array(n),
    portfolio: new Int32Array(n),
    limit: new Float64Array(n),
    newRecipient: new Uint8Array(n),
    phoneHash: new Float64Array(n),
    templateHash: new Float64Array(n),
    position: new Int32Array(n),
  };
  candidates.forEach((c, i) => {
    b.phone[i] = c.phone.ordinal;
    b.throughputLimit[i] = c.phone.throughputLimit;
    b.portfolio[i] = c.portfolio;
    b.limit[i] = c.limit;
    b.newRecipient[i] = c.capacity === 'new_recipient' ? 1 : 0;
    b.phoneHash[i] = c.phoneHash;
    b.templateHash[i] = c.templateHash;
    b.position[i] = c.position;
  });
  return b;
}

function addThroughput(b: SpreadBlock, skip: Uint8Array | null, indexed: UsageIndex, throughput: Float64Array) {
  const sent = indexed.sent;
  for (let i = 0; i < b.phone.length; i++) {
    if (skip !== null && skip[b.position[i]!] === 1) continue;
    throughput[b.portfolio[i]!]! += b.throughputLimit[i]! - sent[b.phone[i]!]!;
  }
}

/** `rank` for every candidate of a best-class block, weighed by `shareWeight` as the pooled ones are. */
function rankBlock(
  b: SpreadBlock,
  skip: Uint8Array | null,
  indexed: UsageIndex,
  throughput: Float64Array,
  best: Candidate[],
  k: number,
  seed: number,
): void {
  const { sent, used } = indexed;
  const first = b.candidates[0]!;
  // The block's prefix against the K-th best: recomputed only when the K-th changes.
  let worst = best.length < k ? undefined : best[k - 1];
  let order = worst === undefined ? -1 : prefixOrder(first, worst);
  for (let i = 0; i < b.phone.length; i++) {
    if (order > 0) return;
    if (skip !== null && skip[b.position[i]!] === 1) continue;
    const p = b.portfolio[i]!;
    const portfolioLeft = throughput[p]!;
    const left = b.throughputLimit[i]! - sent[b.phone[i]!]!;
    const weight = shareWeight(b.newRecipient[i] === 1, b.limit[i]!, used[p]!, portfolioLeft, left);
    const u = unitHash(seed, b.phoneHash[i]!, b.templateHash[i]!);
    // -ln(u) > 1 - u: most of a large block is ruled out without the logarithm (by a margin far above rounding).
    if (worst !== undefined && order === 0 && (1 - u) / weight > worst.spread) continue;
    const spread = -Math.log(u) / weight;
    if (worst !== undefined && order === 0 && spread > worst.spread) continue;
    const c = b.candidates[i]!;
    c.spread = spread;
    if (worst !== undefined && order === 0 && compareCandidates(c, worst) >= 0) continue;
    insert(best, k, c);
    if (best.length === k && best[k - 1] !== worst) {
      worst = best[k - 1]!;
      order = prefixOrder(first, worst);
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
  newRecipient: boolean,
  limit: number,
  used: number,
  portfolioThroughputLeft: number,
  throughputLeft: number,
): number {
  const daily = SECONDS_PER_DAY * portfolioThroughputLeft;
  const recipients = newRecipient ? Math.min(daily, limit - used) : daily;
  return (recipients * throughputLeft) / portfolioThroughputLeft;
}
