import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAnalyticsRepo } from '../db/repositories/analytics';
import { ANALYTICS_GROUPS, type AnalyticsGroup } from '../domain/delivery-funnel';
import { createAnalyticsRollupRepo } from '../db/repositories/analytics-rollup';
import type pg from 'pg';
import { createPool, type Pool } from '../db/pool';
import { createScratchDatabase } from '../db/scratch-database';

/**
 * `tsx src/bench/analytics.ts [--rows 1000000] [--out file]`: the delivery analytics' queries on generated data
 * (docs/console.md, "Delivery analytics"). Fills a scratch database with `rows` messages of one tenant over 90
 * days (plus a tenth as many of another tenant), about 1.1 attempts each, then prints, over a 30-day window: per
 * grouping the wall time of one page counted from the rows alone (before any rollup), the first page (which rolls
 * the window's closed days up), then per grouping the wall time of one API page (the rollup's check and the page's
 * queries) and the EXPLAIN ANALYZE plan of each query, a table of both with their ratio, and last a page after a
 * late status on a rolled-up day (which rolls that day up again). Figures only: nothing here asserts a target.
 */
const { values } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, out: { type: 'string' } },
});
const ROWS = Number(values.rows);
const GROUPS: readonly AnalyticsGroup[] = ANALYTICS_GROUPS;

async function generate(pool: pg.PoolClient, tenantId: string, rows: number, seed: number): Promise<void> {
  await pool.query(
    `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id,
                           request, status, delivered_via, failure, recipient_country, created_at)
     SELECT gen_random_uuid(), $1, 'k' || $3 || '-' || i, 'w' || i, '4477' || (i % 500000), 'tpl_' || (i % 12),
            'en_US', CASE WHEN i % 3 = 0 THEN NULL ELSE 'campaign-' || (i % 40) END, '{}',
            (ARRAY['delivered','read','read','delivered','failed','sent','read','delivered','expired','read'])[1 + i % 10],
            CASE WHEN i % 10 IN (0, 1, 2, 3, 6, 7, 9) THEN jsonb_build_object('kind',
                   CASE WHEN i % 50 = 0 THEN 'session' ELSE 'template' END,
                   'wabaId', 'waba-' || (i % 6), 'phoneNumberId', 'phone-' || (i % 18)) END,
            CASE WHEN i % 10 = 4 THEN jsonb_build_object('reason',
                   (ARRAY['marketing_limit','recipient_rejected','attempts_exhausted'])[1 + i % 3]) END,
            (ARRAY['IN','GB','US','BR'])[1 + i % 4],
            now() - ((i::bigint * 7919) % 7776000) * interval '1 second'
       FROM generate_series(1, $2::int) AS i`,
    [tenantId, rows, seed],
  );
  await pool.query(
    `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, waba_id, phone_number_id, status, pricing)
     SELECT m.id || ':' || s, m.tenant_id, m.id, s, 'template', 'waba-' || (abs(hashtext(m.workflow_id)) % 6),
            'phone-' || (abs(hashtext(m.workflow_id)) % 18), 'delivered',
            jsonb_build_object('category', 'marketing', 'billable', true, 'type', 'regular')
       FROM messages m CROSS JOIN generate_series(1, 2) AS s
      WHERE m.tenant_id = $1 AND (s = 1 OR abs(hashtext(m.id::text)) % 10 = 0)`,
    [tenantId],
  );
}

