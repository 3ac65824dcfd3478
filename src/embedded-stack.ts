import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@temporalio/client';
import type { NativeConnection, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createApp, type AppDeps } from './api/app';
import { composeLifeline } from './composition';
import type { Pool } from './db/pool';
import type { Logger } from './logger';
import { createMetaClient, type MetaClient } from './meta/client';
import type { SecretBox } from './secrets';
import { createSimulator, type SimulatorOptions } from './simulator';
import { SimulatorControl } from './simulator/control-client';
import { createProcessMetrics } from './metrics/process-metrics';
import { listenMetrics } from './metrics/server';
import { createLifelineWorker } from './worker/worker';

export interface EmbeddedStackOptions {
  /** The database (the caller owns it: a scratch database, or the configured one). */
  pool: Pool;
  /**
   * The API's own connections (webhook intake, routes, the inline processor), as the API process has its own pool
   * in production: a busy worker's statements never hold up a webhook's acknowledgement. Default: `pool`.
   */
  apiPool?: Pool;
  /** Connections to a Temporal server (the caller owns them, and the dev server if it started one). */
  temporal: { client: Client; nativeConnection: NativeConnection; namespace?: string };
  secrets: SecretBox;
  log: Logger;
  /** Lifeline's clock for service-window checks (API and worker alike); tests move it with the simulator's. */
  now?: () => number;
  /** Start the Cloud API simulator and point the Meta client at it, or use the given client (it sends nowhere). */
  meta:
    | { simulator: SimulatorOptions & { port?: number }; apiVersion?: string; timeoutMs?: number }
    | { client: MetaClient };
  api: Omit<AppDeps, 'pool' | 'temporal' | 'eagerStartClient' | 'meta' | 'secrets' | 'log' | 'lifeline'> & {
    port?: number;
    host?: string;
    /**
     * Start message workflows eagerly on this process's worker (docs/temporal.md, "Eager start"); default true
     * when a worker runs here. A benchmark switches it off to compare.
     */
    eagerStart?: boolean;
    /** false: the API only fills the webhook inbox; separate `npm run webhooks` processes drain it. */
    inlineWebhookProcessor?: boolean;
  };
  /**
   * A Lifeline worker on the API's task queue, started at once unless `startNow` is false (then `startWorker()`
   * starts it); `false`: none, the caller hosts its own workflows.
   */
  worker?:
    | {
        workflowBundle?: WorkflowBundleWithSourceMap;
        maxCachedWorkflows?: number;
        startNow?: boolean;
        /** Serve the worker's metrics on their own listener (an ephemeral port), as `npm run worker` does. */
        metrics?: boolean;
      }
    | false;
}

export type EmbeddedStack = Awaited<ReturnType<typeof startEmbeddedStack>>;

/**
 * The whole system in one process — the Cloud API simulator, the API with its webhook processor, and a worker —
 * over one composition (docs/architecture.md#composition-root). The one starter the tests, the demo and the
 * benchmarks share; `stop()` stops what it started, in reverse order.
 */
export async function startEmbeddedStack(opts: EmbeddedStackOptions) {
  const stops: (() => Promise<unknown>)[] = [];
  const simOptions = 'simulator' in opts.meta ? opts.meta.simulator : undefined;
  const simulator = simOptions && createSimulator(simOptions);
  const simServer = simulator && (await simulator.listen(simOptions?.port ?? 0));
  if (simServer) stops.push(() => simServer.close());
  const meta =
    'client' in opts.meta
      ? opts.meta.client
      : createMetaClient({
          graphUrl: simServer!.url,
          apiVersion: opts.meta.apiVersion ?? 'v23.0',
          timeoutMs: opts.meta.timeoutMs ?? 5000,
        });
  const lifeline = composeLifeline({ pool: opts.pool, meta, secrets: opts.secrets, now: opts.now });

  const { inlineWebhookProcessor: _inline, eagerStart, ...appSettings } = opts.api;
  // Eager start needs the worker's own NativeConnection under the client that starts the workflow.
  const eagerStartClient =
    opts.worker !== false && eagerStart !== false
      ? new Client({ connection: opts.temporal.nativeConnection, namespace: opts.temporal.namespace ?? 'default' })
      : undefined;
  const { app, processor } = createApp({
    ...appSettings,
    pool: opts.apiPool ?? opts.pool,
    temporal: opts.temporal.client,
    eagerStartClient,
    meta,
    secrets: opts.secrets,
    log: opts.log,
    lifeline,
  });
  const host = opts.api.host ?? '127.0.0.1';
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.api.port ?? 0, host, () => resolve(s));
  });
  stops.push(() => new Promise((r) => server.close(r)));
  const apiUrl = `http://${host}:${(server.address() as AddressInfo).port}`;
  if (opts.api.inlineWebhookProcessor !== false) {
    processor.start();
    stops.push(() => processor.stop());
  }
  const control = simServer && new SimulatorControl(simServer.url);
  await control?.configureWebhook({ url: `${apiUrl}/webhooks/whatsapp`, appSecret: opts.api.metaAppSecret });

  // The worker's registry outlives a restarted worker (a crash test): its counters keep counting.
  const workerMetrics = createProcessMetrics();
  const workerScrape =
    opts.worker && opts.worker.metrics ? await listenMetrics(workerMetrics.registry, { port: 0, host }) : undefined;
  if (workerScrape) stops.push(() => workerScrape.close());

  async function startWorker() {
    const { workflowBundle, maxCachedWorkflows } = opts.worker || {};
    const worker = await createLifelineWorker({
      connection: opts.temporal.nativeConnection,
      namespace: opts.temporal.namespace ?? 'default',
      taskQueue: opts.api.taskQueue,
      deps: { pool: opts.pool, meta, secrets: opts.secrets, now: opts.now, lifeline, observer: workerMetrics.observer },
      workflowBundle,
      maxCachedWorkflows,
    });
    const running = worker.run();
    return { worker, stop: async () => (worker.getState() === 'RUNNING' ? (worker.shutdown(), running) : running) };
  }
  let worker = opts.worker === false || opts.worker?.startNow === false ? undefined : await startWorker();

  return {
    lifeline,
    meta,
    simulator,
    simUrl: simServer?.url,
    control,
    apiUrl,
    /** The worker's /metrics URL, when `worker.metrics` asked for a listener. */
    workerMetricsUrl: workerScrape?.url,
    processor,
    /** Starts another worker (after the previous one was stopped, e.g. to simulate a crash). */
    async startWorker() {
      worker = await startWorker();
      return worker;
    },
    get worker() {
      return worker;
    },
    async stop() {
      await worker?.stop();
      for (const stop of stops.reverse()) await stop();
    },
  };
}
