import { groupKey, type RegistryIndex } from './resolver/registry-index';

/**
 * Campaign capacity, pure (docs/capacity.md): what a tenant's portfolios and numbers can carry, and when a
 * campaign's own results say it must pause. The campaign view (eta) and the campaign workflow's capacity wait call
 * these through src/services/campaign-capacity.ts; the batches call `guardVerdict`.
 */

export interface PortfolioCapacity {
  id: string;
  /** Unique recipients per rolling 24 h (Infinity when unlimited). */
  limit: number;
  /** Recipients already counted in the window. */
  used: number;
  /** Messages per second of the portfolio's usable numbers, summed. */
  throughputPerSecond: number;
  /** When counted recipients leave the window: per minute bucket, the time and how many (ms since the epoch). */
  releases?: readonly { at: number; recipients: number }[];
}

export interface CapacityPlan {
  /** Recipients each portfolio takes now (proportional to what it has left), summing to at most `recipients`. */
  perPortfolio: Record<string, number>;
  /** Recipients that fit in today's windows now; the rest wait for them to roll (`waiting_for_capacity`). */
  sendableNow: number;
  waiting: number;
  /** When the last recipient can be sent (ms since the epoch): throughput-bound now, window-bound for the rest. */
  eta: number;
  /** True when nothing can be sent now: the campaign waits durably until `resumeAt`. */
  waitingForCapacity: boolean;
  /** The earliest time capacity comes back (null when nothing waits or nothing will be released). */
  resumeAt: number | null;
}

/** What the capacity tables say of a tenant's portfolios: recipients counted now, and when they leave the window. */
export interface PortfolioWindows {
  used: Readonly<Record<string, number>>;
  releases: Readonly<Record<string, readonly { at: number; recipients: number }[]>>;
}

/**
 * The portfolios a campaign's template can be sent from: those with a WABA holding a member of the template's
 * group (or a template of that name) in the language, with the throughput of their enabled numbers. A portfolio
 * shared by several such WABAs is listed once (its limit is shared by all of them).
 */
export function campaignPortfolios(
  index: RegistryIndex,
  template: { key: string; language: string },
  windows: PortfolioWindows,
): PortfolioCapacity[] {
  const k = groupKey(template.key, template.language);
  const group = index.groups.get(k) ?? index.sameName.get(k);
  const out = new Map<string, PortfolioCapacity>();
  for (const wabaId of group?.byWaba.keys() ?? []) {
    const waba = index.wabas.get(wabaId);
    if (!waba) continue;
    const id = waba.waba.portfolioId;
    const p = out.get(id) ?? {
      id,
      limit: waba.limit,
      used: windows.used[id] ?? 0,
      throughputPerSecond: 0,
      releases: windows.releases[id] ?? [],
    };
    for (const phone of waba.phones) if (phone.phone.enabled) p.throughputPerSecond += phone.throughputLimit;
    out.set(id, p);
  }
  return [...out.values()];
}

/** The messaging limit's rolling window. */
export const CAPACITY_WINDOW_MS = 86_400_000;
/** Releases a plan walks through at most (a minute bucket each): about a year of a portfolio's window. */
const MAX_PLANNED_RELEASES = 500_000;

const left = (p: PortfolioCapacity) => Math.max(0, p.limit - p.used);

/**
 * Splits `recipients` (new ones: each spends one unit of a portfolio's limit) across portfolios in proportion to
 * what each has left (the `spread` policy's share, so all fill at the same pace), sends the part that fits at the
 * portfolios' combined throughput (capped by `maxPerSecond`), and schedules the rest on the window's releases.
 */
