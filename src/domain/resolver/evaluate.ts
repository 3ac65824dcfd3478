import type { Health } from '../registry';
import { healthAt as healthAtImport } from '../health';
import { LOW_HEADROOM_FRACTION as LOW_HEADROOM } from '../tiers';
import { unitHash as unitHashImport } from './hash';
import { type Candidate, type MemberState, comparePrefix as comparePrefixImport, insert as insertImport } from './rank';
import type { MemberEntry, PhoneEntry } from './registry-index';
import {
  BIT as BIT_IMPORT,
  count as countImport,
  listingFull as listingFullImport,
  numberMask as numberMaskImport,
  rejectPhone as rejectPhoneImport,
} from './rejections';
import type { Ctx, Scan } from './scan';
import type { CapacityCost } from './types';
import type { NumberState, NumberTable } from './usage-index';

/**
 * Evaluation of candidates for the scan (scan.ts): a group member (WABA, template, portfolio) once per decision,
 * then its numbers — one by one, or from the usage index's table (usage-index.ts) — and the admission of an
 * eligible candidate into the K best (or, under `spread`, into the pool ranked once the scan is complete).
 */

// tsx/esbuild compile every use of an imported binding to a getter call on the module object; the hot path
// binds what it uses once.
const healthAt = healthAtImport;
const unitHash = unitHashImport;
const LOW_HEADROOM_FRACTION = LOW_HEADROOM;
const comparePrefix = comparePrefixImport;
const insert = insertImport;
const BIT = BIT_IMPORT;
const count = countImport;
const listingFull = listingFullImport;
const numberMask = numberMaskImport;
const rejectPhone = rejectPhoneImport;

/**
 * Scan order as a number: rank, then group order, then the number's position in its WABA — the order in which
 * the walk meets candidates, whichever way a member's numbers are evaluated (positions and orders < 2^20).
 */
const seqOf = (rank: number, member: MemberEntry, p: PhoneEntry): number =>
  (rank * 0x100000 + member.order) * 0x100000 + p.position;

/** Messages the number sent in the last second, as the scan reads them (negative or missing: 0). */
export function sentOf(scan: Pick<Scan, 'indexed' | 'phoneUsage'>, p: PhoneEntry): number {
  if (scan.indexed !== null) return scan.indexed.sent[p.ordinal]!;
  const sent = scan.phoneUsage[p.phone.id]?.sentLastSecond ?? 0;
  return sent > 0 ? sent : 0; // also maps NaN to 0
}

/** The share of a portfolio's messaging limit left after `used` recipients (1 when unlimited). */
export function portfolioFraction(limit: number, used: number): number {
  return limit === Number.POSITIVE_INFINITY ? 1 : Math.min(1, Math.max(0, (limit - used) / limit));
}

export function evalMember(ctx: Ctx, member: MemberEntry): MemberState {
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
  else if (ctx.shape !== null && t.shape !== ctx.shape) mask |= BIT.not_equivalent;
  const pid = w.waba.portfolioId;
  const counted = ctx.counted !== null && ctx.counted.includes(pid);
  const reported =
    ctx.indexed !== null
      ? ctx.indexed.used[w.portfolioOrdinal]!
      : (ctx.usage.portfolios?.[pid]?.uniqueRecipients24h ?? 0);
  const used = reported > 0 ? reported : 0; // also maps NaN to 0
  const remaining = w.limit - used;
  const fraction = portfolioFraction(w.limit, used);
  return { member, wabaHealth, templateHealth, mask, degraded, counted, limitHit: remaining <= 0, used, fraction };
}

/** One number of a member whose own mask is clear: the number's and the request's reasons, then admission. */
export function evalPhone(ctx: Ctx, ms: MemberState, p: PhoneEntry, rank: number): void {
  const phoneHealth = healthAt(p.profile, ctx.nowMs);
  const throughputLeft = p.throughputLimit - sentOf(ctx, p);
  evalNumber(ctx, ms, p, rank, phoneHealth, throughputLeft, numberMask(p, phoneHealth, throughputLeft));
}

/** `evalPhone` from the number's state in its WABA's table (usage-index.ts: the same health, headroom and mask). */
export function evalState(ctx: Ctx, ms: MemberState, s: NumberState, rank: number): void {
  evalNumber(ctx, ms, s.phone, rank, s.health, s.throughputLeft, s.mask);
}

