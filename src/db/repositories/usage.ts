import type { PortfolioWindows } from '../../domain/capacity-plan';
import type { UsageSnapshot } from '../../domain/resolver';
import type { Pool } from '../pool';
import { WINDOW_MS, expiredThrough } from './capacity';

export type UsageRepo = ReturnType<typeof createUsageRepo>;

const MINUTE_MS = 60_000;

/**
 * What the resolver sees of the capacity reservations (capacity.ts, docs/capacity.md): a few rows per tenant and
 * recipient, never a count over the 24 h window.
 */
/** Unique recipients per portfolio in the rolling 24 h window, brought up to date by the expired minute buckets. */
async function portfolioUsage(pool: Pool, tenantId: string, now: number) {
  const res = await pool.query<{ portfolio_id: string; used: number }>(
    `SELECT c.portfolio_id, c.used - coalesce((SELECT sum(m.recipients) FROM capacity_portfolio_minutes m
             WHERE m.tenant_id = c.tenant_id AND m.portfolio_id = c.portfolio_id
               AND m.minute > c.expired_through AND m.minute <= $2), 0)::int AS used
       FROM capacity_portfolios c WHERE c.tenant_id = $1`,
    [tenantId, expiredThrough(now)],
  );
  return Object.fromEntries(res.rows.map((r) => [r.portfolio_id, { uniqueRecipients24h: r.used }]));
}

/** Each busy number's load as "messages in the last second" (idle numbers have no row: zero). */
async function phoneUsage(pool: Pool, tenantId: string, now: number) {
  const res = await pool.query<{
    phone_number_id: string;
    tat_ms: number;
    per_second: number;
    recent: number;
    recent_at_ms: number;
  }>(
    `SELECT phone_number_id, tat_ms, per_second, recent, recent_at_ms FROM capacity_phone_slots
      WHERE tenant_id = $1 AND (tat_ms > $2 OR recent_at_ms > $2 - 10000)`,
    [tenantId, now],
  );
  return Object.fromEntries(res.rows.map((r) => [r.phone_number_id, { sentLastSecond: sentLastSecond(r, now) }]));
}

/** Usage for many resolutions (a campaign batch): the resolver's shape, which the batch updates as it plans. */
export interface BatchUsage {
  portfolios: Record<string, { uniqueRecipients24h: number }>;
  phones: Record<string, { sentLastSecond: number }>;
  /** Each recipient's portfolios whose window already counts them. */
  countedIn: Map<string, string[]>;
}

export function createUsageRepo(pool: Pool) {
  return {
    /** Usage inputs of one resolution: unique recipients per portfolio (24 h), this recipient's portfolios, rates. */
    async snapshot(tenantId: string, waId: string, now = Date.now()): Promise<UsageSnapshot> {
      const [portfolios, counted, phones] = await Promise.all([
        portfolioUsage(pool, tenantId, now),
        pool.query<{ portfolio_id: string }>(
          'SELECT portfolio_id FROM capacity_recipients WHERE tenant_id = $1 AND wa_id = $2 AND counted_at_ms > $3',
          [tenantId, waId, now - WINDOW_MS],
        ),
        phoneUsage(pool, tenantId, now),
      ]);
      return { portfolios, recipientCountedIn: counted.rows.map((r) => r.portfolio_id), phones };
    },

    /**
     * The usage inputs of many resolutions at once (a campaign batch): per portfolio, per number, and each
     * recipient's portfolios. The batch counts its own choices on top; the sends still reserve (docs/capacity.md).
     */
    async batchSnapshot(tenantId: string, waIds: readonly string[], now = Date.now()): Promise<BatchUsage> {
      const [portfolios, counted, phones] = await Promise.all([
        portfolioUsage(pool, tenantId, now),
        pool.query<{ wa_id: string; portfolios: string[] }>(
          `SELECT wa_id, array_agg(portfolio_id) AS portfolios FROM capacity_recipients
            WHERE tenant_id = $1 AND wa_id = ANY($2::text[]) AND counted_at_ms > $3 GROUP BY wa_id`,
          [tenantId, waIds, now - WINDOW_MS],
        ),
        phoneUsage(pool, tenantId, now),
      ]);
      return { portfolios, phones, countedIn: new Map(counted.rows.map((r) => [r.wa_id, r.portfolios])) };
    },

    /**
     * Each portfolio's window for capacity planning (docs/capacity.md, "Campaigns"): recipients counted now, and
     * per minute bucket still in the window when its recipients leave it. At most one row per minute of the
     * window per portfolio, never a row per recipient.
     */
    async windows(tenantId: string, now = Date.now()): Promise<PortfolioWindows> {
      const [portfolios, buckets] = await Promise.all([
        portfolioUsage(pool, tenantId, now),
        pool.query<{ portfolio_id: string; minute: number; recipients: number }>(
          `SELECT portfolio_id, minute::float8 AS minute, recipients FROM capacity_portfolio_minutes
            WHERE tenant_id = $1 AND recipients > 0 AND minute > $2 ORDER BY minute`,
          [tenantId, expiredThrough(now)],
        ),
      ]);
      const used = Object.fromEntries(Object.entries(portfolios).map(([id, u]) => [id, u.uniqueRecipients24h]));
      const releases: Record<string, { at: number; recipients: number }[]> = {};
      for (const b of buckets.rows) {
        // A bucket leaves the window once its last minute is 24 h old (capacity.ts, `expiredThrough`).
        (releases[b.portfolio_id] ??= []).push({
          at: (b.minute + 1) * MINUTE_MS + WINDOW_MS,
          recipients: b.recipients,
        });
      }
      return { used, releases };
    },

    /**
     * Old rows only cost space: slots in the past, recipients out of the window, and minute buckets once their
     * portfolio's count no longer includes them (every portfolio is brought up to date first).
     */
    async prune(now = Date.now()) {
      const cutoff = expiredThrough(now);
      await pool.query('DELETE FROM capacity_pair_slots WHERE tat_ms < $1', [now]);
      await pool.query('DELETE FROM capacity_phone_slots WHERE tat_ms < $1 AND recent_at_ms < $1 - 60000', [now]);
      await pool.query('DELETE FROM capacity_recipients WHERE counted_at_ms <= $1', [now - WINDOW_MS]);
      await pool.query(
        `UPDATE capacity_portfolios c
            SET used = c.used - coalesce((SELECT sum(m.recipients) FROM capacity_portfolio_minutes m
                        WHERE m.tenant_id = c.tenant_id AND m.portfolio_id = c.portfolio_id
                          AND m.minute > c.expired_through AND m.minute <= $1), 0)::int,
                expired_through = $1
          WHERE c.expired_through < $1`,
        [cutoff],
      );
      await pool.query(
        `DELETE FROM capacity_portfolio_minutes m USING capacity_portfolios c
          WHERE m.tenant_id = c.tenant_id AND m.portfolio_id = c.portfolio_id AND m.minute <= c.expired_through`,
      );
    },
  };
}

/**
 * A number's load as "messages in the last second": the larger of its recent rate (reservations decayed with a
 * 1 s time constant) and the slots already reserved ahead of now (a backlog of one second means no headroom).
 */
function sentLastSecond(r: { tat_ms: number; per_second: number; recent: number; recent_at_ms: number }, now: number) {
  const recent = r.recent * Math.exp(-Math.max(0, now - r.recent_at_ms) / 1000);
  const ahead = (r.per_second * Math.max(0, r.tat_ms - now)) / 1000;
  return Math.round(Math.max(recent, ahead));
}
