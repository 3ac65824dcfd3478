import type { AppDeps } from '../../src/api/app';
import { createLogger } from '../../src/logger';
import { createSecretBox } from '../../src/secrets';
import { NativeConnection } from '@temporalio/worker';
import { createPool } from '../../src/db/pool';
import { startEmbeddedStack } from '../../src/embedded-stack';
import { createMetaClient } from '../../src/meta/client';
import { createLifelineWorker } from '../../src/worker/worker';
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
  /** Serve the worker's metrics on a listener of their own (`stack.workerMetricsUrl`). */
  workerMetrics?: boolean;
  /** API settings a test widens or narrows (rate limits, the outbound policy, the metrics token). */
  app?: Partial<Pick<AppDeps, 'rateLimit' | 'outbound' | 'metricsToken' | 'processor' | 'webhookMaxInFlight'>>;
  /** false: no webhook processor in the test process (a test runs `npm run webhooks` processes instead). */
  inlineWebhookProcessor?: boolean;
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
  // Lifeline's clock for service-window checks, moved together with the simulator's by advanceClock.
  let clockOffsetMs = 0;
  const now = () => Date.now() + clockOffsetMs;
  // The API's pool apart from the worker's, as in production (separate processes, separate pools).
  const apiPool = createPool(db.url, 10);
  const embedded = await startEmbeddedStack({
    pool: db.pool,
    apiPool,
    temporal,
    secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    now,
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
      ...opts.app,
      inlineWebhookProcessor: opts.inlineWebhookProcessor,
    },
    worker: { workflowBundle: await workflowBundle(), startNow: !opts.withoutWorker, metrics: opts.workerMetrics },
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
    workerMetricsUrl: embedded.workerMetricsUrl,
    api,
    admin,
    tenant: { id: created.body.id as string, apiKey: created.body.apiKey as string },
    processor: embedded.processor,
    /** Lifeline's clock (moved by advanceClock). */
    now,
    /**
     * Another worker on the stack's task queue, built as a second worker process builds it — its own connection
     * pool, composition (registry cache, capacity limiter, breaker) and Meta client — on the same clock; only
     * PostgreSQL and Temporal are shared. `stop()` shuts it down.
     */
    async startSecondWorker() {
      const pool = createPool(db.url, 10);
      // Its own connection too: the SDK refuses two workers of one queue on one connection.
      const connection = await NativeConnection.connect({ address: temporal.address });
      const worker = await createLifelineWorker({
        connection,
        namespace: 'default',
        taskQueue,
        deps: {
          pool,
          meta: createMetaClient({ graphUrl: embedded.simUrl!, apiVersion: 'v23.0', timeoutMs: 5000 }),
          secrets: createSecretBox(TEST_ENCRYPTION_KEY),
          now,
        },
        workflowBundle: await workflowBundle(),
      });
      const running = worker.run();
      return {
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running;
          await connection.close();
          await pool.end();
        },
      };
    },
    /** Moves the simulator's clock and Lifeline's (API and worker) forward together. */
    async advanceClock(ms: number) {
      await embedded.control!.advanceClock(ms);
      clockOffsetMs += ms;
    },
    startWorker: () => embedded.startWorker(),
    get worker() {
      return embedded.worker;
    },
    async stop() {
      await embedded.stop();
      await apiPool.end();
      await temporal.close();
      await db.drop();
    },
  };
}
