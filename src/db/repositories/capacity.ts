import { inTransaction, type Pool } from '../pool';

/**
 * Capacity reservations in PostgreSQL, shared by every worker (docs/capacity.md). Each call is one statement:
 * atomic without a transaction, and O(1) in the number of recipients the 24 h window holds.
 *
 * Slots (throughput per number, pair rate per number × recipient) use GCRA: a row holds the "theoretical arrival
 * time" `tat`; a send may leave at `max(now, tat - tolerance)` and moves `tat` to `max(tat, now) + interval`. A
 * reservation further ahead than `maxWaitMs` is refused and changes nothing.
 *
 * The messaging limit is a maintained count: `capacity_portfolios.used` counts the recipients of the minute
 * buckets after `expired_through`; a reservation first subtracts the buckets that have left the window since the
 * last one (amortised O(1)), then takes one if the count is under the limit. A bucket leaves the window when its
 * last minute is 24 h old, so capacity comes back at most a minute late — never early.
 */

export const WINDOW_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** exp() of less than about -745 underflows, which PostgreSQL raises as an error: a load that old is zero anyway. */
export const MAX_DECAY = 700;
/** Postgres integer bound, for unlimited tiers. */
const NO_LIMIT = 2_147_483_647;

/** The last minute bucket whose recipients have all left the window at `now`. */
export const expiredThrough = (now: number): number => Math.floor((now - WINDOW_MS) / MINUTE_MS) - 1;
const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);

export interface SlotRequest {
  now: number;
  intervalMs: number;
  /** How far ahead of its spacing a send may go (burst); 0 for strict spacing. */
  toleranceMs: number;
  /** The longest wait the caller accepts. */
  maxWaitMs: number;
}

/** `at`: when the send may leave. Refused: `nextAt`, the earliest time a send could leave. */
export type SlotResult = { ok: true; at: number } | { ok: false; nextAt: number };

export type CountResult =
  { status: 'counted'; countedAt: number } | { status: 'already_counted' } | { status: 'limit_reached' };

const slotResult = (r: SlotRequest, tat: number | undefined, existing: number | undefined): SlotResult =>
  tat !== undefined
    ? { ok: true, at: Math.max(r.now, tat - r.intervalMs - r.toleranceMs) }
    : { ok: false, nextAt: (existing ?? r.now) - r.toleranceMs };

export type CapacityRepo = ReturnType<typeof createCapacityRepo>;

