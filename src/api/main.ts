import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { metaClientFromConfig } from '../meta/client';
import { createSecretBox } from '../secrets';
import { appSettingsFromConfig, createApp } from './app';

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
    meta: metaClientFromConfig(config),
    secrets: createSecretBox(config.ENCRYPTION_KEY),
    log,
    ...appSettingsFromConfig(config),
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
