import crypto from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import pg from 'pg';
import { createApp } from '../api/app';
import { migrate } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import { createTenantsRepo } from '../db/repositories/tenants';
import { createLogger } from '../logger';
import { createMetaClient } from '../meta/client';
import { createSecretBox } from '../secrets';
import { startDevServer, type DevServer } from '../tools/temporal-dev';
import { messageWorkflowId } from '../../workflows/definitions';
import type { webhookIntakeBench } from './webhook-intake-workflow';

export const BENCH_APP_SECRET = 'bench-app-secret';

/**
 * Everything the webhook benchmark runs against, on loopback: a throw-away database, a Temporal dev server (or
 * TEMPORAL_ADDRESS), a worker hosting the benchmark workflow, and the API with its webhook processor.
 */
export async function startBenchEnv(opts: { workflows: number; wamids: number; runForMs: number }) {
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `lifeline_bench_${crypto.randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${dbName}`;
  await migrate(url.toString());
  const pool: Pool = createPool(url.toString(), 20);

  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let dev: DevServer | undefined;
  const address =
    process.env.TEMPORAL_ADDRESS ?? (dev = await startDevServer({ headless: true, log: () => undefined })).address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address });
  const taskQueue = `bench-${crypto.randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: native,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'webhook-intake-workflow.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  });
  const running = worker.run();

  const { app, processor } = createApp({
    pool,
    temporal: client,
    meta: createMetaClient({ graphUrl: 'http://127.0.0.1:9', apiVersion: 'v23.0', timeoutMs: 1000 }),
    secrets: createSecretBox('b'.repeat(64)),
    log: createLogger('silent'),
    taskQueue,
    adminApiKey: 'bench-admin-key-0123456789',
    webhookVerifyToken: 'bench',
    metaAppSecret: BENCH_APP_SECRET,
    webhookMaxBodyBytes: 3_000_000,
    processor: { retryBaseMs: 100, pollMs: 20 },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  // One tenant; `workflows` running workflows; wamid i belongs to workflow i % workflows.
  const { tenant } = await createTenantsRepo(pool).create('bench');
  const workflowIds: string[] = [];
  for (let w = 0; w < opts.workflows; w++) {
    const id = crypto.randomUUID();
    const workflowId = messageWorkflowId(tenant.id, `bench-${id}`);
    workflowIds.push(workflowId);
    await pool.query(
      `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request)
       VALUES ($1, $2, $3, $4, '447700900001', 'bench', 'en_US', '{}')`,
      [id, tenant.id, `bench-${id}`, workflowId],
    );
    await client.workflow.start<typeof webhookIntakeBench>('webhookIntakeBench', {
      taskQueue,
      workflowId,
      args: [{ untilMs: opts.runForMs }],
    });
  }
  const wamid = (i: number) => `wamid.BENCH-${i}`;
  await pool.query(
    `WITH w AS (SELECT i, $2::text[] AS ids FROM generate_series(0, $1 - 1) AS i),
          a AS (INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, wamid, status)
                SELECT 'bench-' || i, $3, m.id, i, 'template', '300000000000801', 'wamid.BENCH-' || i, 'accepted'
                  FROM w JOIN messages m ON m.workflow_id = w.ids[(i % array_length(w.ids, 1)) + 1]
                RETURNING id, message_id, wamid)
     INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
     SELECT a.wamid, $3, a.message_id, a.id, m.workflow_id FROM a JOIN messages m ON m.id = a.message_id`,
    [opts.wamids, workflowIds, tenant.id],
  );

  return {
    apiUrl,
    pool,
    client,
    processor,
    workflowIds,
    wamid,
    async stop() {
      await processor.stop();
      await new Promise((r) => server.close(r));
      await Promise.all(
        workflowIds.map((id) =>
          client.workflow
            .getHandle(id)
            .terminate('bench over')
            .catch(() => undefined),
        ),
      );
      worker.shutdown();
      await running;
      await connection.close();
      await native.close();
      await dev?.stop();
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}
