import { LOW_HEADROOM_FRACTION as LOW_HEADROOM } from '../tiers';
import {
  evalMember as evalMemberImport,
  evalPhone as evalPhoneImport,
  evalState as evalStateImport,
  evalTable as evalTableImport,
  spreadCandidate,
} from './evaluate';
import { fnv1a } from './hash';
import { addGroupShare, sharesEvals } from './group-share';
import { type Candidate, type MemberState, comparePrefix as comparePrefixImport, prefixOrder } from './rank';
import type { GroupEntry, MemberEntry, PhoneEntry, RegistryIndex, WabaEntry } from './registry-index';
import { type Rejections, emptyRejections, reject as rejectImport } from './rejections';
import { type SpreadBlock, rankBySpread } from './spread';
import type { ResolveRequest, UsageSnapshot } from './types';
import { type NumberTable, type UsageIndex, numberTable as numberTableImport } from './usage-index';

/**
 * Candidate scan: walks the deviation ranks best first, evaluates each (WABA, phone, template) at most once,
 * keeps the K best eligible candidates (bounded insertion, no sort, no allocation for candidates that cannot
 * enter) and records every rejection as a bit mask. Work that cannot change the K best is skipped: ranks after
 * the K-th best is known and healthy, and group members whose best conceivable candidate ranks after it. So a
 * `resolved` explanation covers the candidates examined; a `none` has examined every candidate.
 *
 * With a usage index (usage-index.ts) a WABA that no per-request number touches is evaluated from its table, at a
 * cost that does not grow with its rejected numbers (docs/capacity.md, "Resolver cost"); the result is the same.
 */

// tsx/esbuild compile every use of an imported binding to a getter call on the module object; the hot path
// binds what it uses once.
const LOW_HEADROOM_FRACTION = LOW_HEADROOM;
const comparePrefix = comparePrefixImport;
const reject = rejectImport;
const evalMember = evalMemberImport;
const evalPhone = evalPhoneImport;
const evalTable = evalTableImport;
const evalState = evalStateImport;
const numberTable = numberTableImport;

export interface Primary {
  waba: WabaEntry | undefined;
  template: MemberEntry | undefined;
  phone: PhoneEntry | undefined;
}

export interface Scan {
  readonly primary: Primary;
  readonly sticky: PhoneEntry | undefined;
  readonly best: Candidate[];
  readonly rejections: Rejections;
  evaluated: number;
  eligible: number;
  /** Eligible but degraded candidates per deviation rank (healthy ones of later ranks rank before them). */
  readonly degradedByRank: number[];
  /** The primary template's shape: members of another shape are not equivalent (equivalence.ts). */
  readonly shape: string | null;
  /** The usage index, when the request's usage carries one built for this registry index (else `phoneUsage`). */
  readonly indexed: UsageIndex | null;
  readonly phoneUsage: UsageSnapshot['phones'];
}

export interface Ctx extends Scan {
  readonly nowMs: number;
  readonly seed: number;
  readonly k: number;
  readonly request: ResolveRequest;
  readonly usage: UsageSnapshot;
  readonly category: string | null;
  readonly exW: readonly string[] | null;
  readonly exP: readonly string[] | null;
  readonly exT: readonly string[] | null;
  readonly counted: readonly string[] | null;
  readonly open: readonly string[] | null;
  readonly index: RegistryIndex;
  /**
   * WABAs of the sticky number, excluded numbers and numbers with an open window, evaluated number by number
   * (`touches`; null until first needed).
   */
  touched: WabaEntry[] | null;
  /** Under `spread`: the eligible candidates that may rank among the K best, ranked once the scan is complete. */
  readonly pool: Candidate[] | null;
  /**
   * The K best prefixes pooled so far (rank.ts `comparePrefix`; the first is of the best class): a candidate whose
   * prefix is worse than the K-th ranks after K pooled candidates whatever the weights, so it is not pooled.
   */
  readonly poolBar: Candidate[];
  /** Whether members the request does not touch may come from the usage index's shared evaluations (group-share.ts). */
  readonly shared: boolean;
  /** Whether they did. */
  sharedUsed: boolean;
  /** The best eligible candidate those evaluations left out of the pool (null: none left out). */
  leftOut: Candidate | null;
  /** Their best class, ranked as a block beside the pool, and the members it leaves to the decision (by position). */
  block: SpreadBlock | null;
  blockSkip: Uint8Array | null;
}

