import type { Pool, PoolClient } from '../pool';
import {
  ATTEMPT_CATEGORY,
  ATTEMPT_COUNTRY,
  ATTEMPT_COUNTS,
  ATTEMPTS_PROBED,
  EACH_GROUPING,
  EVERY_KEY,
  EVERY_KEY_JOIN,
  FAILURE_REASON,
  FUNNEL_COUNTS,
} from './analytics-facts';

/** The most days one refresh rolls up: a month, so the first page over a wide window stays a bounded piece of work. */
export const MAX_ROLLUP_DAYS = 31;
/** The advisory lock (a key for `hashtextextended(key, 0)`) one tenant's refreshes take turns on. */
export const rollupLockKey = (tenantId: string): string => `lifeline.analytics_rollup:${tenantId}`;

/** Days rolled up per transaction: each statement stays well inside the pool's statement timeout. */
const DAYS_PER_TRANSACTION = 4;

/**
 * The window's whole UTC days that are closed and have no current rollup (never rolled up, or changed since),
 * oldest first. Closed: the day ended before the oldest transaction still running in this database began. A
 * writer that began during the day marks nothing when it changes the day's rows (migration 093), so the day waits
 * until every such writer has finished; its changes are then in the rollup's snapshot, taken after this check. The
 * minute's margin covers a transaction that has taken its start time but is not listed yet.
 */
const DUE = `SELECT to_char(g, 'YYYY-MM-DD') AS day
  FROM generate_series(date_trunc('day', $2::timestamptz AT TIME ZONE 'UTC'), $3::timestamptz AT TIME ZONE 'UTC',
                       interval '1 day') AS g
 WHERE g AT TIME ZONE 'UTC' >= $2::timestamptz AND (g + interval '1 day') AT TIME ZONE 'UTC' <= $3::timestamptz
   AND (g + interval '1 day') AT TIME ZONE 'UTC' <= now() - interval '1 minute'
   AND (g + interval '1 day') AT TIME ZONE 'UTC' <= (SELECT min(xact_start) FROM pg_stat_activity
                                                     WHERE datname = current_database() AND backend_type = 'client backend')
   AND (NOT EXISTS (SELECT 1 FROM analytics_days d WHERE d.tenant_id = $1 AND d.day = g::date)
        OR EXISTS (SELECT 1 FROM analytics_stale s WHERE s.tenant_id = $1 AND s.day = g::date))
 ORDER BY g LIMIT $4`;

/**
 * The days $2 rolled up in one statement: each message of those days once (with its latest attempt and every
 * grouping's key), then the page's three aggregates (src/db/repositories/analytics.ts) per day and grouping. An
 * attempt's category and counts are worked out per message before it is counted under its seven keys.
 */
const ROLL_UP = `WITH m AS MATERIALIZED (
    SELECT d.day, m.id, m.tenant_id, m.status, m.delivered_via, m.failure, m.recipient_country, ${EVERY_KEY} AS keys
      FROM unnest($2::date[]) AS d(day)
      JOIN messages m ON m.tenant_id = $1 AND m.created_at >= d.day::timestamp AT TIME ZONE 'UTC'
                     AND m.created_at < (d.day + 1)::timestamp AT TIME ZONE 'UTC'
      ${EVERY_KEY_JOIN}),
  funnel AS (
    INSERT INTO analytics_funnel_days (tenant_id, day, group_by, key, accepted, sent, delivered, read, failed, recovered)
    SELECT $1, m.day, k.group_by, k.key, ${FUNNEL_COUNTS} FROM m ${EACH_GROUPING} GROUP BY 2, 3, 4),
  failures AS (
    INSERT INTO analytics_failure_days (tenant_id, day, group_by, key, reason, n)
    SELECT $1, m.day, k.group_by, k.key, ${FAILURE_REASON}, count(*) FROM m ${EACH_GROUPING}
     WHERE m.status = 'failed' GROUP BY 2, 3, 4, 5),
  attempts AS (
    INSERT INTO analytics_attempt_days (tenant_id, day, group_by, key, country, category, failovers, billable)
    SELECT $1, m.day, k.group_by, k.key, m.country, m.category, sum(m.failovers), sum(m.billable)
      FROM (SELECT m.day, m.keys, ${ATTEMPT_COUNTRY} AS country, ${ATTEMPT_CATEGORY} AS category, ${ATTEMPT_COUNTS}
              FROM m ${ATTEMPTS_PROBED} GROUP BY 1, 2, 3, 4) m ${EACH_GROUPING}
     GROUP BY 2, 3, 4, 5, 6)
  SELECT 1`;

/**
 * Rolls `days` up in one snapshot, used for the counts and for the change marks deleted: a change it does not see
 * keeps its mark, so its day is counted from the rows until the next rollup.
 */
async function rollUp(client: PoolClient, tenantId: string, days: string[]): Promise<void> {
  const args = [tenantId, days];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await client.query('SET LOCAL jit = off');
    await client.query('DELETE FROM analytics_days WHERE tenant_id = $1 AND day = ANY($2::date[])', args);
    await client.query('INSERT INTO analytics_days (tenant_id, day) SELECT $1, unnest($2::date[])', args);
    await client.query(ROLL_UP, args);
    // Marks of the days just rolled up are in this snapshot; marks of days never rolled up guard nothing (their
    // changes will be in that day's first rollup).
    await client.query(
      `DELETE FROM analytics_stale s WHERE s.tenant_id = $1
          AND (s.day = ANY($2::date[])
               OR NOT EXISTS (SELECT 1 FROM analytics_days d WHERE d.tenant_id = $1 AND d.day = s.day))`,
      args,
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

export type AnalyticsRollupRepo = ReturnType<typeof createAnalyticsRollupRepo>;

/**
 * Keeps the delivery analytics' daily rollup (docs/console.md, "Delivery analytics"; migration 093), on demand:
 * the analytics read calls `refresh` for its window first, then reads the rollup where it is current.
 */
export function createAnalyticsRollupRepo(pool: Pool) {
  return {
    /**
     * Rolls up the closed whole days of [from, to) that have no current rollup, at most `maxDays` of them; returns
     * the days rolled up. One tenant's refreshes take turns (a session advisory lock, taken before the snapshot):
     * a refresh that finds another running returns at once, and the page counts those days from the rows.
     */
    async refresh(tenantId: string, from: string, to: string, maxDays = MAX_ROLLUP_DAYS): Promise<string[]> {
      const client = await pool.connect();
      let broken: Error | undefined;
      const lock = [rollupLockKey(tenantId)];
      try {
        const locked = await client.query('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', lock);
        if (!(locked.rows[0] as { ok: boolean }).ok) return [];
        try {
          const due = await client.query(DUE, [tenantId, from, to, maxDays]);
          const days = (due.rows as { day: string }[]).map((r) => r.day);
          if (days.length === 0) return [];
          for (let i = 0; i < days.length; i += DAYS_PER_TRANSACTION) {
            await rollUp(client, tenantId, days.slice(i, i + DAYS_PER_TRANSACTION));
          }
          return days;
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', lock);
        }
      } catch (err) {
        broken = err as Error;
        throw err;
      } finally {
        // A client that failed mid-way is discarded, which also drops its session lock.
        client.release(broken);
      }
    },
  };
}
