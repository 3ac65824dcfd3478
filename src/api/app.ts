import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import { composeLifeline, type Lifeline } from '../composition';
import type { Config } from '../config';
import type { Pool } from '../db/pool';
import type { Logger } from '../logger';
import type { MetaClient } from '../meta/client';
import type { SecretBox } from '../secrets';
import { createMessageService } from '../services/messages';
import { createWebhookIngestion } from '../services/webhooks';
import type { ProcessorOptions, WebhookProcessor } from '../services/webhooks/processor';
import { requireTenant } from './auth';
import { errorHandler, HttpError } from './errors';
import { createMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { contactsRouter } from './routes/contacts';
import { costsRouter } from './routes/costs';
import { escalationsRouter } from './routes/escalations';
import { messagesRouter } from './routes/messages';
import { registryRouter } from './routes/registry';
import { tenantsRouter } from './routes/tenants';
import { webhookRouter } from './routes/webhooks';

export interface AppDeps {
  pool: Pool;
  temporal: Client;
  meta: MetaClient;
  secrets: SecretBox;
  log: Logger;
  taskQueue: string;
  adminApiKey: string;
  webhookVerifyToken: string;
  metaAppSecret: string;
  webhookMaxBodyBytes: number;
  processor?: ProcessorOptions;
  /** The process's composition, when the worker runs in the same process (one cache, one breaker). */
  lifeline?: Lifeline;
}

/** The configuration-derived part of the API's dependencies (everything but its clients). */
export function appSettingsFromConfig(config: Config) {
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    adminApiKey: config.ADMIN_API_KEY,
    webhookVerifyToken: config.WEBHOOK_VERIFY_TOKEN,
    metaAppSecret: config.META_APP_SECRET,
    webhookMaxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
  };
}

/** Builds the API without listening; main.ts (or a test) listens and starts the webhook processor. */
export function createApp(deps: AppDeps): { app: Express; processor: WebhookProcessor } {
  const lifeline = deps.lifeline ?? composeLifeline(deps);
  const { tenants, messages, registry, contacts, inbox, sync } = lifeline;
  const metrics = createMetrics();
  const service = createMessageService({ messages, temporal: deps.temporal, taskQueue: deps.taskQueue });
  const processor = createWebhookIngestion({ ...lifeline, temporal: deps.temporal, log: deps.log }, deps.processor);

  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((req, res, next) => {
    const end = metrics.httpRequests.startTimer({ method: req.method });
    res.on('finish', () => end({ route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/readyz', async (_req, res) => {
    await deps.pool.query('SELECT 1');
    res.json({ ok: true });
  });
  const openapi = openApiDocument();
  app.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(
    '/webhooks/whatsapp',
    webhookRouter({
      inbox,
      processor,
      verifyToken: deps.webhookVerifyToken,
      appSecret: deps.metaAppSecret,
      tenantAppSecrets: () => tenants.metaAppSecrets(),
      maxBodyBytes: deps.webhookMaxBodyBytes,
      metrics,
    }),
  );

  const json = express.json({ limit: '256kb' });
  app.use('/v1/tenants', json, tenantsRouter({ tenants, adminApiKey: deps.adminApiKey }));
  const v1 = express.Router();
  v1.use(json, requireTenant(tenants));
  v1.use('/messages', messagesRouter({ service, messages, metrics }));
  v1.use('/contacts', contactsRouter({ contacts }));
  v1.use('/costs', costsRouter({ messages }));
  v1.use('/escalations', escalationsRouter({ escalations: lifeline.escalations, secrets: deps.secrets }));
  v1.use('/', registryRouter({ registry, sync }));
  app.use('/v1', v1);

  app.use((req, _res) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.log));
  return { app, processor };
}
