import type { Pool } from './db/pool';
import { createConsentRepo } from './db/repositories/consent';
import { createContactsRepo } from './db/repositories/contacts';
import { createEscalationsRepo } from './db/repositories/escalations';
import { createMessagesRepo } from './db/repositories/messages';
import { createRegistryRepo } from './db/repositories/registry';
import { createTenantsRepo } from './db/repositories/tenants';
import { createUsageRepo } from './db/repositories/usage';
import { createWebhookInboxRepo } from './db/repositories/webhook-inbox';
import type { MetaClient } from './meta/client';
import type { SecretBox } from './secrets';
import { createCircuitBreaker } from './services/circuit-breaker';
import { createHealthUpdates } from './services/health-updates';
import { createRegistryCache } from './services/registry-cache';
import { createRegistrySync } from './services/registry-sync';

export interface LifelineClients {
  pool: Pool;
  meta: MetaClient;
  secrets: SecretBox;
}

/**
 * The composition root (docs/architecture.md#composition-root): every repository and shared service, built once
 * per process over its clients, for the API, the webhook processor and the worker's activities alike. One health
 * path, one circuit breaker and one registry cache per process, whichever of them observes a fact.
 */
export function composeLifeline(clients: LifelineClients) {
  const { pool } = clients;
  const registry = createRegistryRepo(pool);
  const health = createHealthUpdates(pool, registry);
  return {
    ...clients,
    messages: createMessagesRepo(pool),
    registry,
    usage: createUsageRepo(pool),
    contacts: createContactsRepo(pool),
    tenants: createTenantsRepo(pool),
    consent: createConsentRepo(pool),
    escalations: createEscalationsRepo(pool),
    inbox: createWebhookInboxRepo(pool),
    health,
    breaker: createCircuitBreaker(health),
    cache: createRegistryCache(registry),
    sync: createRegistrySync({ ...clients, registry }),
  };
}

export type Lifeline = ReturnType<typeof composeLifeline>;
