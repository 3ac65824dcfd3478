import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { createMetaClient } from '../meta/client';
import { createSecretBox } from '../secrets';
import { createApp } from './app';

/** `npm run api`: the HTTP API and Meta's webhook endpoint, plus the webhook inbox processor. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'api');
  if (config.MIGRATE_ON_BOOT) await migrate(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const { app, processor } = createApp({
    pool,
    temporal,
    meta: createMetaClient({
      graphUrl: config.META_GRAPH_URL,
      apiVersion: config.META_API_VERSION,
      timeoutMs: config.META_HTTP_TIMEOUT_MS,
    }),
    secrets: createSecretBox(config.ENCRYPTION_KEY),
    log,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    adminApiKey: config.ADMIN_API_KEY,
    webhookVerifyToken: config.WEBHOOK_VERIFY_TOKEN,
    metaAppSecret: config.META_APP_SECRET,
    webhookMaxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
  });
  processor.start();
  const server = app.listen(config.PORT, config.HOST, () => log.info({ port: config.PORT }, 'API listening'));
  const shutdown = () => {
    log.info('shutting down');
    server.close(() => {
      void processor
        .stop()
        .then(() => Promise.all([pool.end(), connection.close()]))
        .then(() => process.exit(0));
    });
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
