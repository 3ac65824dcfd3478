import { rawRanges, type TimeRange } from '../../domain/analytics-window';
import type { AnalyticsGroup } from '../../domain/delivery-funnel';
import { inTransaction, type Pool, type PoolClient } from '../pool';
import {
  ATTEMPT_CATEGORY,
  ATTEMPT_COUNTRY,
  ATTEMPT_COUNTS,
  ATTEMPTS_JOIN,
  FAILURE_REASON,
  FUNNEL_COUNTS,
  KEY,
  KEY_JOIN,
} from './analytics-facts';

export interface AnalyticsQuery {
  tenantId: string;
  from: string;
  to: string;
  groupBy: AnalyticsGroup;
  /** Groups after this key (the page's cursor). */
  after?: string;
  /** Groups on the page; one more is read to tell whether another page follows. */
  limit: number;
}

export interface FunnelRow {
  key: string;
  accepted: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  recovered: number;
}

export interface FailureRow {
  key: string;
  reason: string;
  n: number;
}

export interface AttemptRow {
  key: string;
  country: string | null;
  category: string | null;
  failovers: number;
  billable: number;
}

/** One page: its groups' funnels (up to limit + 1), and failures and attempts of the first `limit` groups. */
export interface AnalyticsPage {
  funnel: FunnelRow[];
  failures: FailureRow[];
  attempts: AttemptRow[];
}

/**
 * The window's whole UTC days whose rollup is current: rolled up, and no change marked since (migration 093). The
 * rest of the window is counted from the rows, in the same snapshot, so a committed change is either in a clean
 * day's rollup or in a raw range, never in neither.
 */
const CLEAN_DAYS = `SELECT to_char(d.day, 'YYYY-MM-DD') AS day FROM analytics_days d
  WHERE d.tenant_id = $1
    AND d.day BETWEEN ($2::timestamptz AT TIME ZONE 'UTC')::date AND ($3::timestamptz AT TIME ZONE 'UTC')::date
    AND d.day::timestamp AT TIME ZONE 'UTC' >= $2::timestamptz
    AND (d.day + 1)::timestamp AT TIME ZONE 'UTC' <= $3::timestamptz
    AND NOT EXISTS (SELECT 1 FROM analytics_stale s WHERE s.tenant_id = $1 AND s.day = d.day)
  ORDER BY 1`;

/**
 * The SQL and parameters of one page's parts: the rollup rows of the clean days (`$2`) for the grouping (`$3`),
 * and the raw ranges' messages, each range a pair of literal bounds so the planner sees how few rows they hold.
 */
function parts(q: AnalyticsQuery, days: string[], ranges: TimeRange[]) {
  const values: unknown[] = [q.tenantId, days, q.groupBy];
  const param = (v: unknown) => `$${values.push(v)}`;
  const within = ranges
    .map((r) => `(m.created_at >= ${param(r.from)}::timestamptz AND m.created_at < ${param(r.to)}::timestamptz)`)
    .join(' OR ');
  return {
    values,
    param,
    key: KEY[q.groupBy],
    rollup: (table: string) => `${table} f WHERE f.tenant_id = $1 AND f.day = ANY($2::date[]) AND f.group_by = $3`,
    /** The raw ranges' messages (with `join`), as a FROM … WHERE that a query may extend with AND. */
    messages: (join = '') => `messages m ${KEY_JOIN[q.groupBy]} ${join} WHERE m.tenant_id = $1 AND (${within})`,
  };
}