function evalNumber(
  ctx: Ctx,
  ms: MemberState,
  p: PhoneEntry,
  rank: number,
  phoneHealth: Health,
  throughputLeft: number,
  ownMask: number,
): void {
  let mask = ms.mask | ownMask;
  if (ctx.exP !== null && ctx.exP.includes(p.phone.id)) mask |= BIT.phone_excluded;
  const open = ctx.open !== null && ctx.open.includes(p.phone.id);
  if (ms.limitHit && !ms.counted && !open) mask |= BIT.no_messaging_limit_headroom;
  ctx.evaluated++;
  if (mask !== 0) {
    rejectPhone(ctx.rejections, rank, mask, ms, p, phoneHealth);
    return;
  }
  const degraded = ms.degraded + (phoneHealth.verdict === 'degraded' ? 1 : 0);
  ctx.eligible++;
  if (degraded > 0) ctx.degradedByRank[rank]!++;
  admit(ctx, ms, p, rank, phoneHealth, degraded, throughputLeft, open);
}

/**
 * A member's numbers from its WABA's table, for a WABA no per-request number touches (not the sticky number, no
 * excluded number, no open service window: scan.ts `touches`), so every number is what the table says. Same
 * result as `evalPhone` on each: rejected numbers are listed one by one while the listing has room, then counted
 * by mask; eligible ones are admitted best first until one cannot enter (no later one can).
 */
export function evalTable(ctx: Ctx, ms: MemberState, table: NumberTable, rank: number): void {
  const rejections = ctx.rejections;
  ctx.evaluated += table.all.length;
  if (ms.limitHit && !ms.counted) {
    const limit = BIT.no_messaging_limit_headroom;
    if (!listingFull(rejections)) {
      for (const s of table.all) rejectPhone(rejections, rank, s.mask | limit, ms, s.phone, s.health);
      return;
    }
    for (const g of table.rejectedByMask) count(rejections, rank, g.mask | limit, g.count);
    if (table.eligible.length > 0) count(rejections, rank, limit, table.eligible.length);
    return;
  }
  if (!listingFull(rejections))
    for (const s of table.rejected) rejectPhone(rejections, rank, s.mask, ms, s.phone, s.health);
  else for (const g of table.rejectedByMask) count(rejections, rank, g.mask, g.count);
  const eligible = table.eligible;
  ctx.eligible += eligible.length;
  ctx.degradedByRank[rank]! += ms.degraded > 0 ? eligible.length : table.degradedEligible;
  for (const s of eligible) {
    if (!admit(ctx, ms, s.phone, rank, s.health, ms.degraded + s.degraded, s.throughputLeft, false)) return;
  }
}

/** Bounded insertion by prefix only, after the equal ones (K ≤ 21: a linear scan). */
export function insertByPrefix(bar: Candidate[], k: number, c: Candidate): void {
  if (bar.length === k) bar.pop();
  let i = bar.length;
  while (i > 0 && comparePrefix(c.degraded, c.tier, c.quality, c.pressure, c.order, c.priority, bar[i - 1]!) < 0) i--;
  bar.splice(i, 0, c);
}

/**
 * A pooled `spread` candidate into the pool, as `admit` pools one: false (not pooled) when its prefix is worse than
 * the K-th pooled, so a number that is no better on the keys a number sets cannot enter either.
 */
export function pool(ctx: Ctx, c: Candidate): boolean {
  const bar = ctx.poolBar;
  const cmp =
    bar.length < ctx.k ? -1 : comparePrefix(c.degraded, c.tier, c.quality, 0, c.order, c.priority, bar[ctx.k - 1]!);
  if (cmp > 0) return false;
  ctx.pool!.push(c);
  if (cmp < 0) insertByPrefix(bar, ctx.k, c);
  return true;
}

/** Under `spread`: the sticky number first, then every WABA's preferred template alike, then its other templates. */
const spreadTier = (rank: number, m: MemberEntry): number => (rank === 0 ? 0 : m.wabaOrder === 0 ? 1 : 3);

/** Under `spread`: operator priority relative to the WABA's best, so every WABA's best-priority numbers rank alike. */
const spreadPriority = (p: PhoneEntry): number => p.phone.priority - p.waba.bestPriority;

