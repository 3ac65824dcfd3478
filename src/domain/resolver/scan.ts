import { healthAt as healthAtImport } from '../health';
import type { Health } from '../registry';
import { LOW_HEADROOM_FRACTION as LOW_HEADROOM } from '../tiers';
import { fnv1a, unitHash as unitHashImport } from './hash';
import { type Candidate, type MemberState, comparePrefix as comparePrefixImport, insert as insertImport } from './rank';
import type { GroupEntry, MemberEntry, PhoneEntry, RegistryIndex, WabaEntry } from './registry-index';
import {
  type CapacityCost,
  REJECTION_CODES,
  type RejectionCode,
  type ResolveRequest,
  type UsageSnapshot,
} from './types';

/**
 * Candidate scan: walks the deviation ranks best first, evaluates each (WABA, phone, template) at most once,
 * keeps the K best eligible candidates (bounded insertion, no sort, no allocation for candidates that cannot
 * enter) and records every rejection as a bit mask. Work that cannot change the K best is skipped: ranks after
 * the K-th best is known and healthy, and group members whose best conceivable candidate ranks after it. So a
 * `resolved` explanation covers the candidates examined; a `none` has examined every candidate.
 */

// tsx/esbuild compile every use of an imported binding to a getter call on the module object; the hot path
// binds what it uses once.
const healthAt = healthAtImport;
const unitHash = unitHashImport;
const LOW_HEADROOM_FRACTION = LOW_HEADROOM;
const comparePrefix = comparePrefixImport;
const insert = insertImport;

export const BIT: Readonly<Record<RejectionCode, number>> = Object.fromEntries(
  REJECTION_CODES.map((code, i) => [code, 1 << i]),
) as Record<RejectionCode, number>;

/** The rejection bits decided per group member (WABA, template, category); the others are per phone. */
export const MEMBER_MASK =
  BIT.waba_unhealthy | BIT.waba_excluded | BIT.template_unhealthy | BIT.template_excluded | BIT.category_mismatch;

export interface Rejection {
  readonly rank: number;
  readonly ms: MemberState;
  readonly phone: PhoneEntry;
  readonly phoneHealth: Health;
  readonly mask: number;
}

export interface Primary {
  waba: WabaEntry | undefined;
  template: MemberEntry | undefined;
  phone: PhoneEntry | undefined;
}

export interface Scan {
  readonly primary: Primary;
  readonly sticky: PhoneEntry | undefined;
  readonly best: Candidate[];
  readonly rejections: Rejection[];
  evaluated: number;
  eligible: number;
  /** Eligible but degraded candidates per deviation rank (healthy ones of later ranks rank before them). */
  readonly degradedByRank: number[];
}

interface Ctx extends Scan {
  readonly nowMs: number;
  readonly seed: number;
  readonly k: number;
  readonly request: ResolveRequest;
  readonly usage: UsageSnapshot;
  readonly phoneUsage: UsageSnapshot['phones'];
  readonly category: string | null;
  readonly exW: readonly string[] | null;
  readonly exP: readonly string[] | null;
  readonly exT: readonly string[] | null;
  readonly counted: readonly string[] | null;
  readonly open: readonly string[] | null;
}

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
): Scan {
  const primary = primaryOf(index, group, request);
  const sticky = request.stickyPhoneNumberId ? index.phones.get(request.stickyPhoneNumberId) : undefined;
  const ctx: Ctx = {
    primary,
    sticky,
    best: [],
    rejections: [],
    evaluated: 0,
    eligible: 0,
    degradedByRank: [0, 0, 0, 0, 0],
    nowMs,
    seed: fnv1a(request.requestId),
    k,
    request,
    usage,
    phoneUsage: usage.phones ?? {},
    category: request.category ?? null,
    exW: nonEmpty(request.exclude?.wabaIds),
    exP: nonEmpty(request.exclude?.phoneNumberIds),
    exT: nonEmpty(request.exclude?.templateIds),
    counted: nonEmpty(usage.recipientCountedIn),
    open: nonEmpty(usage.openWindows),
  };
  const { waba: pw, template: pt, phone: pp } = primary;

  // 0: the sticky phone, with every group member of its WABA.
  if (sticky) {
    for (const m of group.byWaba.get(sticky.waba.waba.id) ?? []) evalPhone(ctx, evalMember(ctx, m), sticky, 0);
  }
  if (settled(ctx)) return ctx;
  if (pw && pt) {
    const ms = evalMember(ctx, pt);
    // 1: the primary template on the primary phone(s); 2: on the WABA's other phones.
    for (const p of pw.phones) if (p !== sticky && isPrimaryPhone(p, pp)) evalPhone(ctx, ms, p, 1);
    if (settled(ctx)) return ctx;
    if (canImprove(ctx, ms, 2)) {
      for (const p of pw.phones) if (p !== sticky && !isPrimaryPhone(p, pp)) evalPhone(ctx, ms, p, 2);
    }
    if (settled(ctx)) return ctx;
    // 3: other equivalent templates of the primary WABA, on any of its phones.
    const members = group.byWaba.get(pw.waba.id) ?? [];
    for (let i = 1; i < members.length; i++) evalMemberPhones(ctx, evalMember(ctx, members[i]!), pw, sticky, 3);
    if (settled(ctx)) return ctx;
  }
  // 4: every other WABA of the group.
  for (const m of group.members) {
    if (m.template.waba !== pw) evalMemberPhones(ctx, evalMember(ctx, m), m.template.waba, sticky, 4);
  }
  return ctx;
}

