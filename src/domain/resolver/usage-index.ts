import { healthAt } from '../health';
import type { Health } from '../registry';
import type { HealthProfile } from '../health';
import type { GroupShare } from './group-share';
import type { MemberEval } from './member-evals';
import type { GroupEntry, PhoneEntry, RegistryIndex, WabaEntry } from './registry-index';
import { numberMask } from './rejections';

/**
 * Usage indexed against one registry index, for the many decisions of a campaign batch (docs/capacity.md, "Resolver
 * cost"). Read from `UsageSnapshot.phones`, every candidate number costs a lookup by id, per decision: at 100 WABAs
 * × 20 numbers those lookups were most of a `none` or a `spread` decision. Indexed once, usage is read by
 * ordinal, and each WABA's numbers are classified once per instant and usage (a `NumberTable`): a decision then
 * counts a WABA's rejected numbers by reason in one step and walks its eligible numbers best first only as far as
 * one could still rank among the K best.
 *
 * Owned by one driver (a batch): `countSend` records the driver's own sends in it and in the records it indexes,
 * between decisions (a table is updated in place).
 */
export interface UsageIndex {
  readonly kind: 'lifeline.usage-index';
  readonly registry: RegistryIndex;
  /** The records it was built from; `countSend` keeps them in step. */
  readonly records: UsageRecords;
  /** Messages in the last second by `PhoneEntry.ordinal` (negative or missing: 0). */
  readonly sent: Float64Array;
  /** Unique recipients in the 24 h window by `WabaEntry.portfolioOrdinal` (negative or missing: 0). */
  readonly used: Float64Array;
  /** By `WabaEntry.ordinal`, built on first use; `countSend` updates a number in it or drops it. */
  readonly tables: (NumberTable | undefined)[];
  /** By `MemberEntry.ordinal`: a member's evaluation as `spread` decisions share it (member-evals.ts). */
  readonly evals: (MemberEval | undefined)[];
  /** `spread` decisions made so far per template group (member-evals.ts `SHARE_AFTER`). */
  readonly decisions: Map<GroupEntry, number>;
  /** Whether `spread` decisions share member evaluations (the default; the benchmark compares both). */
  readonly shareEvals: boolean;
  /** Per template group: its members' evaluations combined (group-share.ts). */
  readonly shares: Map<GroupEntry, GroupShare>;
  /**
   * Bumped by every counted send that changes what a number or portfolio is rejected for: a number out of
   * throughput (its table dropped), a portfolio reaching its limit (or counted past it: its rejections quote it).
   */
  changes: number;
  /** Messaging limit by `WabaEntry.portfolioOrdinal`. */
  readonly limits: Float64Array;
}

export interface UsageRecords {
  portfolios: Record<string, { uniqueRecipients24h: number }>;
  phones: Record<string, { sentLastSecond: number }>;
}

/** A number as every request sees it at one instant (what a request adds: exclusions, open windows, sticky). */
export interface NumberState {
  readonly phone: PhoneEntry;
  readonly health: Health;
  /** `numberMask`: 0 when the number itself is usable. */
  readonly mask: number;
  /** 1 when its health is degraded. */
  readonly degraded: number;
  readonly throughputLeft: number;
}

/** A WABA's numbers classified at an instant; valid while no timed health reason of theirs starts or ends. */
export interface NumberTable {
  readonly fromMs: number;
  readonly untilMs: number;
  /** Every number, in the WABA's order. */
  readonly all: readonly NumberState[];
  /** The numbers rejected by themselves, in the WABA's order. */
  readonly rejected: readonly NumberState[];
  /** The same, counted by mask. */
  readonly rejectedByMask: readonly { readonly mask: number; readonly count: number }[];
  /** The others best first: healthy before degraded, then quality, operator priority, the WABA's order. */
  readonly eligible: readonly NumberState[];
  /** How many of `eligible` are degraded (they come last). */
  readonly degradedEligible: number;
}

/** Indexes `records` against `registry` (O(numbers + portfolios)): see `UsageIndex`. */
export function indexUsage(
  registry: RegistryIndex,
  records: UsageRecords,
  options: { shareEvals?: boolean } = {},
): UsageIndex {
  const sent = new Float64Array(registry.phones.size);
  for (const p of registry.phones.values()) sent[p.ordinal] = orZero(records.phones?.[p.phone.id]?.sentLastSecond);
  const used = new Float64Array(registry.portfolioOrdinals.size);
  for (const [id, i] of registry.portfolioOrdinals) used[i] = orZero(records.portfolios?.[id]?.uniqueRecipients24h);
  const limits = new Float64Array(registry.portfolioOrdinals.size);
  for (const w of registry.wabas.values()) limits[w.portfolioOrdinal] = w.limit;
  return {
    kind: 'lifeline.usage-index',
    registry,
    records,
    sent,
    used,
    tables: new Array(registry.wabas.size),
    evals: new Array(registry.memberCount),
    decisions: new Map(),
    shareEvals: options.shareEvals ?? true,
    shares: new Map(),
    changes: 0,
    limits,
  };
}