async function funnel(client: PoolClient, q: AnalyticsQuery, days: string[], ranges: TimeRange[]) {
  const p = parts(q, days, ranges);
  const after = p.param(q.after ?? null);
  const limit = p.param(q.limit + 1);
  const res = await client.query(
    `SELECT u.key, sum(u.accepted)::int AS accepted, sum(u.sent)::int AS sent, sum(u.delivered)::int AS delivered,
            sum(u.read)::int AS read, sum(u.failed)::int AS failed, sum(u.recovered)::int AS recovered
       FROM (SELECT f.key, f.accepted, f.sent, f.delivered, f.read, f.failed, f.recovered
               FROM ${p.rollup('analytics_funnel_days')}
             UNION ALL
             SELECT ${p.key} AS key, ${FUNNEL_COUNTS} FROM ${p.messages()} GROUP BY 1) u
      WHERE ${after}::text IS NULL OR u.key > ${after}
      GROUP BY u.key
      ORDER BY u.key LIMIT ${limit}`,
    p.values,
  );
  return res.rows as FunnelRow[];
}

async function failures(client: PoolClient, q: AnalyticsQuery, days: string[], ranges: TimeRange[], keys: string[]) {
  const p = parts(q, days, ranges);
  const res = await client.query(
    `SELECT u.key, u.reason, sum(u.n)::int AS n
       FROM (SELECT f.key, f.reason, f.n FROM ${p.rollup('analytics_failure_days')}
             UNION ALL
             SELECT ${p.key} AS key, ${FAILURE_REASON} AS reason, count(*) AS n
               FROM ${p.messages()} AND m.status = 'failed' GROUP BY 1, 2) u
      WHERE u.key = ANY(${p.param(keys)}::text[])
      GROUP BY 1, 2`,
    p.values,
  );
  return res.rows as FailureRow[];
}

/** Per group: failovers (template attempts after a message's first) and billable attempts by country and category. */
async function attempts(client: PoolClient, q: AnalyticsQuery, days: string[], ranges: TimeRange[], keys: string[]) {
  const p = parts(q, days, ranges);
  const res = await client.query(
    `SELECT u.key, u.country, u.category, sum(u.failovers)::int AS failovers, sum(u.billable)::int AS billable
       FROM (SELECT f.key, f.country, f.category, f.failovers, f.billable FROM ${p.rollup('analytics_attempt_days')}
             UNION ALL
             SELECT ${p.key} AS key, ${ATTEMPT_COUNTRY} AS country, ${ATTEMPT_CATEGORY} AS category, ${ATTEMPT_COUNTS}
               FROM ${p.messages(ATTEMPTS_JOIN)}
              GROUP BY 1, 2, 3) u
      WHERE u.key = ANY(${p.param(keys)}::text[])
      GROUP BY 1, 2, 3`,
    p.values,
  );
  return res.rows as AttemptRow[];
}

export type AnalyticsRepo = ReturnType<typeof createAnalyticsRepo>;

/**
 * The delivery analytics' reads (docs/console.md, "Delivery analytics"): aggregates over the tenant's messages
 * created in [from, to), one page of groups at a time, from the daily rollup where it is current and from the
 * rows elsewhere (src/domain/analytics-window.ts). The page's groups are chosen by the funnel; failures by reason,
 * failovers and billable attempts are restricted to those keys.
 */
export function createAnalyticsRepo(pool: Pool) {
  return {
    /**
     * One page, read in one snapshot (a read-only repeatable-read transaction), so its three aggregates and the
     * choice of rollup days agree. JIT compilation is off: it costs more than these small aggregates take.
     */
    async page(q: AnalyticsQuery): Promise<AnalyticsPage> {
      return inTransaction(
        pool,
        async (client) => {
          await client.query('SET LOCAL jit = off');
          const clean = await client.query(CLEAN_DAYS, [q.tenantId, q.from, q.to]);
          const days = (clean.rows as { day: string }[]).map((r) => r.day);
          const ranges = rawRanges(q.from, q.to, days);
          const rows = await funnel(client, q, days, ranges);
          const keys = rows.slice(0, q.limit).map((r) => r.key);
          return {
            funnel: rows,
            failures: await failures(client, q, days, ranges, keys),
            attempts: await attempts(client, q, days, ranges, keys),
          };
        },
        'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
      );
    },
  };
}
