import { Client } from '@temporalio/client';
import { NativeConnection, Runtime, DefaultLogger } from '@temporalio/worker';
import { loadConfigOrExit } from '../config';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { createLogger } from '../logger';
import { metaClientFromConfig } from '../meta/client';
import { createSecretBox } from '../secrets';
import { ensureRegistryRefreshSchedule } from './schedules';
import { createLifelineWorker } from './worker';

/** `npm run worker`: hosts the workflows and activities on the configured task queue. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'worker');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  if (config.MIGRATE_ON_BOOT) await migrate(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createLifelineWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: {
      pool,
      meta: metaClientFromConfig(config),
      secrets: createSecretBox(config.ENCRYPTION_KEY),
    },
  });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const schedule = await ensureRegistryRefreshSchedule(client, {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    interval: config.REGISTRY_REFRESH_INTERVAL,
  });
  log.info({ ...schedule, intervalMs: config.REGISTRY_REFRESH_INTERVAL }, 'registry refresh schedule ensured');
  log.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker started');
  // Worker.run() handles SIGINT/SIGTERM itself (graceful shutdown); close what we opened afterwards.
  await worker.run();
  await connection.close();
  await pool.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
