import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import { createMetaClient } from '../../src/meta/client';
import { createSecretBox } from '../../src/secrets';
import { createLifelineWorker } from '../../src/worker/worker';
import { createSimulator } from '../../src/simulator';
import { SimulatorControl } from '../../src/simulator/control-client';
import { createTestDatabase, type TestDatabase } from './database';
import { httpClient } from './http';
import { connectTemporal, uniqueTaskQueue, workflowBundle, type TestTemporal } from './temporal';

export const TEST_APP_SECRET = 'test-app-secret';
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789';
export const TEST_ENCRYPTION_KEY = 'a'.repeat(64);

export interface StackOptions {
  scenario?: unknown;
  tenantSettings?: Record<string, unknown>;
  statusDelayMs?: number;
  /** Start without a worker (for tests that start and kill workers themselves). */
  withoutWorker?: boolean;
}

export type Stack = Awaited<ReturnType<typeof startStack>>;

/**
 * The whole system in one process: a fresh database, the Cloud API simulator, the API with its webhook
 * processor, and a worker on its own task queue, against the run's Temporal dev server.
 */
export async function startStack(opts: StackOptions = {}) {
  const db: TestDatabase = await createTestDatabase();
  const temporal: TestTemporal = await connectTemporal();
  const taskQueue = uniqueTaskQueue('lifeline');
  const log = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const secrets = createSecretBox(TEST_ENCRYPTION_KEY);

  const sim = createSimulator({
    appSecret: TEST_APP_SECRET,
    scenario: (opts.scenario ?? 'festive-campaign') as never,
    statusDelayMs: opts.statusDelayMs ?? 20,
    seed: 42,
  });
  const simServer = await sim.listen(0);
  const control = new SimulatorControl(simServer.url);
  const meta = createMetaClient({ graphUrl: simServer.url, apiVersion: 'v23.0', timeoutMs: 5000 });

  const { app, processor } = createApp({
    pool: db.pool,
    temporal: temporal.client,
    meta,
    secrets,
    log,
    taskQueue,
    adminApiKey: TEST_ADMIN_KEY,
    webhookVerifyToken: 'test-verify-token',
    metaAppSecret: TEST_APP_SECRET,
    webhookMaxBodyBytes: 100_000,
    processor: { retryBaseMs: 100, pollMs: 50 },
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  processor.start();
  await control.configureWebhook({ url: `${apiUrl}/webhooks/whatsapp`, appSecret: TEST_APP_SECRET });

  const bundle = await workflowBundle();
  const workerDeps = { pool: db.pool, meta, secrets };
  const startWorker = async () => {
    const worker = await createLifelineWorker({
      connection: temporal.nativeConnection,
      namespace: 'default',
      taskQueue,
      deps: workerDeps,
      workflowBundle: bundle,
    });
    const running = worker.run();
    return { worker, stop: async () => (worker.getState() === 'RUNNING' ? (worker.shutdown(), running) : running) };
  };
  let worker = opts.withoutWorker ? undefined : await startWorker();

  const admin = httpClient(apiUrl, TEST_ADMIN_KEY);
  const created = await admin('POST', '/v1/tenants', { name: 'test tenant', settings: opts.tenantSettings ?? {} });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const api = httpClient(apiUrl, created.body.apiKey as string);

  return {
    db,
    temporal,
    taskQueue,
    sim,
    simUrl: simServer.url,
    control,
    apiUrl,
    api,
    admin,
    tenant: { id: created.body.id as string, apiKey: created.body.apiKey as string },
    processor,
    startWorker: async () => {
      worker = await startWorker();
      return worker;
    },
    get worker() {
      return worker;
    },
    async stop() {
      await worker?.stop();
      await processor.stop();
      await new Promise((r) => server.close(r));
      await simServer.close();
      await temporal.close();
      await db.drop();
    },
  };
}
