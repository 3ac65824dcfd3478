import { Client, Connection } from '@temporalio/client';
import { loadConfigOrExit } from '../config';
import { migrate } from '../db/migrate';
import { poolFromConfig } from '../db/pool';
import { sealLegacyAppSecrets } from '../db/reencrypt';
import { createLogger } from '../logger';
import { metaClientFromConfig } from '../meta/client';
import { secretBoxFromConfig } from '../secrets';
import { ensureSearchAttributes } from '../services/search-attribute-setup';
import { exitOnSignal } from '../services/shutdown';
import { appSettingsFromConfig, createApp } from './app';

/** `npm run api`: the HTTP API and Meta's webhook endpoint, plus the webhook inbox processor unless WEBHOOK_PROCESSOR=off. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'api');
  if (config.MIGRATE_ON_BOOT) await migrate(config.DATABASE_URL);
  const pool = poolFromConfig(config);
  const secrets = secretBoxFromConfig(config);
  // Tenants' app secrets stored in plaintext settings before they were sealed move to their sealed column.
  const moved = await sealLegacyAppSecrets(pool, secrets);
  if (moved > 0) log.info({ tenants: moved }, 'sealed tenant app secrets found in plaintext settings');
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log.info({ added }, 'registered Lifeline search attributes');
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const { app, processor } = createApp({
    pool,
    temporal,
    meta: metaClientFromConfig(config),
    secrets,
    log,
    ...appSettingsFromConfig(config),
  });
  if (config.WEBHOOK_PROCESSOR === 'inline') processor.start();
  const server = app.listen(config.PORT, config.HOST, () => log.info({ port: config.PORT }, 'API listening'));
  exitOnSignal(log, async () => {
    await new Promise((resolve) => server.close(resolve));
    await processor.stop();
    await Promise.all([pool.end(), connection.close()]);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
