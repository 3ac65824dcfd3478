import { insertByPrefix } from './evaluate';
import { type MemberEval, memberEval } from './member-evals';
import { type Candidate, prefixOrder } from './rank';
import type { GroupEntry, MemberEntry, WabaEntry } from './registry-index';
import {
  MAX_LISTED_REJECTIONS as MAX_LISTED_IMPORT,
  type Rejections,
  count as countImport,
  emptyRejections,
} from './rejections';
import { type Ctx, touchedWabas } from './scan';
import { type SpreadBlock, spreadBlock } from './spread';
import { type UsageIndex, numberTable } from './usage-index';

/**
 * A template group's member evaluations combined, for the `spread` decisions of one usage index (docs/capacity.md,
 * "Resolver cost"). Under `spread` a decision evaluates every member of its group — the weights need the whole best
 * class (spread.ts) — and at 100 WABAs that was a hundred member evaluations and ~150 pooled candidates per
 * decision, nearly all of them the same from one decision to the next. Each member is evaluated once as a request
 * that does not touch it sees it (member-evals.ts), and the group's evaluations are summed once: rejection counts,
 * evaluated and eligible numbers, the members in the rejection listing, and the best class of all their candidates.
 *
 * A decision then takes the sums and corrects them for the members it touches (`touchedOf`: the primary WABA's,
 * evaluated at their own ranks; the sticky, excluded and open-window numbers' WABAs; an excluded WABA or template;
 * the portfolios the recipient is already counted in): it subtracts their shared evaluation and evaluates them
 * itself, in scan order, so the listing is the one the full scan builds. Its cost is the touched members, the
 * listing's first members and the best class, not the group.
 *
 * Valid while no counted send changes what a number or portfolio is rejected for (`UsageIndex.changes`), within the
 * instants its members' health and tables hold, for one category and reference shape. Throughput left and a
 * portfolio's usage below its limit change only weights and headroom, which the decision reads as they are now.
 */
export interface GroupShare {
  readonly changes: number;
  readonly category: string | null;
  readonly shape: string | null;
  readonly fromMs: number;
  readonly untilMs: number;
  /** By the member's position in the group. */
  readonly evals: readonly MemberEval[];
  readonly evaluated: number;
  readonly eligible: number;
  readonly degraded: number;
  /** The members' rejections counted (all at rank 4; `kept` unused: the listing is the decision's). */
  readonly rejected: Rejections;
  /** Positions of the members with rejections to list, in group order. */
  readonly listed: Int32Array;
  /** The candidates of the group's best class (every member's best class that ties the best), in group order. */
  readonly top: readonly Candidate[];
  /** `top` as the spread ranking reads it (null when `top` is empty). */
  readonly block: SpreadBlock | null;
  /** The best candidate not in `top` (another member's best class, or a number after one): null when none. */
  readonly second: Candidate | null;
  /** Member positions by portfolio id (a recipient counted in a portfolio touches its members). */
  readonly byPortfolio: ReadonlyMap<string, readonly number[]>;
}

/**
 * Decisions of a group on one usage index before its evaluations are shared: a group decided once (a single
 * message's resolution, say) builds nothing; from its second decision building them (about one decision's cost)
 * pays (`npx tsx src/bench/resolver.ts`: in `batch`, 20 templates share a batch of 200, ~10 decisions each).
 */
export const SHARE_AFTER = 1;

const RANK = 4;
// Bound once: tsx/esbuild compile each use of an imported binding to a getter call (hot loops below).
const count = countImport;
const MAX_LISTED_REJECTIONS = MAX_LISTED_IMPORT;

/** Counts a decision of `group`: whether it may use the group's shared evaluations. */
export function sharesEvals(indexed: UsageIndex, group: GroupEntry): boolean {
  if (!indexed.shareEvals) return false;
  const n = (indexed.decisions.get(group) ?? 0) + 1;
  indexed.decisions.set(group, n);
  return n > SHARE_AFTER;
}

/**
 * Rank 4 of the scan (every member outside the primary WABA) from the group's shared evaluations: the same
 * counts, listing and pool as evaluating each member (scan.ts `walk`), with `live` evaluating a touched one.
 *
 * Under `primary-first` only when no member it takes from the sums has an eligible number, and fewer than K are
 * ranked: then the full scan evaluates every member (none can be skipped as unable to improve the K best) and
 * ranks only what the touched ones bring — a `none` over a hundred WABAs, say. False (nothing added) otherwise;
 * the scan redoes a decision whose touched members fill the K best (scan.ts).
 */