export function planCapacity(
  recipients: number,
  portfolios: readonly PortfolioCapacity[],
  now: number,
  maxPerSecond = Number.POSITIVE_INFINITY,
): CapacityPlan {
  const usable = portfolios.filter((p) => p.throughputPerSecond > 0);
  const room = usable.reduce((n, p) => n + left(p), 0);
  const sendableNow = Math.min(recipients, room);
  const perPortfolio = shares(sendableNow, usable, room);
  const rate = Math.min(
    maxPerSecond,
    usable.reduce((n, p) => n + (left(p) > 0 ? p.throughputPerSecond : 0), 0),
  );
  let eta = now + (sendableNow > 0 && rate > 0 ? Math.ceil((sendableNow / rate) * 1000) : 0);
  let waiting = recipients - sendableNow;
  // Releases in time order: what the windows hold now, then the recipients this plan sends, which leave the
  // window a day after their send (so a list of several days' limits is planned day by day). Every later release
  // is a day after an earlier one, so appending keeps the queue in order.
  const releases = usable
    .flatMap((p) => p.releases ?? [])
    .filter((r) => r.recipients > 0)
    .sort((a, b) => a.at - b.at);
  if (sendableNow > 0 && waiting > 0) releases.push({ at: eta + CAPACITY_WINDOW_MS, recipients: sendableNow });
  const resumeAt = waiting > 0 ? (releases[0]?.at ?? null) : null;
  for (let i = 0; waiting > 0 && i < releases.length && i < MAX_PLANNED_RELEASES; i++) {
    const r = releases[i]!;
    const k = Math.min(waiting, r.recipients);
    waiting -= k;
    eta = Math.max(eta, r.at);
    if (waiting > 0) releases.push({ at: r.at + CAPACITY_WINDOW_MS, recipients: k });
  }
  if (waiting > 0) eta = Number.POSITIVE_INFINITY; // more recipients than the limits free within the plan's reach
  return {
    perPortfolio,
    sendableNow,
    waiting: recipients - sendableNow,
    eta,
    waitingForCapacity: recipients > 0 && sendableNow === 0,
    resumeAt,
  };
}

/** Largest-remainder apportionment of `n` by what each portfolio has left (unlimited ones share the excess). */
function shares(n: number, portfolios: readonly PortfolioCapacity[], room: number): Record<string, number> {
  const out: Record<string, number> = {};
  if (n === 0 || room === 0) return out;
  const finite = room !== Number.POSITIVE_INFINITY;
  const unlimited = portfolios.filter((p) => left(p) === Number.POSITIVE_INFINITY);
  const weight = (p: PortfolioCapacity) => (finite ? left(p) / room : unlimited.includes(p) ? 1 / unlimited.length : 0);
  const exact = portfolios.map((p) => ({ id: p.id, x: n * weight(p), cap: left(p) }));
  let given = 0;
  for (const e of exact) {
    out[e.id] = Math.min(e.cap, Math.floor(e.x));
    given += out[e.id]!;
  }
  for (const e of [...exact].sort((a, b) => (b.x % 1) - (a.x % 1))) {
    if (given >= n) break;
    if (out[e.id]! < e.cap) {
      out[e.id]! += 1;
      given += 1;
    }
  }
  return out;
}

export interface SendResult {
  /** The send failed, or the recipient blocked the business / reported spam. */
  failed: boolean;
}

export type GuardVerdict = { verdict: 'continue'; rate: number } | { verdict: 'pause'; rate: number; reason: string };

/** Sends the quality guard looks back over (docs/capacity.md: the last 500 by default). */
export const GUARD_WINDOW = 500;
/** Fewer sends than this say nothing about a list: the guard waits for them. */
export const GUARD_MIN_SENDS = 100;

/**
 * The campaign quality guard: pause when the failure-or-block rate over the campaign's last `GUARD_WINDOW` sends
 * reaches `maxFailureRate` (so a bad list cannot get the WABA flagged). `lastSends` is newest last.
 */
export function guardVerdict(lastSends: readonly SendResult[], maxFailureRate: number): GuardVerdict {
  const window = lastSends.slice(-GUARD_WINDOW);
  const failed = window.reduce((n, s) => n + (s.failed ? 1 : 0), 0);
  const rate = window.length === 0 ? 0 : failed / window.length;
  if (window.length < GUARD_MIN_SENDS || rate < maxFailureRate) return { verdict: 'continue', rate };
  return {
    verdict: 'pause',
    rate,
    reason: `${failed} of the last ${window.length} sends failed or were blocked (${Math.round(rate * 100)}% ≥ ${Math.round(maxFailureRate * 100)}%)`,
  };
}
