import express, { type Express } from 'express';
import type { Client } from '@temporalio/client';
import { composeLifeline, type Lifeline } from '../composition';
import type { Config } from '../config';
import type { Pool } from '../db/pool';
import { createApiKeysRepo } from '../db/repositories/api-keys';
import { createCostsRepo } from '../db/repositories/costs';
import type { Logger } from '../logger';
import type { MetaClient } from '../meta/client';
import type { SecretBox } from '../secrets';
import { createCampaignsApi } from './campaigns-api';
import { createMessageService } from '../services/messages';
import { createWebhookIngestion } from '../services/webhooks';
import type { OutboundPolicy } from '../services/safe-http';
import { createTenantSecretCache } from '../services/webhooks/tenant-secrets';
import type { ProcessorOptions, WebhookProcessor } from '../services/webhooks/processor';
import { requireTenant, requireToken } from './auth';
import { consoleRouter } from './console/router';
import { consoleSessionTenant } from './console/session-auth';
import { createConsoleSessionsRepo } from '../db/repositories/console-sessions';
import { errorHandler, HttpError } from './errors';
import { rejectUnsafeInput } from './input-guard';
import { createMetrics } from './metrics';
import { openApiDocument } from './openapi';
import { createTenantRateLimiter, rateLimitTenant, type RateLimitSettings } from './rate-limit';
import { apiKeysRouter } from './routes/api-keys';
import { consentsRouter } from './routes/consents';
import { contactsRouter } from './routes/contacts';
import { conversationsRouter } from './routes/conversations';
import { createOptOut } from '../services/opt-out';
import { createWebhookTargetsRepo } from '../db/repositories/webhook-targets';
import { costsRouter } from './routes/costs';
import { analyticsRouter } from './routes/analytics';
import { createAnalyticsRepo } from '../db/repositories/analytics';
import { createAnalyticsRollupRepo } from '../db/repositories/analytics-rollup';
import { createHealthChangesRepo } from '../db/repositories/health-changes';
import { escalationsRouter } from './routes/escalations';
import { messagesRouter } from './routes/messages';
import { registryRouter } from './routes/registry';
import { templatesRouter } from './routes/templates';
import { tenantsRouter } from './routes/tenants';
import { webhookRouter } from './routes/webhooks';

export interface AppDeps {
  pool: Pool;
  temporal: Client;
  /**
   * A client on the NativeConnection of a Lifeline worker in this process (the embedded stack): message workflows
   * are started through it eagerly (docs/temporal.md, "Eager start"). Separate API and worker processes have none.
   */
  eagerStartClient?: Client;
  meta: MetaClient;
  secrets: SecretBox;
  log: Logger;
  taskQueue: string;
  adminApiKey: string;
  webhookVerifyToken: string;
  metaAppSecret: string;
  webhookMaxBodyBytes: number;
  /** Webhook requests being read, verified or stored at once; beyond it a new one is a fast 503 (docs/webhooks.md). */
  webhookMaxInFlight?: number;
  processor?: ProcessorOptions;
  /** The process's composition, when the worker runs in the same process (one cache, one breaker). */
  lifeline?: Lifeline;
  /** When set, GET /metrics needs this bearer token. */
  metricsToken?: string;
  /** Per-tenant request budget; the default is generous (docs/security.md, "Rate limits"). */
  rateLimit?: RateLimitSettings;
  /** Which escalation receivers may be called; only code (tests) widens the public-https default. */
  outbound?: OutboundPolicy;
  /** The Temporal Web UI and namespace the console links workflows to (docs/console.md). */
  temporalUiUrl?: string;
  namespace?: string;
}

const DEFAULT_RATE_LIMIT: RateLimitSettings = { requests: 20_000, windowMs: 10_000, store: 'postgres' };

/** The configuration-derived part of the API's dependencies (everything but its clients). */
export function appSettingsFromConfig(config: Config) {
  return {
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    adminApiKey: config.ADMIN_API_KEY,
    webhookVerifyToken: config.WEBHOOK_VERIFY_TOKEN,
    metaAppSecret: config.META_APP_SECRET,
    webhookMaxBodyBytes: config.WEBHOOK_MAX_BODY_BYTES,
    webhookMaxInFlight: config.WEBHOOK_MAX_IN_FLIGHT,
    metricsToken: config.METRICS_TOKEN,
    temporalUiUrl: config.TEMPORAL_UI_URL,
    namespace: config.TEMPORAL_NAMESPACE,
    rateLimit: {
      requests: config.RATE_LIMIT_REQUESTS,
      windowMs: config.RATE_LIMIT_WINDOW,
      store: config.RATE_LIMIT_STORE,
    },
  };
}