export function addGroupShare(
  ctx: Ctx,
  indexed: UsageIndex,
  group: GroupEntry,
  primary: WabaEntry | undefined,
  live: (ctx: Ctx, m: MemberEntry) => void,
): boolean {
  if (ctx.pool === null && ctx.best.length >= ctx.k) return false;
  const share = groupShare(ctx, indexed, group);
  const { touched, skipped } = touchedOf(ctx, group, share, primary);
  if (ctx.pool === null && share.eligible > 0) {
    let left = share.eligible;
    for (const pos of skipped) left -= share.evals[pos]!.eligible;
    if (left > 0) return false;
  }
  const r = ctx.rejections;
  let evaluated = share.evaluated;
  let eligible = share.eligible;
  let degraded = share.degraded;
  r.total += share.rejected.total;
  const counts = share.rejected.counts;
  for (let i = 0; i < counts.length; i++) r.counts[i]! += counts[i]!;
  for (const pos of skipped) {
    const e = share.evals[pos]!;
    evaluated -= e.evaluated;
    eligible -= e.eligible;
    degraded -= e.degraded;
    for (const g of e.counted) count(r, RANK, g.mask, -g.count);
  }
  ctx.evaluated += evaluated;
  ctx.eligible += eligible;
  ctx.degradedByRank[RANK]! += degraded;

  // The listing and the touched members, in group order (the scan's order at rank 4).
  const listed = share.listed;
  let li = 0;
  let ti = 0;
  while (ti < touched.length || (li < listed.length && r.keptCandidates < MAX_LISTED_REJECTIONS)) {
    const t = ti < touched.length ? touched[ti]! : Number.POSITIVE_INFINITY;
    const l = li < listed.length && r.keptCandidates < MAX_LISTED_REJECTIONS ? listed[li]! : Number.POSITIVE_INFINITY;
    if (t <= l) {
      live(ctx, group.members[t]!);
      ti++;
      if (t === l) li++;
      continue;
    }
    li++;
    if (skipped.includes(l)) continue;
    const e = share.evals[l]!;
    if (typeof e.kept === 'function') e.kept = e.kept();
    for (const x of e.kept) {
      if (r.keptCandidates >= MAX_LISTED_REJECTIONS) break;
      r.kept.push(x);
      r.keptCandidates += x.phones.length;
    }
  }

  // The best class: all of it pooled unless K better candidates are already pooled. Its candidates share one
  // prefix, so the bar takes them only while it holds fewer than K, or one worse.
  if (ctx.pool === null) return true;
  const top = share.top;
  if (top.length > 0) {
    const bar = ctx.poolBar;
    const k = ctx.k;
    const first = top[0]!;
    if (bar.length < k || prefixOrder(first, bar[k - 1]!) <= 0) {
      // Ranked as a block (spread.ts), not pooled one by one; the bar takes its first K.
      const mask = skipped.length > 0 ? positions(skipped, group.members.length) : null;
      ctx.block = share.block;
      ctx.blockSkip = mask;
      for (const c of top) {
        if (bar.length >= k && prefixOrder(first, bar[k - 1]!) >= 0) break;
        if (mask === null || mask[c.position] !== 1) insertByPrefix(bar, k, c);
      }
    }
  }
  const second = share.second;
  if (second !== null && (ctx.leftOut === null || prefixOrder(second, ctx.leftOut) < 0)) ctx.leftOut = second;
  return true;
}

/**
 * A membership mask of `list` over positions below `n`: one array reused by every decision (a decision reads it
 * until it has ranked, before the next starts), not one allocated per decision.
 */
let positionScratch = new Uint8Array(128);
function positions(list: readonly number[], n: number): Uint8Array {
  if (positionScratch.length < n) positionScratch = new Uint8Array(n * 2);
  const out = positionScratch;
  out.fill(0, 0, n);
  for (const pos of list) out[pos] = 1;
  return out;
}

/**
 * The members the request sees differently from the shared evaluations, by position: `touched` are evaluated by
 * the request itself at rank 4, `skipped` (those and the primary WABA's) are taken out of the sums. Both sorted.
 */
