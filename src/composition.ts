import type { Client } from '@temporalio/client';
import type { Pool } from './db/pool';
import { createCampaignGuardRepo } from './db/repositories/campaign-guard';
import { createCampaignQueueRepo } from './db/repositories/campaign-queue';
import { createCampaignRecipientsRepo } from './db/repositories/campaign-recipients';
import { createCampaignStatusesRepo } from './db/repositories/campaign-statuses';
import { createCampaignsRepo } from './db/repositories/campaigns';
import { createConsentRepo } from './db/repositories/consent';
import { createConsentRecordsRepo } from './db/repositories/consent-records';
import { createContactsRepo } from './db/repositories/contacts';
import { createConversationsRepo } from './db/repositories/conversations';
import { createEscalationsRepo } from './db/repositories/escalations';
import { createMessagesRepo } from './db/repositories/messages';
import { createRegistryRepo } from './db/repositories/registry';
import { createTenantsRepo } from './db/repositories/tenants';
import { createUsageRepo } from './db/repositories/usage';
import { createWebhookInboxRepo } from './db/repositories/webhook-inbox';
import type { MetaClient } from './meta/client';
import type { SecretBox } from './secrets';
import { createCapacityRepo } from './db/repositories/capacity';
import { createCapacityBatchRepo } from './db/repositories/capacity-batch';
import { createCampaignCapacity } from './services/campaign-capacity';
import { createCampaignStatuses } from './services/campaign-statuses';
import { createCapacityLimiter } from './services/capacity-limiter';
import { createChunkReserver } from './services/capacity-chunk';
import { createCircuitBreaker } from './services/circuit-breaker';
import { createSessionMessages } from './services/conversations/session-messages';
import { sessionWindows } from './services/conversations/session-window';
import { createHealthUpdates } from './services/health-updates';
import { createRegistryCache } from './services/registry-cache';
import { createRegistrySync } from './services/registry-sync';
import { createTemplateServices } from './services/template-services';

export interface LifelineClients {
  pool: Pool;
  meta: MetaClient;
  secrets: SecretBox;
  /** The clock of service-window checks and of the capacity window; tests move it with the simulator's. Default Date.now. */
  now?: () => number;
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
  const templates = createTemplateServices({ ...clients, registry });
  const contacts = createContactsRepo(pool);
  const tenants = createTenantsRepo(pool, clients.secrets);
  const now = clients.now ?? Date.now;
  const conversations = createConversationsRepo(pool);
  const escalations = createEscalationsRepo(pool);
  const capacityRepo = createCapacityRepo(pool);
  const usage = createUsageRepo(pool);
  const cache = createRegistryCache(registry);
  return {
    ...clients,
    now,
    messages: createMessagesRepo(pool),
    registry,
    usage,
    contacts,
    tenants,
    /** The send step's consent port: re-checked right before every send. */
    sendConsent: { contacts, tenants },
    /**
     * Reservations before every send: one at a time (the message workflow) or a chunk at once (a campaign batch),
     * on Lifeline's clock: the 24 h window rolls with it (tests move it; docs/capacity.md).
     */
    capacity: {
      ...createCapacityLimiter(capacityRepo, now),
      ...createChunkReserver(capacityRepo, createCapacityBatchRepo(pool), now),
    },
    templates,
    consent: createConsentRepo(pool),
    /** The consent history (opt-ins with their proof, opt-outs) beside the contact's current state. */
    consentRecords: createConsentRecordsRepo(pool),
    conversations,
    escalations,
    /** The send step's service-window port (docs/conversations.md): session sends outside it are refused. */
    windows: sessionWindows(contacts, now),
    /** Session messages (agents' answers, escalation acknowledgements), started on the given Temporal queue. */
    sessionsOn: (temporal: Client, taskQueue: string) =>
      createSessionMessages({ conversations, contacts, escalations, temporal, taskQueue, now }),
    inbox: createWebhookInboxRepo(pool),
    health,
    breaker: createCircuitBreaker(health),
    cache,
    /** What a campaign's portfolios can carry: its eta and its capacity wait (docs/capacity.md, "Campaigns"). */
    campaignCapacity: createCampaignCapacity({ cache, usage, now }),
    campaignRepo: createCampaignsRepo(pool),
    campaignQueue: createCampaignQueueRepo(pool),
    campaignGuard: createCampaignGuardRepo(pool),
    campaignRecipients: createCampaignRecipientsRepo(pool),
    /** The campaign engine's status hook, for the webhook processor (docs/campaigns.md, "Status hook"). */
    campaignStatuses: createCampaignStatuses(createCampaignStatusesRepo(pool)),
    sync: createRegistrySync({ ...clients, registry, afterSync: templates.submissions.afterSync }),
  };
}

export type Lifeline = ReturnType<typeof composeLifeline>;