/** `prefer.phoneNumberId`, else every enabled phone with its WABA's best operator priority. */
function isPrimaryPhone(p: PhoneEntry, preferred: PhoneEntry | undefined): boolean {
  return preferred ? p === preferred : p.phone.enabled && p.phone.priority === p.waba.bestPriority;
}

function evalMemberPhones(ctx: Ctx, ms: MemberState, w: WabaEntry, sticky: PhoneEntry | undefined, rank: number): void {
  if (!canImprove(ctx, ms, rank)) return;
  for (const p of w.phones) if (p !== sticky) evalPhone(ctx, ms, p, rank);
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

function evalMember(ctx: Ctx, member: MemberEntry): MemberState {
  const t = member.template;
  const w = t.waba;
  const wabaHealth = healthAt(w.profile, ctx.nowMs);
  const templateHealth = healthAt(t.profile, ctx.nowMs);
  let mask = 0;
  let degraded = 0;
  if (wabaHealth.verdict === 'unhealthy') mask |= BIT.waba_unhealthy;
  else if (wabaHealth.verdict === 'degraded') degraded++;
  if (ctx.exW !== null && ctx.exW.includes(w.waba.id)) mask |= BIT.waba_excluded;
  if (templateHealth.verdict === 'unhealthy') mask |= BIT.template_unhealthy;
  else if (templateHealth.verdict === 'degraded') degraded++;
  if (ctx.exT !== null && ctx.exT.includes(t.template.id)) mask |= BIT.template_excluded;
  if (ctx.category !== null && t.template.category !== ctx.category) mask |= BIT.category_mismatch;
  const pid = w.waba.portfolioId;
  const counted = ctx.counted !== null && ctx.counted.includes(pid);
  const reported = ctx.usage.portfolios?.[pid]?.uniqueRecipients24h ?? 0;
  const used = reported > 0 ? reported : 0; // also maps NaN to 0
  const remaining = w.limit - used;
  const fraction = w.limit === Number.POSITIVE_INFINITY ? 1 : Math.min(1, Math.max(0, remaining / w.limit));
  return { member, wabaHealth, templateHealth, mask, degraded, counted, limitHit: remaining <= 0, used, fraction };
}

function evalPhone(ctx: Ctx, ms: MemberState, p: PhoneEntry, rank: number): void {
  const phone = p.phone;
  const phoneHealth = healthAt(p.profile, ctx.nowMs);
  let mask = ms.mask;
  let degraded = ms.degraded;
  if (phoneHealth.verdict === 'unhealthy') mask |= BIT.phone_unhealthy;
  else if (phoneHealth.verdict === 'degraded') degraded++;
  if (!phone.enabled) mask |= BIT.phone_disabled;
  if (ctx.exP !== null && ctx.exP.includes(phone.id)) mask |= BIT.phone_excluded;
  const sent = ctx.phoneUsage[phone.id]?.sentLastSecond ?? 0;
  const throughputLeft = p.throughputLimit - (sent > 0 ? sent : 0);
  if (throughputLeft <= 0) mask |= BIT.no_throughput_headroom;
  const open = ctx.open !== null && ctx.open.includes(phone.id);
  if (ms.limitHit && !ms.counted && !open) mask |= BIT.no_messaging_limit_headroom;
  ctx.evaluated++;
  if (mask !== 0) {
    ctx.rejections.push({ rank, ms, phone: p, phoneHealth, mask });
    return;
  }
  ctx.eligible++;
  if (degraded > 0) ctx.degradedByRank[rank]!++;
  const capacity: CapacityCost = ms.counted ? 'already_counted' : open ? 'open_window' : 'new_recipient';
  const portfolioFraction = capacity === 'new_recipient' ? ms.fraction : 1;
  const throughputFraction = throughputLeft / p.throughputLimit;
  const t = ms.member.template;
  const quality = t.quality + p.quality;
  const pressure = portfolioFraction < LOW_HEADROOM_FRACTION ? 1 : 0;
  // Weighted rendezvous hashing: each equally ranked candidate wins with probability ∝ its remaining headroom.
  // Computed only when the keys before it tie with the K-th best (it is the costliest key).
  let spread = Number.NaN;
  const best = ctx.best;
  if (best.length === ctx.k) {
    const worst = best[ctx.k - 1]!;
    const c = comparePrefix(degraded, rank, quality, pressure, ms.member.order, phone.priority, worst);
    if (c > 0) return;
    if (c === 0) {
      spread = -Math.log(unitHash(ctx.seed, p.hash, t.hash)) / (portfolioFraction * throughputFraction);
      if (spread >= worst.spread) return; // equal spread: the earlier candidate (lower seq) stays
    }
  }
  if (Number.isNaN(spread)) {
    spread = -Math.log(unitHash(ctx.seed, p.hash, t.hash)) / (portfolioFraction * throughputFraction);
  }
  insert(ctx.best, ctx.k, {
    rank,
    degraded,
    quality,
    pressure,
    order: ms.member.order,
    priority: phone.priority,
    spread,
    seq: ctx.evaluated,
    ms,
    phone: p,
    phoneHealth,
    capacity,
    portfolioFraction,
    throughputFraction,
  });
}
