import type { Pool } from '../pool';
import { expiredThrough, MAX_DECAY, uncountRecipients, WINDOW_MS } from './capacity';

/**
 * A chunk's reservations in a few statements instead of three per send (docs/capacity.md, "Reserving a chunk"):
 * the same rows and the same rules as `createCapacityRepo`, so single and chunked senders share every limit.
 */

/** Postgres integer bound, for unlimited tiers. */
const NO_LIMIT = 2_147_483_647;
const minuteOf = (ms: number): number => Math.floor(ms / 60_000);

export interface ChunkCount {
  /** Recipients this call counted in the window (their `countedAt` is `now`). */
  counted: Set<string>;
  /** Recipients already in the window: they cost nothing. */
  already: Set<string>;
}

export interface PhoneSlots {
  /** When the first granted slot begins; slot j begins at `firstAt + j * intervalMs`. */
  firstAt: number;
  /** How many of the asked slots fit within `maxWaitMs`. */
  granted: number;
  /** When the first slot not granted would begin. */
  nextAt: number;
}

export type CapacityBatchRepo = ReturnType<typeof createCapacityBatchRepo>;

export function createCapacityBatchRepo(pool: Pool) {
  return {
    /**
     * Counts recipients in the portfolio's window, first come first counted, up to its limit. One statement that
     * locks the portfolio row first (as the single count does), so concurrent chunks and single sends serialise on
     * that row and never deadlock on the minute or recipient rows behind it — and hold it for that statement only,
     * not for a transaction's round trips to a busy worker (docs/capacity.md, "Reserving a chunk").
     *
     * The lock returns the row as the last holder left it; the recipients already counted are read from the
     * statement's snapshot, which may predate that holder: a recipient it counted meanwhile is counted again
     * (over-counting by one is safe, as in the single count; a campaign's recipients are distinct anyway).
     */
    async countRecipients(
      tenantId: string,
      portfolioId: string,
      waIds: readonly string[],
      limit: number,
      now: number,
    ): Promise<ChunkCount> {
      const unique = [...new Set(waIds)];
      const through = expiredThrough(now);
      const count = () =>
        pool.query<{ found: boolean; seen: string[] | null; counted: string[] | null }>(
          `WITH locked AS (
             SELECT used, expired_through FROM capacity_portfolios
              WHERE tenant_id = $1 AND portfolio_id = $2 FOR UPDATE
           ), win AS (
             SELECT l.used - CASE WHEN l.expired_through < $3 THEN
                      (SELECT coalesce(sum(m.recipients), 0) FROM capacity_portfolio_minutes m
                        WHERE m.tenant_id = $1 AND m.portfolio_id = $2 AND m.minute > l.expired_through AND m.minute <= $3)::int
                    ELSE 0 END AS in_window
               FROM locked l
           ), seen AS (
             SELECT wa_id FROM capacity_recipients
              WHERE tenant_id = $1 AND portfolio_id = $2 AND wa_id = ANY($4::text[])
                AND counted_at_ms > $5::bigint - ${WINDOW_MS}
           ), took AS (
             SELECT t.w FROM unnest($4::text[]) WITH ORDINALITY AS t(w, o), win
              WHERE t.w NOT IN (SELECT wa_id FROM seen)
              ORDER BY t.o LIMIT (SELECT GREATEST(0, $6::int - in_window) FROM win)
           ), n AS (SELECT count(*)::int AS n FROM took), portfolio AS (
             UPDATE capacity_portfolios c SET used = win.in_window + n.n, expired_through = GREATEST(c.expired_through, $3)
               FROM win, n WHERE c.tenant_id = $1 AND c.portfolio_id = $2
           ), bucket AS (
             INSERT INTO capacity_portfolio_minutes (tenant_id, portfolio_id, minute, recipients)
             SELECT $1::uuid, $2::text, $7::bigint, n.n FROM n WHERE n.n > 0
             ON CONFLICT (tenant_id, portfolio_id, minute)
               DO UPDATE SET recipients = capacity_portfolio_minutes.recipients + EXCLUDED.recipients
           ), counted AS (
             -- Sorted, so two chunks inserting overlapping recipients lock their rows in the same order.
             INSERT INTO capacity_recipients (tenant_id, portfolio_id, wa_id, counted_at_ms)
             SELECT $1::uuid, $2::text, w, $5::bigint FROM took ORDER BY w
             ON CONFLICT (tenant_id, portfolio_id, wa_id) DO UPDATE SET counted_at_ms = EXCLUDED.counted_at_ms
           )
           SELECT EXISTS (SELECT 1 FROM win) AS found, (SELECT array_agg(wa_id) FROM seen) AS seen,
                  (SELECT array_agg(w) FROM took) AS counted`,
          [tenantId, portfolioId, through, unique, now, Number.isFinite(limit) ? limit : NO_LIMIT, minuteOf(now)],
        );
      let res = await count();
      if (!res.rows[0]!.found) {
        // The portfolio's first count: its row starts empty, as the single count's insert starts it.
        await pool.query(
          `INSERT INTO capacity_portfolios (tenant_id, portfolio_id, used, expired_through) VALUES ($1, $2, 0, $3)
           ON CONFLICT DO NOTHING`,
          [tenantId, portfolioId, through],
        );
        res = await count();
      }
      const row = res.rows[0]!;
      return { counted: new Set(row.counted ?? []), already: new Set(row.seen ?? []) };
    },

    /**
     * Reserves one pair slot (number × recipient) for each pair, in one statement; returns the pairs granted
     * (`phone:waId`). Pairs must be distinct. Sorted, so concurrent chunks lock shared pairs in the same order.
     */
    async reservePairSlots(
      tenantId: string,
      pairs: readonly { phoneNumberId: string; waId: string }[],
      r: { now: number; intervalMs: number; toleranceMs: number; maxWaitMs: number },
    ): Promise<Set<string>> {
      if (pairs.length === 0) return new Set();
      const sorted = [...pairs].sort((a, b) =>
        a.phoneNumberId === b.phoneNumberId ? (a.waId < b.waId ? -1 : 1) : a.phoneNumberId < b.phoneNumberId ? -1 : 1,
      );
      const res = await pool.query<{ phone_number_id: string; wa_id: string }>(
        `INSERT INTO capacity_pair_slots AS s (tenant_id, phone_number_id, wa_id, tat_ms)
         SELECT $1::uuid, p, w, $4::float8 + $5::float8 FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS t(p, w, o)
          ORDER BY o
         ON CONFLICT (tenant_id, phone_number_id, wa_id) DO UPDATE
           SET tat_ms = GREATEST(s.tat_ms, $4) + $5
           WHERE GREATEST(s.tat_ms, $4) - $4 <= $6
         RETURNING phone_number_id, wa_id`,
        [
          tenantId,
          sorted.map((p) => p.phoneNumberId),
          sorted.map((p) => p.waId),
          r.now,
          r.intervalMs,
          r.toleranceMs + r.maxWaitMs,
        ],
      );
      return new Set(res.rows.map((row) => `${row.phone_number_id}:${row.wa_id}`));
    },

    /**
     * Reserves up to `count` consecutive throughput slots of a number (GCRA, no burst): as many as begin within
     * `maxWaitMs`. One statement once the number has a row.
     */
    async reservePhoneSlots(
      tenantId: string,
      phoneNumberId: string,
      perSecond: number,
      count: number,
      r: { now: number; intervalMs: number; maxWaitMs: number },
    ): Promise<PhoneSlots> {
      const take = () =>
        pool.query<{ base: number; granted: number }>(
          `WITH cur AS (
             SELECT tat_ms, GREATEST(tat_ms, $3::float8) AS base FROM capacity_phone_slots
              WHERE tenant_id = $1 AND phone_number_id = $2 FOR UPDATE
           ), fit AS (
             SELECT base, LEAST($5::int, GREATEST(0, floor(($3::float8 + $6::float8 - base) / $4::float8) + 1))::int AS n
               FROM cur
           )
           UPDATE capacity_phone_slots s
              SET tat_ms = CASE WHEN fit.n > 0 THEN fit.base + fit.n * $4::float8 ELSE s.tat_ms END, per_second = $7,
                  recent = s.recent * exp(-LEAST(GREATEST($3::float8 - s.recent_at_ms, 0) / 1000.0, ${MAX_DECAY})) + fit.n,
                  recent_at_ms = round($3::float8)::bigint
             FROM fit
            WHERE s.tenant_id = $1 AND s.phone_number_id = $2
           RETURNING fit.base AS base, fit.n AS granted`,
          [tenantId, phoneNumberId, r.now, r.intervalMs, count, r.maxWaitMs, perSecond],
        );
      let res = await take();
      if (!res.rows[0]) {
        // A number's first send: its row starts with no backlog (tat = now), as the single reservation's insert does.
        await pool.query(
          `INSERT INTO capacity_phone_slots (tenant_id, phone_number_id, tat_ms, per_second, recent, recent_at_ms)
           VALUES ($1, $2, $3::float8, $4, 0, round($3::float8)::bigint) ON CONFLICT DO NOTHING`,
          [tenantId, phoneNumberId, r.now, perSecond],
        );
        res = await take();
      }
      const { base, granted } = res.rows[0]!;
      return { firstAt: base, granted, nextAt: base + granted * r.intervalMs };
    },

    /**
     * Undoes a chunk's refused reservations at once (`countRecipient`'s and `reservePairSlot`'s undo, for many): the
     * pair slots given back in one statement, then the counts this chunk made (`countedAt`) taken back per
     * portfolio (`uncountRecipients`).
     */
    async undoMany(
      tenantId: string,
      undo: {
        pairs: { phoneNumberId: string; waId: string }[];
        counts: { portfolioId: string; waIds: string[]; countedAt: number }[];
      },
      pair: { intervalMs: number; now: number },
    ): Promise<void> {
      if (undo.pairs.length > 0) {
        await pool.query(
          `UPDATE capacity_pair_slots s SET tat_ms = GREATEST(s.tat_ms - $4, $5)
             FROM unnest($2::text[], $3::text[]) AS u(phone_number_id, wa_id)
            WHERE s.tenant_id = $1 AND s.phone_number_id = u.phone_number_id AND s.wa_id = u.wa_id`,
          [tenantId, undo.pairs.map((p) => p.phoneNumberId), undo.pairs.map((p) => p.waId), pair.intervalMs, pair.now],
        );
      }
      for (const c of undo.counts) await uncountRecipients(pool, tenantId, c.portfolioId, c.waIds, c.countedAt);
    },
  };
}