/** Builds the API without listening; main.ts (or a test) listens and starts the webhook processor. */
export function createApp(deps: AppDeps): { app: Express; processor: WebhookProcessor } {
  const lifeline = deps.lifeline ?? composeLifeline(deps);
  const { tenants, messages, registry, contacts, inbox, sync } = lifeline;
  const metrics = createMetrics(deps.pool);
  const service = createMessageService({
    messages,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    eagerStartClient: deps.eagerStartClient,
  });
  const templates = lifeline.templates;
  const { now, conversations, escalations, consentRecords: consents } = lifeline;
  const sessions = lifeline.sessionsOn(deps.temporal, deps.taskQueue);
  const processor = createWebhookIngestion(
    {
      ...lifeline,
      temporal: deps.temporal,
      log: deps.log,
      templateReview: templates.submissions,
      outbound: deps.outbound,
      sessions,
      observer: metrics.delivery,
    },
    deps.processor,
  );

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
  const metricsAuth = deps.metricsToken ? [requireToken(deps.metricsToken, 'METRICS_TOKEN')] : [];
  app.get('/metrics', ...metricsAuth, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(
    '/webhooks/whatsapp',
    webhookRouter({
      inbox,
      processor,
      verifyToken: deps.webhookVerifyToken,
      appSecret: deps.metaAppSecret,
      tenantSecrets: createTenantSecretCache(() => tenants.appSecretsByTenant()),
      maxBodyBytes: deps.webhookMaxBodyBytes,
      maxInFlight: deps.webhookMaxInFlight,
      metrics,
    }),
  );

  const json = [express.json({ limit: '256kb' }), rejectUnsafeInput()];
  app.use('/v1/tenants', ...json, tenantsRouter({ tenants, adminApiKey: deps.adminApiKey }));
  const consoleSessions = createConsoleSessionsRepo(deps.pool);
  app.use(
    '/console',
    consoleRouter({
      sessions: consoleSessions,
      tenants,
      temporalUiUrl: deps.temporalUiUrl ?? 'http://localhost:8233',
      namespace: deps.namespace ?? 'default',
    }),
  );
  const signedIn = consoleSessionTenant(consoleSessions, tenants);
  const limiter = createTenantRateLimiter(deps.pool, deps.rateLimit ?? DEFAULT_RATE_LIMIT);
  // Before /v1's parser: inline recipients need a larger JSON limit, and CSV uploads are streamed unparsed.
  app.use(
    '/v1/campaigns',
    signedIn,
    requireTenant(tenants),
    rateLimitTenant(limiter),
    createCampaignsApi({ lifeline, temporal: deps.temporal, taskQueue: deps.taskQueue }),
    // Answered here: falling through to /v1 would authenticate and rate-count the request a second time.
    (req: express.Request) => {
      throw new HttpError(404, 'not_found', `no route ${req.method} ${req.originalUrl.split('?')[0]}`);
    },
  );
  const v1 = express.Router();
  v1.use(...json, signedIn, requireTenant(tenants), rateLimitTenant(limiter));
  v1.use('/api-keys', apiKeysRouter({ keys: createApiKeysRepo(deps.pool) }));
  v1.use('/messages', messagesRouter({ service, messages, metrics }));
  const targets = createWebhookTargetsRepo(deps.pool);
  const optOut = createOptOut({ consents, targets, temporal: deps.temporal });
  v1.use('/contacts', contactsRouter({ contacts, consents, optOut }));
  v1.use('/consents', consentsRouter({ consents }));
  v1.use('/conversations', conversationsRouter({ sessions, conversations, contacts, now }));
  const costs = createCostsRepo(deps.pool);
  v1.use('/costs', costsRouter({ costs }));
  v1.use(
    '/analytics',
    analyticsRouter({
      analytics: createAnalyticsRepo(deps.pool),
      rollup: createAnalyticsRollupRepo(deps.pool),
      costs,
    }),
  );
  v1.use('/escalations', escalationsRouter({ escalations, secrets: deps.secrets }));
  v1.use('/templates', templatesRouter({ authoring: templates.authoring, registry }));
  v1.use('/', registryRouter({ registry, sync, changes: createHealthChangesRepo(deps.pool) }));
  app.use('/v1', v1);

  app.use((req, _res) => {
    throw new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`);
  });
  app.use(errorHandler(deps.log));
  return { app, processor };
}
