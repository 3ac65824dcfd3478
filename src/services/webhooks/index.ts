import type { Client } from '@temporalio/client';
import type { Pool } from '../../db/pool';
import type { ContactsRepo } from '../../db/repositories/contacts';
import type { ConsentRecordsRepo } from '../../db/repositories/consent-records';
import type { ConversationsRepo } from '../../db/repositories/conversations';
import { createEscalationsRepo } from '../../db/repositories/escalations';
import type { MessagesRepo } from '../../db/repositories/messages';
import type { RegistryRepo } from '../../db/repositories/registry';
import type { TenantsRepo } from '../../db/repositories/tenants';
import { createWebhookDeadLettersRepo } from '../../db/repositories/webhook-dead-letters';
import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import { createWebhookStatusesRepo } from '../../db/repositories/webhook-statuses';
import { createWebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import type { Logger } from '../../logger';
import type { SecretBox } from '../../secrets';
import type { OutboundPolicy } from '../safe-http';
import type { HealthHandlerDeps } from './health-handler';
import type { CircuitBreaker } from '../circuit-breaker';
import { createEscalate } from '../conversations/escalate';
import type { SessionMessages } from '../conversations/session-messages';
import type { HealthUpdates } from '../health-updates';
import type { CampaignStatuses } from '../campaign-statuses';
import { tierChangeWake } from '../campaign-capacity';
import type { CampaignsRepo } from '../../db/repositories/campaigns';
import type { DeliveryObserver } from '../../delivery/observer';
import { createDispatcher } from './dispatcher';
import { createEscalationForwarder } from './escalation-forwarder';
import { createHealthHandler } from './health-handler';
import { createInboundHandlers } from './inbound-handler';
import { createWebhookProcessor, type ProcessorOptions } from './processor';
import { createStatusBatch, type CampaignStatusHook } from './status-batch';

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
  /** Which escalation receivers may be called (tests widen it in code; tenants cannot). */
  outbound?: OutboundPolicy;
  /** Where statuses of campaign-driven messages go (docs/webhooks.md); defaults to `campaignStatuses`. */
  campaigns?: CampaignStatusHook;
  /** The campaign engine's status fold (docs/campaigns.md, "Status hook"), from the composition root. */
  campaignStatuses?: CampaignStatuses;
  /** Campaigns waiting for capacity are woken when a portfolio's tier changes. */
  campaignRepo?: Pick<CampaignsRepo, 'waitingForCapacity'>;
  templateReview?: HealthHandlerDeps['templateReview'];
  health: HealthUpdates;
  breaker: CircuitBreaker;
  /** The customer's side of each thread (inbound messages), read for escalation context. */
  conversations: ConversationsRepo;
  /** The consent history: opt-outs by keyword or WhatsApp's own control are recorded there. */
  consentRecords: ConsentRecordsRepo;
  /** Sends escalation acknowledgements. */
  sessions: SessionMessages;
  /** Status lag and asynchronous failovers, for this process's metrics. */
  observer?: DeliveryObserver;
}

/**
 * The webhook processor with every handler wired (statuses in batches; inbound, preferences, health one by one)
 * and the escalation forwarder running beside it; `start()`/`stop()` cover both.
 */
export function createWebhookIngestion(deps: WebhookIngestionDeps, opts: ProcessorOptions = {}) {
  const targets = createWebhookTargetsRepo(deps.pool);
  const escalations = createEscalationsRepo(deps.pool);
  const statuses = createWebhookStatusesRepo(deps.pool);
  const forwarder = createEscalationForwarder(
    { escalations, tenants: deps.tenants, secrets: deps.secrets, log: deps.log },
    {
      retryBaseMs: opts.retryBaseMs,
      pollMs: opts.pollMs === undefined ? undefined : opts.pollMs * 4,
      outbound: deps.outbound,
    },
  );
  const { conversations } = deps;
  const escalate = createEscalate({ escalations, conversations, sessions: deps.sessions, forwarder });
  const inbound = createInboundHandlers({ ...deps, targets, consents: deps.consentRecords, escalate });
  const { health } = deps;
  const handle = createDispatcher({
    inbound: inbound.inbound,
    userPreference: inbound.userPreference,
    health: createHealthHandler({
      registry: deps.registry,
      targets,
      health,
      templateReview: deps.templateReview,
      tierChanged: deps.campaignRepo && tierChangeWake({ campaigns: deps.campaignRepo, temporal: deps.temporal }),
    }),
  });
  const statusBatch = createStatusBatch({
    statuses,
    messages: deps.messages,
    temporal: deps.temporal,
    breaker: deps.breaker,
    campaigns: deps.campaigns ?? campaignHook(deps.campaignStatuses),
    observer: deps.observer,
  });
  return createWebhookProcessor(
    {
      inbox: deps.inbox,
      statuses,
      deadLetters: createWebhookDeadLettersRepo(deps.pool),
      statusBatch,
      handle,
      log: deps.log,
      background: [forwarder],
    },
    opts,
  );
}

/** The campaign engine's fold as the status batch's hook: every status of a campaign-driven message, after the fold. */
function campaignHook(campaigns: CampaignStatuses | undefined): CampaignStatusHook | undefined {
  if (!campaigns) return undefined;
  return {
    async statuses(rows) {
      await campaigns.applyCampaignStatuses(rows);
    },
  };
}
