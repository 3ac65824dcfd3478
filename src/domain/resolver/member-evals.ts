import { BIT, MAX_LISTED_REJECTIONS, type Rejection } from './rejections';
import { evalMember, spreadCandidate } from './evaluate';
import type { Candidate, MemberState } from './rank';
import type { MemberEntry } from './registry-index';
import type { Ctx } from './scan';
import { type NumberTable, type UsageIndex, healthValidity } from './usage-index';

/**
 * A group member evaluated once for the decisions of one usage index (docs/capacity.md, "Resolver cost"): at rank 4,
 * as a request that touches nothing of it sees it (group-share.ts sums these per group and corrects the sums for
 * what a request touches). Its state, its rejections as they are listed and counted, its eligible numbers, and its
 * best class: the eligible numbers that tie its first one on every key a number sets (the others rank after them;
 * the first of them is kept, `next`, as a bound on what the shared pool leaves out).
 *
 * Reused while nothing it read changes: its WABA's number table (the same table: one is dropped when a number runs
 * out of throughput), whether its portfolio is at its limit (and then its usage: its rejections quote it), the
 * request's category and reference shape, and the instant within its health's validity. A number's throughput left
 * and a portfolio's usage below its limit change only weights and headroom, which the decision reads from the
 * usage index as they are now (spread.ts, scan.ts `refreshUsage`).
 */
export interface MemberEval {
  readonly table: NumberTable;
  /** Whether its portfolio was at its messaging limit; then (its rejections say so) its usage too. */
  readonly limitHit: boolean;
  readonly used: number;
  readonly category: string | null;
  readonly shape: string | null;
  readonly fromMs: number;
  readonly untilMs: number;
  readonly evaluated: number;
  readonly eligible: number;
  readonly degraded: number;
  /**
   * Rejections in scan order as they are listed (`MAX_LISTED_REJECTIONS` candidates at most), built when a decision
   * first lists them (most decisions' listing is full before they reach most members).
   */
  kept: readonly Rejection[] | (() => readonly Rejection[]);
  /** How many entries `kept` has (0: the member is not in the listing). */
  readonly keptEntries: number;
  /** The same, all of them, counted by mask. */
  readonly counted: readonly { readonly mask: number; readonly count: number }[];
  /** The member's best class, best first (scan order among equals). */
  readonly best: readonly Candidate[];
  /** Its first eligible number after the best class, not pooled: no number left out ranks before it. */
  readonly next: Candidate | null;
}

const RANK = 4;

/** The member's evaluation at rank 4 for a request that does not touch it: the shared one while it holds. */
export function memberEval(ctx: Ctx, indexed: UsageIndex, m: MemberEntry, table: NumberTable): MemberEval {
  const cached = indexed.evals[m.ordinal];
  const w = m.template.waba;
  const used = indexed.used[w.portfolioOrdinal]!;
  if (
    cached !== undefined &&
    cached.table === table &&
    cached.limitHit === used >= w.limit &&
    (!cached.limitHit || cached.used === used) &&
    cached.category === ctx.category &&
    cached.shape === ctx.shape &&
    cached.fromMs <= ctx.nowMs &&
    ctx.nowMs < cached.untilMs
  ) {
    return cached;
  }
  const e = buildEval(ctx, indexed, m, table);
  indexed.evals[m.ordinal] = e;
  return e;
}

function buildEval(ctx: Ctx, indexed: UsageIndex, m: MemberEntry, table: NumberTable): MemberEval {
  const ms = evalMember(ctx, m);
  const w = m.template.waba;
  const { fromMs, untilMs } = healthValidity([w.profile, m.template.profile], ctx.nowMs);
  // One object shape for every evaluation (the hot path reads them all).
  const make = (
    eligible: number,
    degraded: number,
    kept: MemberEval['kept'],
    keptEntries: number,
    counted: MemberEval['counted'],
    best: Candidate[],
    next: Candidate | null,
  ): MemberEval => ({
    table,
    limitHit: ms.limitHit,
    used: ms.used,
    category: ctx.category,
    shape: ctx.shape,
    fromMs,
    untilMs,
    evaluated: table.all.length,
    eligible,
    degraded,
    kept,
    keptEntries,
    counted,
    best,
    next,
  });
  if (ms.mask !== 0) {
    // One rejection for all of the member's numbers, none of them evaluated (scan.ts `evalPhones`).
    const n = w.phones.length;
    if (n === 0) return make(0, 0, [], 0, [], [], null);
    return make(
      0,
      0,
      [{ rank: RANK, ms, phones: w.phones, phoneHealth: null, mask: ms.mask, listed: [] }],
      1,
      [{ mask: ms.mask, count: n }],
      [],
      null,
    );
  }
  const entries = (states: NumberTable['all']) => Math.min(states.length, MAX_LISTED_REJECTIONS);
  const listed = (states: NumberTable['all'], extra: number) => (): Rejection[] =>
    states
      .slice(0, MAX_LISTED_REJECTIONS)
      .map((s) => ({ rank: RANK, ms, phones: [s.phone], phoneHealth: s.health, mask: s.mask | extra, listed: [] }));
  if (ms.limitHit) {
    // The portfolio is at its limit for a recipient it would count (evaluate.ts `evalTable`).
    const limit = BIT.no_messaging_limit_headroom;
    const counted = table.rejectedByMask.map((g) => ({ mask: g.mask | limit, count: g.count }));
    if (table.eligible.length > 0) counted.push({ mask: limit, count: table.eligible.length });
    return make(0, 0, listed(table.all, limit), entries(table.all), counted, [], null);
  }
  const degraded = ms.degraded > 0 ? table.eligible.length : table.degradedEligible;
  const best = bestClass(ms, table);
  const after = table.eligible[best.length];
  const next =
    after === undefined
      ? null
      : spreadCandidate(ms, after.phone, RANK, after.health, ms.degraded + after.degraded, after.throughputLeft, false);
  return make(
    table.eligible.length,
    degraded,
    listed(table.rejected, 0),
    entries(table.rejected),
    table.rejectedByMask,
    best,
    next,
  );
}

/** The eligible numbers that tie the first on every key a number sets (usage-index.ts sorts by them). */
function bestClass(ms: MemberState, table: NumberTable): Candidate[] {
  const first = table.eligible[0];
  if (first === undefined) return [];
  const out: Candidate[] = [];
  for (const s of table.eligible) {
    if (
      s.degraded !== first.degraded ||
      s.phone.quality !== first.phone.quality ||
      s.phone.phone.priority !== first.phone.phone.priority
    ) {
      break;
    }
    out.push(spreadCandidate(ms, s.phone, RANK, s.health, ms.degraded + s.degraded, s.throughputLeft, false));
  }
  return out;
}