/** An eligible candidate as `spread` ranks it: every WABA's preferred template on its best-priority numbers alike. */
export function spreadCandidate(
  ms: MemberState,
  p: PhoneEntry,
  rank: number,
  phoneHealth: Health,
  degraded: number,
  throughputLeft: number,
  open: boolean,
): Candidate {
  const capacity: CapacityCost = ms.counted ? 'already_counted' : open ? 'open_window' : 'new_recipient';
  return {
    rank,
    tier: spreadTier(rank, ms.member),
    degraded,
    quality: ms.member.template.quality + p.quality,
    pressure: 0,
    order: ms.member.wabaOrder,
    priority: spreadPriority(p),
    spread: Number.NaN,
    seq: seqOf(rank, ms.member, p),
    ms,
    phone: p,
    phoneHealth,
    capacity,
    portfolioFraction: capacity === 'new_recipient' ? ms.fraction : 1,
    throughputFraction: throughputLeft / p.throughputLimit,
    throughputLeft,
    portfolio: p.waba.portfolioOrdinal,
    limit: p.waba.limit,
    position: ms.member.order,
    phoneHash: p.hash,
    templateHash: ms.member.template.hash,
  };
}

/**
 * An eligible candidate into the K best (or the `spread` pool). False when it ranks after what is kept on every
 * key a number sets, so a number that is no better on those keys cannot enter either.
 */
function admit(
  ctx: Ctx,
  ms: MemberState,
  p: PhoneEntry,
  rank: number,
  phoneHealth: Health,
  degraded: number,
  throughputLeft: number,
  open: boolean,
): boolean {
  const phone = p.phone;
  if (ctx.pool !== null) {
    // Not allocated when it cannot be pooled (the last number a table walk meets, per WABA and decision).
    const bar = ctx.poolBar;
    if (bar.length === ctx.k) {
      const quality = ms.member.template.quality + p.quality;
      const m = ms.member;
      const worst = bar[ctx.k - 1]!;
      if (comparePrefix(degraded, spreadTier(rank, m), quality, 0, m.wabaOrder, spreadPriority(p), worst) > 0) {
        return false;
      }
    }
    return pool(ctx, spreadCandidate(ms, p, rank, phoneHealth, degraded, throughputLeft, open));
  }
  const capacity: CapacityCost = ms.counted ? 'already_counted' : open ? 'open_window' : 'new_recipient';
  const portfolioFraction = capacity === 'new_recipient' ? ms.fraction : 1;
  const throughputFraction = throughputLeft / p.throughputLimit;
  const t = ms.member.template;
  const quality = t.quality + p.quality;
  const seq = seqOf(rank, ms.member, p);
  const pressure = portfolioFraction < LOW_HEADROOM_FRACTION ? 1 : 0;
  // Weighted rendezvous hashing: each equally ranked candidate wins with probability ∝ its remaining headroom.
  // Computed only when the keys before it tie with the K-th best (it is the costliest key).
  let spread = Number.NaN;
  const best = ctx.best;
  if (best.length === ctx.k) {
    const worst = best[ctx.k - 1]!;
    const c = comparePrefix(degraded, rank, quality, pressure, ms.member.order, phone.priority, worst);
    if (c > 0) return false;
    if (c === 0) {
      spread = -Math.log(unitHash(ctx.seed, p.hash, t.hash)) / (portfolioFraction * throughputFraction);
      // Equal spread: the earlier in scan order stays (a table walk meets numbers best first, not in scan order).
      if (spread > worst.spread || (spread === worst.spread && seq > worst.seq)) return true;
    }
  }
  if (Number.isNaN(spread)) {
    spread = -Math.log(unitHash(ctx.seed, p.hash, t.hash)) / (portfolioFraction * throughputFraction);
  }
  insert(ctx.best, ctx.k, {
    rank,
    tier: rank,
    degraded,
    quality,
    pressure,
    order: ms.member.order,
    priority: phone.priority,
    spread,
    seq,
    ms,
    phone: p,
    phoneHealth,
    capacity,
    portfolioFraction,
    throughputFraction,
    throughputLeft,
    portfolio: p.waba.portfolioOrdinal,
    limit: p.waba.limit,
    position: ms.member.order,
    phoneHash: p.hash,
    templateHash: t.hash,
  });
  return true;
}