async function main(): Promise<void> {
  const db = await createScratchDatabase({ prefix: 'lifeline_bench_analytics' });
  const lines: string[] = [];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };
  try {
    const tenant = await db.pool.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
    const other = await db.pool.query(`INSERT INTO tenants (name) VALUES ('other') RETURNING id`);
    const tenantId = tenant.rows[0].id as string;
    const t = Date.now();
    // Generating a million rows takes longer than the pool's statement timeout: one session without it.
    const loader = await db.pool.connect();
    try {
      await loader.query('SET statement_timeout = 0');
      await generate(loader, tenantId, ROWS, 1);
      await generate(loader, other.rows[0].id as string, Math.ceil(ROWS / 10), 2);
      await loader.query('VACUUM ANALYZE messages');
      await loader.query('VACUUM ANALYZE message_attempts');
    } finally {
      loader.release();
    }
    const counts = await db.pool.query(
      `SELECT (SELECT count(*) FROM messages)::int AS messages, (SELECT count(*) FROM message_attempts)::int AS attempts`,
    );
    say(
      `generated ${JSON.stringify(counts.rows[0])} in ${Math.round((Date.now() - t) / 1000)} s (${ROWS} of the tenant)`,
    );

    // The page's parameterised statements (its choice of rollup days and its three aggregates), for EXPLAIN.
    const recorded: { text: string; values: unknown[] }[] = [];
    const recording = {
      connect: async () => {
        const client = await db.pool.connect();
        // A view of the client that records; the pooled client itself stays as it was.
        return new Proxy(client, {
          get: (target, prop) =>
            prop === 'query'
              ? (text: string, values?: unknown[]) => (
                  values && recorded.push({ text, values }),
                  target.query(text, values)
                )
              : (Reflect.get(target, prop, target) as unknown),
        });
      },
    } as unknown as Pool;
    const repo = createAnalyticsRepo(recording);
    const rollup = createAnalyticsRollupRepo(db.pool);
    // Pages counted from the rows alone can take longer than the pool's statement timeout: a pool without it.
    const unboundedPool = createPool(db.url, 2, { statementMs: 0 });
    const unbounded = createAnalyticsRepo(unboundedPool);
    const to = new Date().toISOString();
    const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
    /** One API page as the route reads it: the rollup brought up to date, then the page in one snapshot. */
    const page = async (groupBy: AnalyticsGroup) => {
      recorded.length = 0;
      const started = performance.now();
      const rolled = await rollup.refresh(tenantId, from, to);
      const { funnel } = await repo.page({ tenantId, from, to, groupBy, limit: 50 });
      const messages = funnel.reduce((n, r) => n + r.accepted, 0);
      return { ms: performance.now() - started, rolled: rolled.length, groups: funnel.length, messages };
    };
    /** EXPLAIN ANALYZE of a statement as the page runs it (read-only, JIT off). */
    const explain = async (r: { text: string; values: unknown[] }) => {
      const client = await db.pool.connect();
      try {
        await client.query('BEGIN READ ONLY');
        await client.query('SET LOCAL jit = off');
        const plan = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${r.text}`, r.values);
        await client.query('COMMIT');
        return plan.rows.map((p: { 'QUERY PLAN': string }) => p['QUERY PLAN']).join('\n');
      } finally {
        client.release();
      }
    };

    // Side by side in this one run: every day counted from the rows (no rollup yet, as before migration 093), then
    // the first page rolling the window's closed days up, then pages reading the rollup.
    const rowsOnly = new Map<AnalyticsGroup, number>();
    for (const groupBy of GROUPS) {
      const started = performance.now();
      await unbounded.page({ tenantId, from, to, groupBy, limit: 50 });
      rowsOnly.set(groupBy, performance.now() - started);
    }
    const first = await page('day');
    say(`\nfirst page (groupBy=day), rolling up ${first.rolled} closed days: ${first.ms.toFixed(0)} ms`);
    const summary: string[] = [];
    for (const groupBy of GROUPS) {
      const p = await page(groupBy);
      say(
        `\n=== groupBy=${groupBy}, 30 days: one page (${p.groups} groups, ${p.messages} messages) in ${p.ms.toFixed(0)} ms`,
      );
      const before = rowsOnly.get(groupBy)!;
      summary.push(
        `| ${groupBy.padEnd(8)} | ${`${before.toFixed(0)} ms`.padEnd(9)} | ${`${p.ms.toFixed(0)} ms`.padEnd(12)} | ` +
          `${`${(before / p.ms).toFixed(1)}x`.padEnd(5)} | ${String(p.groups).padEnd(6)} |`,
      );
      const statements = [...recorded];
      for (const [i, r] of statements.entries()) say(`--- query ${i + 1} of ${statements.length}\n${await explain(r)}`);
    }
    say(
      `\n| groupBy  | rows only | with rollup  | ratio | groups |\n| -------- | --------- | ------------ | ----- | ------ |\n` +
        summary.join('\n'),
    );

    // A late read receipt for a message of a rolled-up day: that day is counted from its rows until rolled up again.
    await db.pool.query(
      `UPDATE messages SET status = 'read' WHERE id = (SELECT id FROM messages WHERE tenant_id = $1
          AND status = 'delivered' AND created_at < $2::timestamptz - interval '10 days' AND created_at >= $3 LIMIT 1)`,
      [tenantId, to, from],
    );
    const late = await page('campaign');
    say(
      `\nafter a late status on a rolled-up day: groupBy=campaign page, rolling up ${late.rolled} day: ${late.ms.toFixed(0)} ms`,
    );
    await unboundedPool.end();
  } finally {
    await db.drop();
  }
  if (values.out) writeFileSync(values.out, `${lines.join('\n')}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
