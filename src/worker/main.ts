import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { poolFromConfig } from '../db/pool';
import { migrate } from '../db/migrate';
import { createLogger } from '../logger';
import { metaClientFromConfig } from '../meta/client';
import { secretBoxFromConfig } from '../secrets';
import { createProcessMetrics } from '../metrics/process-metrics';
import { listenMetrics } from '../metrics/server';
import { ensureSearchAttributes } from '../services/search-attribute-setup';
import { ensureRegistryRefreshSchedule } from './schedules';
import { createLifelineWorker, workflowOrigin } from './worker';

/** `npm run worker`: hosts the workflows and activities on the configured task queue. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (config.MIGRATE_ON_BOOT) await migrate(config.DATABASE_URL);
  const pool = poolFromConfig(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log.info({ added }, 'registered Lifeline search attributes');
  const metrics = createProcessMetrics();
  const worker = await createLifelineWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      pool,
      meta: metaClientFromConfig(config),
      secrets: secretBoxFromConfig(config),
      observer: metrics.observer,
    },
  });
  const port = config.WORKER_METRICS_PORT;
  const listener = port
    ? await listenMetrics(metrics.registry, { port, host: config.HOST, token: config.METRICS_TOKEN })
    : undefined;
  if (listener) log.info({ url: listener.url }, 'worker metrics listening');
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const schedule = await ensureRegistryRefreshSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    interval: config.REGISTRY_REFRESH_INTERVAL,
  });
  log.info({ ...schedule, intervalMs: config.REGISTRY_REFRESH_INTERVAL }, 'registry refresh schedule ensured');
  log.info(
    { taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS, workflows: workflowOrigin() },
    'worker started',
  );
  // Worker.run() handles SIGINT/SIGTERM itself (graceful shutdown); close what we opened afterwards.
  await worker.run();
  await listener?.close();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
