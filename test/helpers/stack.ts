import { createLogger } from '../../src/logger';
import { createSecretBox } from '../../src/secrets';
import { startEmbeddedStack } from '../../src/embedded-stack';
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
 * The embedded stack (src/embedded-stack.ts) on a fresh database and its own task queue, against the run's
 * Temporal dev server, with one tenant created through the API.
 */
export async function startStack(opts: StackOptions = {}) {
  const db: TestDatabase = await createTestDatabase();
  const temporal: TestTemporal = await connectTemporal();
  const taskQueue = uniqueTaskQueue('lifeline');
  const embedded = await startEmbeddedStack({
    pool: db.pool,
    temporal,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    meta: {
      simulator: {
        appSecret: TEST_APP_SECRET,
        scenario: (opts.scenario ?? 'festive-campaign') as never,
        statusDelayMs: opts.statusDelayMs ?? 20,
        seed: 42,
      },
    },
    api: {
      taskQueue,
      adminApiKey: TEST_ADMIN_KEY,
      webhookVerifyToken: 'test-verify-token',
      metaAppSecret: TEST_APP_SECRET,
      webhookMaxBodyBytes: 100_000,
      processor: { retryBaseMs: 100, pollMs: 50 },
    },
    worker: { workflowBundle: await workflowBundle(), startNow: !opts.withoutWorker },
  });

  const admin = httpClient(embedded.apiUrl, TEST_ADMIN_KEY);
  const created = await admin('POST', '/v1/tenants', { name: 'test tenant', settings: opts.tenantSettings ?? {} });
  if (created.status !== 201) throw new Error(`tenant creation failed: ${JSON.stringify(created.body)}`);
  const api = httpClient(embedded.apiUrl, created.body.apiKey as string);

  return {
    db,
    temporal,
    taskQueue,
    sim: embedded.simulator!,
    simUrl: embedded.simUrl!,
    control: embedded.control!,
    apiUrl: embedded.apiUrl,
    api,
    admin,
    tenant: { id: created.body.id as string, apiKey: created.body.apiKey as string },
    processor: embedded.processor,
    startWorker: () => embedded.startWorker(),
    get worker() {
      return embedded.worker;
    },
    async stop() {
      await embedded.stop();
      await temporal.close();
      await db.drop();
    },
  };
}
