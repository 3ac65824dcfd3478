import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { blockedForUnprivileged, startEmbeddedPostgres } from '../../src/db/embedded-postgres';
import { ensureDatabase, migrate } from '../../src/db/migrate';
import { freePort } from '../../src/tools/temporal-dev';

/**
 * The embedded PostgreSQL `npm start` falls back to when DATABASE_URL does not answer (docs/deployment.md#first-run):
 * a real server from the `embedded-postgres` binaries, in a folder of its own, on a port of its own — the machine's
 * PostgreSQL is not touched. Run as root here, it also proves the unprivileged-user path initdb needs.
 */
// The server may run as another user (root cannot): the folder must be reachable by it.
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-embedded-pg-'));
fs.chmodSync(base, 0o755);
const dir = path.join(base, 'postgres');

after(() => fs.rmSync(base, { recursive: true, force: true }));

async function query(url: string, sql: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('initialises, serves migrations, keeps its data across a restart, and reuses a server still up', async (t) => {
    // Run as root from a checkout the postgres user cannot reach, the server cannot start at all (and says so).
    const blocked = blockedForUnprivileged(dir);
    if (blocked) {
      await assert.rejects(startEmbeddedPostgres({ dir, port: await freePort() }), /cannot enter/);
      t.skip(`the postgres user cannot enter ${blocked}: the refusal is checked, the server cannot run here`);
      return;
    }
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir, port, database: 'lifeline_embedded' });
    try {
      assert.equal(first.reused, false);
      assert.ok(fs.existsSync(path.join(dir, 'PG_VERSION')));
      await ensureDatabase(first.url);
      assert.match(String((await query(first.url, 'SHOW server_version'))[0]!.server_version), /^18\./);
      const applied = await migrate(first.url);
      assert.ok(applied.length > 0);
      await query(first.url, `INSERT INTO tenants (name) VALUES ('kept across a restart')`);

      const again = await startEmbeddedPostgres({ dir, port, database: 'lifeline_embedded' });
      assert.equal(again.reused, true);
      assert.equal(again.url, first.url);
    } finally {
      await first.stop();
    }
    await assert.rejects(query(first.url, 'SELECT 1'));

    const second = await startEmbeddedPostgres({ dir, port, database: 'lifeline_embedded' });
    try {
      assert.equal(second.reused, false);
      assert.deepEqual(await migrate(second.url), []);
      assert.deepEqual(await query(second.url, 'SELECT name FROM tenants'), [{ name: 'kept across a restart' }]);
    } finally {
      await second.stop();
    }
  });
});