/** `poolBar` under `primary-first`, never written (admission reads it only when pooling). */
const NO_BAR: Candidate[] = [];

/** Every unevaluated candidate (a worse rank) ranks after the K best once the K-th best is healthy. */
const settled = (ctx: Ctx): boolean => ctx.best.length >= ctx.k && ctx.best[ctx.k - 1]!.degraded === 0;

const nonEmpty = (a: readonly string[] | null | undefined): readonly string[] | null => (a && a.length ? a : null);

/** The primary combination: see `resolve`'s documentation. */
export function primaryOf(index: RegistryIndex, group: GroupEntry, request: ResolveRequest): Primary {
  const phone = request.prefer?.phoneNumberId ? index.phones.get(request.prefer.phoneNumberId) : undefined;
  const preferred = request.prefer?.wabaId ? index.wabas.get(request.prefer.wabaId) : undefined;
  const waba = phone?.waba ?? preferred ?? group.members[0]?.template.waba;
  const template = waba ? group.byWaba.get(waba.waba.id)?.[0] : undefined;
  return { waba, template, phone };
}

export function scan(
  index: RegistryIndex,
  group: GroupEntry,
  request: ResolveRequest,
  usage: UsageSnapshot,
  nowMs: number,
  k: number,
  share = true,
): Scan {
  const indexed = usage.indexed?.registry === index ? usage.indexed : null;
  const spread = request.routing === 'spread';
  const primary = primaryOf(index, group, request);
  const sticky = request.stickyPhoneNumberId ? index.phones.get(request.stickyPhoneNumberId) : undefined;
  const ctx: Ctx = {
    primary,
    sticky,
    best: [],
    rejections: emptyRejections(),
    evaluated: 0,
    eligible: 0,
    degradedByRank: [0, 0, 0, 0, 0],
    nowMs,
    seed: fnv1a(request.requestId),
    k,
    request,
    usage,
    category: request.category ?? null,
    exW: nonEmpty(request.exclude?.wabaIds),
    exP: nonEmpty(request.exclude?.phoneNumberIds),
    exT: nonEmpty(request.exclude?.templateIds),
    counted: nonEmpty(usage.recipientCountedIn),
    open: nonEmpty(usage.openWindows),
    index,
    indexed,
    phoneUsage: usage.phones ?? {},
    touched: null,
    shape: referenceShape(primary, group, request.category ?? null),
    pool: spread ? [] : null,
    poolBar: spread ? [] : NO_BAR,
    shared: share && indexed !== null && sharesEvals(indexed, group),
    sharedUsed: false,
    leftOut: null,
    block: null,
    blockSkip: null,
  };
  walk(ctx, group);
  if (ctx.pool === null) {
    // The sums were exact only while fewer than K ranked (group-share.ts).
    if (ctx.sharedUsed && ctx.best.length >= k) return scan(index, group, request, usage, nowMs, k, false);
    return ctx;
  }
  const portfolios = index.portfolioOrdinals.size;
  rankBySpread(ctx.pool, ctx.poolBar[0], ctx.best, k, ctx.seed, portfolios, indexed, ctx.block, ctx.blockSkip);
  if (!ctx.sharedUsed) return ctx;
  // Shared evaluations pool each member's best class only: the K best must all rank before what they left out.
  const left = ctx.leftOut;
  if (left !== null && (ctx.best.length < k || prefixOrder(ctx.best[k - 1]!, left) >= 0)) {
    return scan(index, group, request, usage, nowMs, k, false);
  }
  refreshUsage(ctx, indexed!);
  return ctx;
}

