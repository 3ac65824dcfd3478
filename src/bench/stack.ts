import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createScratchDatabase } from '../db/scratch-database';
import { startEmbeddedStack, type EmbeddedStackOptions } from '../embedded-stack';
import { createLogger } from '../logger';
import { createSecretBox } from '../secrets';
import { connectTemporalClients, startDevServer, type DevServer } from '../tools/temporal-dev';
import { httpClient } from '../tools/http-client';

export const BENCH_APP_SECRET = 'bench-app-secret';
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';

/** TEMPORAL_ADDRESS, or a private headless dev server for the benchmark's run. */
export async function connectBenchTemporal() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let dev: DevServer | undefined;
  const address =
    process.env.TEMPORAL_ADDRESS ?? (dev = await startDevServer({ headless: true, log: () => undefined })).address;
  return connectTemporalClients(address, dev);
}

/**
 * A benchmark's system: a scratch database, Temporal, and the embedded stack (src/embedded-stack.ts) on a task
 * queue of its own, with one tenant created through the API. `meta` and `worker` as in `startEmbeddedStack`.
 */
export async function startBenchStack(opts: {
  taskQueue: string;
  tenantSettings?: Record<string, unknown>;
  meta: EmbeddedStackOptions['meta'];
  worker?: EmbeddedStackOptions['worker'];
  pollMs?: number;
  /** Start message workflows eagerly on the in-process worker (default, as the embedded stack does). */
  eagerStart?: boolean;
}) {
  const db = await createScratchDatabase({
    adminUrl: process.env.TEST_DATABASE_ADMIN_URL,
    prefix: 'lifeline_bench',
    poolMax: 20,
  });
  const temporal = await connectBenchTemporal();
  const stack = await startEmbeddedStack({
    pool: db.pool,
    temporal,
    secrets: createSecretBox('b'.repeat(64)),
    log: createLogger('silent'),
    meta: opts.meta,
    api: {
      taskQueue: opts.taskQueue,
      adminApiKey: BENCH_ADMIN_KEY,
      webhookVerifyToken: 'bench',
      metaAppSecret: BENCH_APP_SECRET,
      webhookMaxBodyBytes: 3_000_000,
      eagerStart: opts.eagerStart,
      processor: { retryBaseMs: 100, pollMs: opts.pollMs ?? 20 },
    },
    worker: opts.worker,
  });
  const admin = httpClient(stack.apiUrl, BENCH_ADMIN_KEY);
  const created = await admin('POST', '/v1/tenants', { name: 'bench', settings: opts.tenantSettings ?? {} });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  return {
    ...stack,
    pool: db.pool,
    temporal,
    tenant: { id: created.body.id as string },
    api: httpClient(stack.apiUrl, created.body.apiKey as string),
    async stop() {
      await stack.stop();
      await temporal.close();
      await db.drop();
    },
  };
}