/** Counts one planned send: a message of the number this second, and a recipient new to the portfolio's window. */
export function countSend(
  index: UsageIndex,
  send: { phoneNumberId: string; portfolioId: string; newRecipient: boolean },
): void {
  const { phones, portfolios } = index.records;
  const sentLastSecond = (phones[send.phoneNumberId]?.sentLastSecond ?? 0) + 1;
  phones[send.phoneNumberId] = { sentLastSecond };
  const p = index.registry.phones.get(send.phoneNumberId);
  if (p !== undefined) {
    index.sent[p.ordinal] = orZero(sentLastSecond);
    countInTable(index, p);
  }
  if (!send.newRecipient) return;
  const uniqueRecipients24h = (portfolios[send.portfolioId]?.uniqueRecipients24h ?? 0) + 1;
  portfolios[send.portfolioId] = { uniqueRecipients24h };
  const i = index.registry.portfolioOrdinals.get(send.portfolioId);
  if (i === undefined) return;
  const before = index.used[i]!;
  index.used[i] = orZero(uniqueRecipients24h);
  const limit = index.limits[i]!;
  if (before >= limit || index.used[i]! >= limit) index.changes++;
}

/** The WABA's table at `nowMs`, from the cache while it holds. */
export function numberTable(index: UsageIndex, w: WabaEntry, nowMs: number): NumberTable {
  const cached = index.tables[w.ordinal];
  if (cached !== undefined && cached.fromMs <= nowMs && nowMs < cached.untilMs) return cached;
  const table = buildTable(index, w, nowMs);
  index.tables[w.ordinal] = table;
  return table;
}

/**
 * A send of `p` in its WABA's table: while the number keeps headroom only its `throughputLeft` changes (no sort key
 * does), so its state is replaced in place; once it runs out the table is dropped and rebuilt on its next use.
 */
function countInTable(index: UsageIndex, p: PhoneEntry): void {
  const table = index.tables[p.waba.ordinal] as MutableTable | undefined;
  if (table === undefined) return;
  const old = table.all[p.position]!;
  const state = { ...old, throughputLeft: p.throughputLimit - index.sent[p.ordinal]! };
  if (numberMask(p, old.health, state.throughputLeft) !== old.mask) {
    index.tables[p.waba.ordinal] = undefined;
    index.changes++;
    return;
  }
  table.all[p.position] = state;
  const list = old.mask === 0 ? table.eligible : table.rejected;
  list[list.indexOf(old)] = state;
}

type MutableTable = NumberTable & {
  all: NumberState[];
  eligible: NumberState[];
  rejected: NumberState[];
};

/**
 * The interval around `nowMs` in which `healthAt` of every profile gives what it gives at `nowMs`: it changes only
 * where a timed reason starts or ends.
 */
export function healthValidity(profiles: readonly HealthProfile[], nowMs: number): { fromMs: number; untilMs: number } {
  let fromMs = Number.NEGATIVE_INFINITY;
  let untilMs = Number.POSITIVE_INFINITY;
  for (const profile of profiles) {
    for (const t of profile.timed) {
      for (const edge of [t.fromMs, t.untilMs]) {
        if (edge <= nowMs) fromMs = Math.max(fromMs, edge);
        else untilMs = Math.min(untilMs, edge);
      }
    }
  }
  return { fromMs, untilMs };
}

/** Also maps NaN (and a missing entry) to 0, as the per-number scan does. */
const orZero = (x: number | undefined): number => (x !== undefined && x > 0 ? x : 0);

function buildTable(index: UsageIndex, w: WabaEntry, nowMs: number): NumberTable {
  const { fromMs, untilMs } = healthValidity(
    w.phones.map((p) => p.profile),
    nowMs,
  );
  const all: NumberState[] = [];
  const rejected: NumberState[] = [];
  const eligible: NumberState[] = [];
  const byMask = new Map<number, number>();
  for (const p of w.phones) {
    const health = healthAt(p.profile, nowMs);
    const throughputLeft = p.throughputLimit - index.sent[p.ordinal]!;
    const mask = numberMask(p, health, throughputLeft);
    const state = { phone: p, health, mask, degraded: health.verdict === 'degraded' ? 1 : 0, throughputLeft };
    all.push(state);
    if (mask === 0) eligible.push(state);
    else {
      rejected.push(state);
      byMask.set(mask, (byMask.get(mask) ?? 0) + 1);
    }
  }
  // The order of the ranking's keys that a number sets (rank.ts `comparePrefix`), so a walk can stop at the first
  // number that cannot enter the K best.
  eligible.sort(
    (a, b) =>
      a.degraded - b.degraded ||
      a.phone.quality - b.phone.quality ||
      a.phone.phone.priority - b.phone.phone.priority ||
      a.phone.position - b.phone.position,
  );
  return {
    fromMs,
    untilMs,
    all,
    rejected,
    rejectedByMask: [...byMask].map(([mask, count]) => ({ mask, count })),
    eligible,
    degradedEligible: eligible.reduce((n, s) => n + s.degraded, 0),
  };
}