/**
 * The K best as evaluated now: a shared evaluation may hold an earlier usage of its portfolio, or of its number's
 * throughput (group-share.ts).
 */
function refreshUsage(ctx: Ctx, indexed: UsageIndex): void {
  const best = ctx.best;
  for (let i = 0; i < best.length; i++) {
    const c = best[i]!;
    const p = c.phone;
    const throughputLeft = p.throughputLimit - indexed.sent[p.ordinal]!;
    const used = indexed.used[p.waba.portfolioOrdinal];
    if (c.ms.used === used && c.throughputLeft === throughputLeft) continue;
    const ms = c.ms.used === used ? c.ms : evalMember(ctx, c.ms.member);
    const fresh = spreadCandidate(ms, p, c.rank, c.phoneHealth, c.degraded, throughputLeft, false);
    fresh.spread = c.spread;
    best[i] = fresh;
  }
}

/** Evaluates candidates rank by rank, best first; under `primary-first` it stops once the K best are settled. */
function walk(ctx: Ctx, group: GroupEntry): void {
  const { primary, sticky } = ctx;
  const { waba: pw, template: pt } = primary;
  // 0: the sticky phone, with every group member of its WABA.
  if (sticky) {
    for (const m of group.byWaba.get(sticky.waba.waba.id) ?? []) evalPhones(ctx, evalMember(ctx, m), [sticky], 0, ALL);
  }
  if (settled(ctx)) return;
  if (pw && pt) {
    const ms = evalMember(ctx, pt);
    // 1: the primary template on the primary phone(s); 2: on the WABA's other phones.
    const table = tableFor(ctx, ms, pw);
    evalPhones(ctx, ms, pw.phones, 1, PRIMARY, table);
    if (settled(ctx)) return;
    if (canImprove(ctx, ms, 2)) evalPhones(ctx, ms, pw.phones, 2, OTHER, table);
    if (settled(ctx)) return;
    // 3: other equivalent templates of the primary WABA, on any of its phones.
    const members = group.byWaba.get(pw.waba.id) ?? [];
    for (let i = 1; i < members.length; i++) evalMemberPhones(ctx, evalMember(ctx, members[i]!), pw, 3);
    if (settled(ctx)) return;
  }
  // 4: every other WABA of the group.
  if (ctx.shared && addGroupShare(ctx, ctx.indexed!, group, pw, evalOtherWaba)) {
    ctx.sharedUsed = true;
    return;
  }
  for (const m of group.members) if (m.template.waba !== pw) evalOtherWaba(ctx, m);
}

/** Rank 4: a member of another WABA than the primary, on its numbers. */
function evalOtherWaba(ctx: Ctx, m: MemberEntry): void {
  evalMemberPhones(ctx, evalMember(ctx, m), m.template.waba, 4);
}

/** Which of a WABA's numbers a rank evaluates (a selector, not a closure per decision). */
const ALL = 0;
const NOT_STICKY = 1;
/** The primary phones (`isPrimaryPhone`), and the others, the sticky one left out of both. */
const PRIMARY = 2;
const OTHER = 3;

function accepts(ctx: Ctx, only: number, p: PhoneEntry): boolean {
  if (only === ALL) return true;
  if (p === ctx.sticky) return false;
  return only === NOT_STICKY || isPrimaryPhone(p, ctx.primary.phone) === (only === PRIMARY);
}

/** The shape equivalents must have: the primary template's, else the first member's of the requested category. */
function referenceShape(primary: Primary, group: GroupEntry, category: string | null): string | null {
  const fits = (m: MemberEntry | undefined) =>
    m !== undefined && (category === null || m.template.template.category === category);
  const ref = fits(primary.template) ? primary.template : group.members.find(fits);
  return ref?.template.shape ?? null;
}

