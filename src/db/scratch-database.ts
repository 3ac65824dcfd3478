import crypto from 'node:crypto';
import pg from 'pg';
import { migrate } from './migrate';
import { createPool, type Pool } from './pool';

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScratchDatabase {
  url: string;
  pool: Pool;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated, throw-away database (a test file's, a benchmark's), so runs never collide and never touch
 * a database someone uses. `adminUrl` names a database on the server the new one is created on.
 */
export async function createScratchDatabase(
  opts: { adminUrl?: string; prefix?: string; poolMax?: number } = {},
): Promise<ScratchDatabase> {
  const adminUrl = opts.adminUrl ?? DEFAULT_ADMIN_URL;
  const name = `${opts.prefix ?? 'lifeline_scratch'}_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  const pool = createPool(url.toString(), opts.poolMax ?? 10);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
