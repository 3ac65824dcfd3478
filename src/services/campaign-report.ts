import type { CampaignRow } from '../db/repositories/campaigns';
import type { CostGroupRow, StatsRow } from '../db/repositories/campaign-recipients';
import { MESSAGE_STATUSES } from '../domain/message-status';
import { priceMessage, type RateCard } from '../domain/pricing';
import type { RoutingPolicy } from '../domain/resolver/types';
import type { CampaignCapacity } from './campaign-capacity';

/** Failures that mean "not sent on purpose", counted as `skipped` as well as `failed`. */
const SKIP_REASONS = new Set(['opted_out', 'no_opt_in', 'declined_this_campaign']);
/** Samples newer than this (relative to the newest) make the current rate. */
const RATE_WINDOW_MS = 10_000;

export type Counts = Record<(typeof MESSAGE_STATUSES)[number] | 'total' | 'recovered' | 'skipped', number>;

/** Counts by message status (docs/campaigns.md, "API") from the SQL aggregate; `recovered` and `skipped` are subsets. */
export function countsOf(rows: readonly StatsRow[], duplicates: number): Counts {
  const counts = Object.fromEntries(
    [...MESSAGE_STATUSES, 'total', 'recovered', 'skipped'].map((k) => [k, 0]),
  ) as Counts;
  for (const r of rows) {
    counts.total += r.n;
    if (r.status in counts) counts[r.status as keyof Counts] += r.n;
    if (r.session && (r.status === 'delivered' || r.status === 'read')) counts.recovered += r.n;
    if (r.status === 'failed' && r.reason && SKIP_REASONS.has(r.reason)) counts.skipped += r.n;
  }
  counts.skipped += duplicates;
  return counts;
}

export function failuresByReason(rows: readonly StatsRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) if (r.status === 'failed') out[r.reason ?? 'unknown'] = (out[r.reason ?? 'unknown'] ?? 0) + r.n;
  return out;
}

/** Messages per second: recent batches while running, the average over the whole run once it ended. */
export function rateOf(c: Pick<CampaignRow, 'progress' | 'sentTotal' | 'startedAt' | 'completedAt'>): number {
  const samples = c.progress;
  const last = samples[samples.length - 1];
  if (!last) return 0;
  if (c.completedAt && c.startedAt) {
    const ms = Date.parse(c.completedAt) - Date.parse(c.startedAt);
    return ms > 0 ? round(c.sentTotal / (ms / 1000)) : 0;
  }
  const recent = samples.filter(([at]) => last[0] - at <= RATE_WINDOW_MS);
  const first = recent[0]!;
  if (first === last) return 0;
  return round((last[1] - first[1]) / ((last[0] - first[0]) / 1000));
}

/** The campaign's cost from Meta's pricing on its attempts, at the tenant's rate card. */
export function costOf(groups: readonly CostGroupRow[], card?: RateCard) {
  let total = 0;
  let billable = 0;
  for (const g of groups) {
    const priced = priceMessage(
      g.recipient,
      [
        {
          attemptId: 'group',
          kind: g.kind,
          pricing: { billable: g.billable ?? undefined, category: g.category ?? undefined, type: g.type ?? undefined },
        },
      ],
      card,
    );
    total += priced.total * g.n;
    if (priced.lines[0]?.billable) billable += g.n;
  }
  return { currency: 'USD' as const, total: Math.round(total * 1e6) / 1e6, billableMessages: billable };
}

/** Recipients still to send: queued or being sent (what the capacity plan is asked about). */
export function remainingOf(stats: readonly StatsRow[]): number {
  return stats.filter((r) => r.status === 'accepted' || r.status === 'sending').reduce((s, r) => s + r.n, 0);
}

/**
 * When the last recipient is sent: the later of the observed rate's estimate and the capacity plan's (its
 * throughput for what fits today's windows, the windows' releases for the rest); null when nothing is left or
 * no estimate exists (nothing sending yet and no plan, or more recipients than the limits will ever free).
 */
export function etaOf(remaining: number, rate: number, capacity: CampaignCapacity | undefined): string | null {
  if (remaining === 0) return null;
  const now = capacity?.at ?? Date.now();
  const byRate = rate > 0 ? now + (remaining / rate) * 1000 : undefined;
  const at = Math.max(byRate ?? Number.NEGATIVE_INFINITY, capacity?.eta ?? Number.NEGATIVE_INFINITY);
  return Number.isFinite(at) ? new Date(at).toISOString() : null;
}

/** GET /v1/campaigns/:id (docs/campaigns.md, "API"); `capacity` is the plan for what is left (open campaigns). */
export function campaignView(
  c: CampaignRow,
  stats: readonly StatsRow[],
  cost: ReturnType<typeof costOf>,
  capacity: CampaignCapacity | undefined,
  /** The tenant's `routing`, which a campaign without its own override uses. */
  tenantRouting: RoutingPolicy,
) {
  const counts = countsOf(stats, c.duplicates);
  const rate = rateOf(c);
  const remaining = counts.accepted + counts.sending;
  const waiting = stats.filter((r) => r.queue === 'retry').reduce((s, r) => s + r.n, 0);
  return {
    id: c.id,
    name: c.name,
    template: c.templateKey,
    language: c.language,
    status: c.status,
    ...(c.statusReason ? { statusReason: c.statusReason } : {}),
    idempotencyKey: c.idempotencyKey,
    counts,
    failuresByReason: failuresByReason(stats),
    rate,
    eta: etaOf(remaining, rate, capacity),
    capacity: capacity
      ? {
          sendableNow: capacity.sendableNow,
          waitingForWindow: capacity.waiting,
          resumeAt: capacity.resumeAt === null ? null : new Date(capacity.resumeAt).toISOString(),
          perPortfolio: capacity.perPortfolio,
        }
      : null,
    cost,
    rounds: { current: c.round, total: 1 + c.spec.retries.rounds, afterMs: c.spec.retries.afterMs, waiting },
    maxPerSecond: c.spec.maxPerSecond ?? null,
    routing: c.spec.routing ?? tenantRouting,
    startAt: c.spec.startAt ?? null,
    workflowId: c.workflowId,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    completedAt: c.completedAt,
  };
}

const round = (n: number) => Math.round(n * 10) / 10;