/** `prefer.phoneNumberId`, else every enabled phone with its WABA's best operator priority. */
function isPrimaryPhone(p: PhoneEntry, preferred: PhoneEntry | undefined): boolean {
  return preferred ? p === preferred : p.phone.enabled && p.phone.priority === p.waba.bestPriority;
}

function evalMemberPhones(ctx: Ctx, ms: MemberState, w: WabaEntry, rank: number): void {
  if (!canImprove(ctx, ms, rank)) return;
  if (ctx.indexed !== null && ms.mask === 0 && !touches(ctx, w)) {
    evalTable(ctx, ms, numberTable(ctx.indexed, w, ctx.nowMs), rank);
    return;
  }
  evalPhones(ctx, ms, w.phones, rank, NOT_STICKY, tableFor(ctx, ms, w));
}

/**
 * The WABA's table for evaluating its numbers one by one (a number's state there is what `evalPhone` computes: the
 * request's own reasons are added per number), when the decision has a usage index and the member is not rejected
 * as a whole.
 */
function tableFor(ctx: Ctx, ms: MemberState, w: WabaEntry): NumberTable | null {
  return ctx.indexed !== null && ms.mask === 0 ? numberTable(ctx.indexed, w, ctx.nowMs) : null;
}

/** Whether the request sees a number of `w` differently from the usage index's table. */
function touches(ctx: Ctx, w: WabaEntry): boolean {
  return touchedWabas(ctx).includes(w);
}

/** The WABAs of the sticky number, of excluded numbers and of numbers with an open window (`Ctx.touched`). */
export function touchedWabas(ctx: Ctx): readonly WabaEntry[] {
  if (ctx.touched === null) {
    const touched: WabaEntry[] = ctx.sticky ? [ctx.sticky.waba] : [];
    for (const ids of [ctx.exP, ctx.open]) {
      for (const id of ids ?? []) {
        const x = ctx.index.phones.get(id)?.waba;
        if (x !== undefined && !touched.includes(x)) touched.push(x);
      }
    }
    ctx.touched = touched;
  }
  return ctx.touched;
}

/** The member's `phones` (those `only` accepts) at `rank`: one rejection for all when the member is excluded. */
function evalPhones(
  ctx: Ctx,
  ms: MemberState,
  phones: readonly PhoneEntry[],
  rank: number,
  only: number,
  table: NumberTable | null = null,
): void {
  if (ms.mask === 0) {
    if (table !== null) {
      for (const s of table.all) if (accepts(ctx, only, s.phone)) evalState(ctx, ms, s, rank);
    } else {
      for (const p of phones) if (accepts(ctx, only, p)) evalPhone(ctx, ms, p, rank);
    }
    return;
  }
  const listed = only === ALL ? phones : phones.filter((p) => accepts(ctx, only, p));
  if (listed.length === 0) return;
  ctx.evaluated += listed.length;
  reject(ctx.rejections, rank, ms.mask, listed.length, () => ({
    rank,
    ms,
    phones: listed,
    phoneHealth: null,
    mask: ms.mask,
    listed: null,
  }));
}

/**
 * Whether any phone of this member could still enter the K best: its best conceivable key (a healthy GREEN
 * phone, the lowest priority) against the K-th best. Members that cannot are skipped (not evaluated), which
 * keeps a failover scan over a hundred WABAs short once the first good ones are found.
 */
function canImprove(ctx: Ctx, ms: MemberState, rank: number): boolean {
  if (ctx.best.length < ctx.k) return true;
  if (ms.mask !== 0) return false; // every phone would be rejected: nothing to rank
  const pressure = ms.counted || ms.fraction >= LOW_HEADROOM_FRACTION || ctx.open !== null ? 0 : 1;
  const worst = ctx.best[ctx.k - 1]!;
  const q = ms.member.template.quality;
  return comparePrefix(ms.degraded, rank, q, pressure, ms.member.order, Number.NEGATIVE_INFINITY, worst) < 0;
}
