import { Client, Connection } from '@temporalio/client';
import { composeLifeline } from '../../composition';
import { loadConfigOrExit } from '../../config';
import { migrate } from '../../db/migrate';
import { poolFromConfig } from '../../db/pool';
import { createLogger } from '../../logger';
import { metaClientFromConfig } from '../../meta/client';
import { secretBoxFromConfig } from '../../secrets';
import { createProcessMetrics } from '../../metrics/process-metrics';
import { listenMetrics } from '../../metrics/server';
import { ensureSearchAttributes } from '../search-attribute-setup';
import { exitOnSignal } from '../shutdown';
import { createWebhookIngestion } from '.';
import { createInboxListener } from './inbox-listener';

/**
 * `npm run webhooks`: a webhook processor on its own, draining the inbox the API processes fill. Run several
 * side by side (rows are leased with SKIP LOCKED); set WEBHOOK_PROCESSOR=off on the API to keep its event loop
 * for HTTP alone.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const log = createLogger(config.LOG_LEVEL, 'webhooks');
  if (config.MIGRATE_ON_BOOT) await migrate(config.DATABASE_URL);
  const pool = poolFromConfig(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const added = await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  if (added.length) log.info({ added }, 'registered Lifeline search attributes');
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  // The same composition root as the API and the worker: one health path, one breaker, sealed tenant secrets.
  const lifeline = composeLifeline({ pool, meta: metaClientFromConfig(config), secrets: secretBoxFromConfig(config) });
  const metrics = createProcessMetrics();
  const processor = createWebhookIngestion({
    ...lifeline,
    observer: metrics.observer,
    temporal,
    log,
    templateReview: lifeline.templates.submissions,
    // Escalation acknowledgements start session messages on the worker's queue.
    sessions: lifeline.sessionsOn(temporal, config.TEMPORAL_TASK_QUEUE),
  });
  const listener = createInboxListener(config.DATABASE_URL, () => processor.kick(), log);
  processor.start();
  listener.start();
  const port = config.WEBHOOKS_METRICS_PORT;
  const scrape = port
    ? await listenMetrics(metrics.registry, { port, host: config.HOST, token: config.METRICS_TOKEN })
    : undefined;
  log.info({ metrics: scrape?.url }, 'webhook processor running');
  exitOnSignal(log, async () => {
    await scrape?.close();
    await listener.stop();
    await processor.stop();
    await Promise.all([pool.end(), connection.close()]);
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
