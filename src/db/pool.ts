import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

// BIGINT (int8) columns hold counters and ids well inside Number's range; parse them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export interface PoolTimeouts {
  /** How long to wait for a connection (a blackholed server fails the request instead of hanging it). */
  connectMs?: number;
  /** Server-side limit on one statement (SQLSTATE 57014 when exceeded). */
  statementMs?: number;
}

export function createPool(databaseUrl: string, max = 10, timeouts: PoolTimeouts = {}): Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeouts.connectMs ?? 10_000,
    statement_timeout: timeouts.statementMs ?? 30_000,
  });
  // An idle client's error (e.g. the server restarting) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** The pool a process builds from its configuration (size and timeouts). */
export function poolFromConfig(config: {
  DATABASE_URL: string;
  DATABASE_POOL_MAX: number;
  DATABASE_CONNECT_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
}): Pool {
  return createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX, {
    connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
    statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
  });
}

/** Runs fn in a transaction (`begin` may set its isolation level); rolls back on any error. */
export async function inTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(begin);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Runs one statement (or transaction) again when PostgreSQL chose it as a deadlock victim (40P01): the victim was
 * rolled back whole, so running it again is safe, and PostgreSQL's own advice is to retry. Set-based statements of
 * concurrent writers (a campaign batch's outcomes, the webhook status fold) touch overlapping attempt and message
 * rows in orders no single statement controls.
 */
export async function retryOnDeadlock<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= tries) throw err;
      // A short, growing, jittered pause so the two statements do not meet again at once.
      await new Promise((r) => setTimeout(r, attempt * 10 + Math.random() * 20));
    }
  }
}