function touchedOf(
  ctx: Ctx,
  group: GroupEntry,
  share: GroupShare,
  primary: WabaEntry | undefined,
): { touched: number[]; skipped: number[] } {
  const skipped: number[] = [];
  addWaba(skipped, group, primary);
  const primaries = skipped.length;
  for (const w of touchedWabas(ctx)) addWaba(skipped, group, w);
  for (const id of ctx.exW ?? []) addWaba(skipped, group, ctx.index.wabas.get(id));
  if (ctx.exT !== null) {
    for (const m of group.members) if (ctx.exT.includes(m.template.template.id)) addPosition(skipped, m.order);
  }
  for (const id of ctx.counted ?? []) for (const pos of share.byPortfolio.get(id) ?? []) addPosition(skipped, pos);
  const touched: number[] = [];
  for (let i = primaries; i < skipped.length; i++) {
    if (group.members[skipped[i]!]!.template.waba !== primary) touched.push(skipped[i]!);
  }
  return { touched: touched.sort(byNumber), skipped: skipped.sort(byNumber) };
}

const byNumber = (a: number, b: number): number => a - b;

function addPosition(list: number[], pos: number): void {
  if (!list.includes(pos)) list.push(pos);
}

function addWaba(list: number[], group: GroupEntry, w: WabaEntry | undefined): void {
  if (w !== undefined) for (const m of group.byWaba.get(w.waba.id) ?? []) addPosition(list, m.order);
}

function groupShare(ctx: Ctx, indexed: UsageIndex, group: GroupEntry): GroupShare {
  const cached = indexed.shares.get(group);
  if (
    cached !== undefined &&
    cached.changes === indexed.changes &&
    cached.category === ctx.category &&
    cached.shape === ctx.shape &&
    cached.fromMs <= ctx.nowMs &&
    ctx.nowMs < cached.untilMs
  ) {
    return cached;
  }
  const share = buildShare(ctx, indexed, group);
  indexed.shares.set(group, share);
  return share;
}

function buildShare(request: Ctx, indexed: UsageIndex, group: GroupEntry): GroupShare {
  // Every member as a request that touches none of them sees it (no excluded WABA or template, nothing counted).
  const ctx: Ctx = { ...request, exW: null, exT: null, counted: null };
  let fromMs = Number.NEGATIVE_INFINITY;
  let untilMs = Number.POSITIVE_INFINITY;
  let evaluated = 0;
  let eligible = 0;
  let degraded = 0;
  const rejected = emptyRejections();
  const listed: number[] = [];
  const evals: MemberEval[] = [];
  const byPortfolio = new Map<string, number[]>();
  const heads: Candidate[] = [];
  let second: Candidate | null = null;
  const better = (c: Candidate | null) => {
    if (c !== null && (second === null || prefixOrder(c, second) < 0)) second = c;
  };
  for (const m of group.members) {
    const w = m.template.waba;
    const table = numberTable(indexed, w, ctx.nowMs);
    const e = memberEval(ctx, indexed, m, table);
    evals.push(e);
    fromMs = Math.max(fromMs, e.fromMs, table.fromMs);
    untilMs = Math.min(untilMs, e.untilMs, table.untilMs);
    evaluated += e.evaluated;
    eligible += e.eligible;
    degraded += e.degraded;
    for (const g of e.counted) count(rejected, RANK, g.mask, g.count);
    if (e.keptEntries > 0) listed.push(m.order);
    const list = byPortfolio.get(w.waba.portfolioId);
    if (list === undefined) byPortfolio.set(w.waba.portfolioId, [m.order]);
    else list.push(m.order);
    heads.push(...e.best);
    better(e.next);
  }
  // The best class over the members' best classes; the others bound what the shared pool leaves out.
  let best: Candidate | undefined;
  for (const c of heads) if (best === undefined || prefixOrder(c, best) < 0) best = c;
  const top: Candidate[] = [];
  for (const c of heads) {
    if (prefixOrder(c, best!) === 0) top.push(c);
    else better(c);
  }
  return {
    changes: indexed.changes,
    category: ctx.category,
    shape: ctx.shape,
    fromMs,
    untilMs,
    evals,
    evaluated,
    eligible,
    degraded,
    rejected,
    listed: Int32Array.from(listed),
    top,
    block: top.length > 0 ? spreadBlock(top) : null,
    second,
    byPortfolio,
  };
}
