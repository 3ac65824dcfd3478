/**
 * The cost of one capacity decision — the resolver's usage snapshot plus the send's reservation (messaging limit,
 * pair slot, throughput slot) — for a tenant whose portfolio window holds 10,000 recipients and one whose window
 * holds 1,000,000, in the same database, side by side. Run by `npx tsx src/bench/resolver.ts`; uses a throw-away
 * database on TEST_DATABASE_ADMIN_URL's server (default the local PostgreSQL).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { WINDOW_MS, createCapacityRepo } from '../db/repositories/capacity';
import { createTenantsRepo } from '../db/repositories/tenants';
import { createUsageRepo } from '../db/repositories/usage';
import { createCapacityLimiter } from '../services/capacity-limiter';

const DECISIONS = 300;

export async function benchCapacityWindow(print: (line: string) => void): Promise<void> {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `lifeline_bench_capacity_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = createPool(url.toString(), 4);
  try {
    const now = Date.now();
    const sizes = [10_000, 1_000_000];
    const tenants: string[] = [];
    for (const n of sizes) {
      const tenantId = (await createTenantsRepo(pool).create(`window ${n}`)).tenant.id;
      tenants.push(tenantId);
      // n recipients counted evenly over the last 23 h, their minute buckets and the maintained count.
      await pool.query(
        `INSERT INTO capacity_recipients (tenant_id, portfolio_id, wa_id, counted_at_ms)
         SELECT $1, 'pf', (910000000000 + i)::text, $3::bigint - (i * 82800000::bigint / $2) FROM generate_series(1, $2) i`,
        [tenantId, n, now],
      );
      await pool.query(
        `INSERT INTO capacity_portfolio_minutes (tenant_id, portfolio_id, minute, recipients)
         SELECT tenant_id, portfolio_id, counted_at_ms / 60000, count(*) FROM capacity_recipients
          WHERE tenant_id = $1 GROUP BY 1, 2, 3`,
        [tenantId],
      );
      await pool.query(
        `INSERT INTO capacity_portfolios (tenant_id, portfolio_id, used, expired_through) VALUES ($1, 'pf', $2, $3)`,
        [tenantId, n, Math.floor((now - WINDOW_MS) / 60_000) - 1],
      );
    }
    await pool.query('ANALYZE');
    const usage = createUsageRepo(pool);
    const limiter = createCapacityLimiter(createCapacityRepo(pool));
    print(`\ncapacity decision (usage snapshot + reservation) by recipients in the 24 h window; ${DECISIONS} each`);
    print(
      `${'window'.padEnd(12)}${'snapshot p50'.padStart(14)}${'p99 ms'.padStart(9)}${'reserve p50'.padStart(13)}${'p99 ms'.padStart(9)}`,
    );
    for (const [i, n] of sizes.entries()) {
      const tenantId = tenants[i]!;
      const snap: number[] = [];
      const reserve: number[] = [];
      for (let k = 0; k < DECISIONS; k++) {
        const waId = `92${String(k).padStart(10, '0')}`; // a new recipient: the reservation counts it
        let t = performance.now();
        await usage.snapshot(tenantId, waId);
        snap.push(performance.now() - t);
        t = performance.now();
        await limiter.reserve({
          tenantId,
          phoneNumberId: `p${k % 10}`,
          waId,
          throughputPerSecond: 1000,
          portfolio: { id: 'pf', limit: 2_000_000 },
        });
        reserve.push(performance.now() - t);
      }
      const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;
      print(
        `${n.toLocaleString('en').padEnd(12)}${q(snap, 0.5).toFixed(2).padStart(14)}${q(snap, 0.99).toFixed(2).padStart(9)}${q(reserve, 0.5).toFixed(2).padStart(13)}${q(reserve, 0.99).toFixed(2).padStart(9)}`,
      );
    }
  } finally {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
