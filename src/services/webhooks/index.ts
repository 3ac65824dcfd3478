import type { Client } from '@temporalio/client';
import type { Pool } from '../../db/pool';
import type { ContactsRepo } from '../../db/repositories/contacts';
import { createEscalationsRepo } from '../../db/repositories/escalations';
import type { MessagesRepo } from '../../db/repositories/messages';
import type { RegistryRepo } from '../../db/repositories/registry';
import type { TenantsRepo } from '../../db/repositories/tenants';
import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import { createWebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import type { Logger } from '../../logger';
import type { SecretBox } from '../../secrets';
import type { CircuitBreaker } from '../circuit-breaker';
import type { HealthUpdates } from '../health-updates';
import { createDispatcher } from './dispatcher';
import { createEscalationForwarder } from './escalation-forwarder';
import { createHealthHandler } from './health-handler';
import { createInboundHandlers } from './inbound-handler';
import { createWebhookProcessor, type ProcessorOptions } from './processor';
import { createStatusHandler } from './status-handler';

export interface WebhookIngestionDeps {
  pool: Pool;
  temporal: Client;
  secrets: SecretBox;
  log: Logger;
  inbox: WebhookInboxRepo;
  messages: MessagesRepo;
  contacts: ContactsRepo;
  registry: RegistryRepo;
  tenants: TenantsRepo;
  health: HealthUpdates;
  breaker: CircuitBreaker;
}

/**
 * The webhook processor with every handler wired (statuses, inbound, preferences, health) and the escalation
 * forwarder running beside it; `start()`/`stop()` cover both.
 */
export function createWebhookIngestion(deps: WebhookIngestionDeps, opts: ProcessorOptions = {}) {
  const targets = createWebhookTargetsRepo(deps.pool);
  const escalations = createEscalationsRepo(deps.pool);
  const forwarder = createEscalationForwarder(
    { escalations, tenants: deps.tenants, secrets: deps.secrets, log: deps.log },
    { retryBaseMs: opts.retryBaseMs, pollMs: opts.pollMs === undefined ? undefined : opts.pollMs * 4 },
  );
  const inbound = createInboundHandlers({ ...deps, targets, escalations, forwarder });
  const { health } = deps;
  const handle = createDispatcher({
    status: createStatusHandler({
      messages: deps.messages,
      temporal: deps.temporal,
      breaker: deps.breaker,
    }),
    inbound: inbound.inbound,
    userPreference: inbound.userPreference,
    health: createHealthHandler({
      registry: deps.registry,
      targets,
      health,
    }),
  });
  return createWebhookProcessor({ inbox: deps.inbox, handle, log: deps.log, background: [forwarder] }, opts);
}