export function createCapacityRepo(pool: Pool) {
  return {
    /** Reserves the number's next throughput slot; `perSecond` is its nominal limit (shown to the resolver). */
    async reservePhoneSlot(tenantId: string, phoneNumberId: string, perSecond: number, r: SlotRequest) {
      const res = await pool.query<{ tat_ms: number }>(
        `INSERT INTO capacity_phone_slots AS s (tenant_id, phone_number_id, tat_ms, per_second, recent, recent_at_ms)
         VALUES ($1, $2, $3::float8 + $4::float8, $6, 1, $3)
         ON CONFLICT (tenant_id, phone_number_id) DO UPDATE
           SET tat_ms = GREATEST(s.tat_ms, $3) + $4, per_second = $6,
               recent = s.recent * exp(-LEAST(GREATEST($3 - s.recent_at_ms, 0) / 1000.0, ${MAX_DECAY})) + 1, recent_at_ms = $3
           WHERE GREATEST(s.tat_ms, $3) - $3 <= $5
         RETURNING tat_ms`,
        [tenantId, phoneNumberId, r.now, r.intervalMs, r.toleranceMs + r.maxWaitMs, perSecond],
      );
      if (res.rows[0]) return slotResult(r, res.rows[0].tat_ms, undefined);
      const cur = await pool.query<{ tat_ms: number }>(
        'SELECT tat_ms FROM capacity_phone_slots WHERE tenant_id = $1 AND phone_number_id = $2',
        [tenantId, phoneNumberId],
      );
      return slotResult(r, undefined, cur.rows[0]?.tat_ms);
    },

    async releasePhoneSlot(tenantId: string, phoneNumberId: string, intervalMs: number, now: number) {
      await pool.query(
        `UPDATE capacity_phone_slots SET tat_ms = GREATEST(tat_ms - $3, $4), recent = GREATEST(recent - 1, 0)
          WHERE tenant_id = $1 AND phone_number_id = $2`,
        [tenantId, phoneNumberId, intervalMs, now],
      );
    },

    async reservePairSlot(tenantId: string, phoneNumberId: string, waId: string, r: SlotRequest) {
      const res = await pool.query<{ tat_ms: number }>(
        `INSERT INTO capacity_pair_slots AS s (tenant_id, phone_number_id, wa_id, tat_ms)
         VALUES ($1, $2, $3, $4::float8 + $5::float8)
         ON CONFLICT (tenant_id, phone_number_id, wa_id) DO UPDATE
           SET tat_ms = GREATEST(s.tat_ms, $4) + $5
           WHERE GREATEST(s.tat_ms, $4) - $4 <= $6
         RETURNING tat_ms`,
        [tenantId, phoneNumberId, waId, r.now, r.intervalMs, r.toleranceMs + r.maxWaitMs],
      );
      if (res.rows[0]) return slotResult(r, res.rows[0].tat_ms, undefined);
      const cur = await pool.query<{ tat_ms: number }>(
        'SELECT tat_ms FROM capacity_pair_slots WHERE tenant_id = $1 AND phone_number_id = $2 AND wa_id = $3',
        [tenantId, phoneNumberId, waId],
      );
      return slotResult(r, undefined, cur.rows[0]?.tat_ms);
    },

    async releasePairSlot(tenantId: string, phoneNumberId: string, waId: string, intervalMs: number, now: number) {
      await pool.query(
        `UPDATE capacity_pair_slots SET tat_ms = GREATEST(tat_ms - $4, $5)
          WHERE tenant_id = $1 AND phone_number_id = $2 AND wa_id = $3`,
        [tenantId, phoneNumberId, waId, intervalMs, now],
      );
    },

    /**
     * Counts the recipient in the portfolio's window unless it already is, refusing at the limit. Two concurrent
     * first sends to one recipient may both count it (over-counting by one is safe; under-counting never happens).
     */
    async countRecipient(
      tenantId: string,
      portfolioId: string,
      waId: string,
      limit: number,
      now: number,
    ): Promise<CountResult> {
      const res = await pool.query<{ seen: number; took: number }>(
        `WITH seen AS (
           SELECT 1 FROM capacity_recipients
            WHERE tenant_id = $1 AND portfolio_id = $2 AND wa_id = $3 AND counted_at_ms > $4::bigint - ${WINDOW_MS}
         ), took AS (
           INSERT INTO capacity_portfolios AS c (tenant_id, portfolio_id, used, expired_through)
           SELECT $1::uuid, $2::text, 1, $5::bigint WHERE NOT EXISTS (SELECT 1 FROM seen)
           ON CONFLICT (tenant_id, portfolio_id) DO UPDATE
             SET used = c.used - (SELECT coalesce(sum(m.recipients), 0) FROM capacity_portfolio_minutes m
                                   WHERE m.tenant_id = $1 AND m.portfolio_id = $2
                                     AND m.minute > c.expired_through AND m.minute <= $5)::int + 1,
                 expired_through = GREATEST(c.expired_through, $5)
             WHERE c.used - (SELECT coalesce(sum(m.recipients), 0) FROM capacity_portfolio_minutes m
                              WHERE m.tenant_id = $1 AND m.portfolio_id = $2
                                AND m.minute > c.expired_through AND m.minute <= $5) < $6
           RETURNING used
         ), bucket AS (
           INSERT INTO capacity_portfolio_minutes (tenant_id, portfolio_id, minute, recipients)
           SELECT $1::uuid, $2::text, $7::bigint, 1 FROM took
           ON CONFLICT (tenant_id, portfolio_id, minute)
             DO UPDATE SET recipients = capacity_portfolio_minutes.recipients + 1
         ), counted AS (
           INSERT INTO capacity_recipients (tenant_id, portfolio_id, wa_id, counted_at_ms)
           SELECT $1::uuid, $2::text, $3::text, $4::bigint FROM took
           ON CONFLICT (tenant_id, portfolio_id, wa_id) DO UPDATE SET counted_at_ms = EXCLUDED.counted_at_ms
         )
         SELECT (SELECT count(*) FROM seen)::int AS seen, (SELECT count(*) FROM took)::int AS took`,
        [
          tenantId,
          portfolioId,
          waId,
          now,
          expiredThrough(now),
          Number.isFinite(limit) ? limit : NO_LIMIT,
          minuteOf(now),
        ],
      );
      const row = res.rows[0]!;
      if (row.seen > 0) return { status: 'already_counted' };
      return row.took > 0 ? { status: 'counted', countedAt: now } : { status: 'limit_reached' };
    },

    /** Undoes `countRecipient` (a refused send): only the count that reservation made. */
    async uncountRecipient(tenantId: string, portfolioId: string, waId: string, countedAt: number) {
      await uncountRecipients(pool, tenantId, portfolioId, [waId], countedAt);
    },

    /** When the portfolio's oldest counted recipient leaves the window (capacity comes back), if any does. */
    async nextRelease(tenantId: string, portfolioId: string, now: number): Promise<number | null> {
      const res = await pool.query<{ minute: number | null }>(
        `SELECT min(m.minute) AS minute FROM capacity_portfolio_minutes m
          WHERE m.tenant_id = $1 AND m.portfolio_id = $2 AND m.recipients > 0 AND m.minute > $3`,
        [tenantId, portfolioId, expiredThrough(now)],
      );
      const minute = res.rows[0]?.minute;
      return minute === null || minute === undefined ? null : (minute + 1) * MINUTE_MS + WINDOW_MS;
    },
  };
}

/**
 * Takes recipients counted at `countedAt` back out of a portfolio's window: their rows, the portfolio's count and
 * their minute's (the single path's and a chunk's refusals alike). The portfolio row is locked first, as every count
 * locks it first: without that order, a release and a concurrent count lock the portfolio and minute rows the other
 * way round and deadlock (40P01).
 */
export async function uncountRecipients(
  pool: Pool,
  tenantId: string,
  portfolioId: string,
  waIds: readonly string[],
  countedAt: number,
): Promise<void> {
  if (waIds.length === 0) return;
  await inTransaction(pool, async (client) => {
    await client.query('SELECT 1 FROM capacity_portfolios WHERE tenant_id = $1 AND portfolio_id = $2 FOR UPDATE', [
      tenantId,
      portfolioId,
    ]);
    await client.query(
      `WITH gone AS (
         DELETE FROM capacity_recipients
          WHERE tenant_id = $1 AND portfolio_id = $2 AND wa_id = ANY($3::text[]) AND counted_at_ms = $4
         RETURNING 1
       ), n AS (SELECT count(*)::int AS n FROM gone), counter AS (
         UPDATE capacity_portfolios SET used = used - (SELECT n FROM n)
          WHERE tenant_id = $1 AND portfolio_id = $2 AND $5 > expired_through AND (SELECT n FROM n) > 0
       )
       UPDATE capacity_portfolio_minutes SET recipients = recipients - (SELECT n FROM n)
        WHERE tenant_id = $1 AND portfolio_id = $2 AND minute = $5 AND (SELECT n FROM n) > 0`,
      [tenantId, portfolioId, waIds, countedAt, minuteOf(countedAt)],
    );
  });
}
