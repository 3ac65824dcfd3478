import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ContactsRepo } from '../../db/repositories/contacts';
import type { ConsentRecordsRepo } from '../../db/repositories/consent-records';
import type { ConversationsRepo } from '../../db/repositories/conversations';
import type { MessagesRepo } from '../../db/repositories/messages';
import type { RegistryRepo } from '../../db/repositories/registry';
import type { TenantsRepo } from '../../db/repositories/tenants';
import type { WebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import { interpretConsent, parseConsentPayload } from '../../domain/consent';
import { keywordLists, matchInbound } from '../../domain/inbound-keywords';
import { readTenantSettings, type TenantSettings } from '../../domain/tenant-settings';
import type { WebhookEvent } from '../../meta/webhook-events';
import { replySignal } from '../../../workflows/definitions';
import type { Escalate } from '../conversations/escalate';
import { createOptOut } from '../opt-out';
import { inboundAt, inboundTexts, replyPayload, toInboundReply } from './inbound-content';
import type { HandlerOutcome } from './dispatcher';
import { scopeTenants, type Verifier } from './tenant-scope';

export interface InboundHandlerDeps {
  registry: RegistryRepo;
  tenants: TenantsRepo;
  contacts: ContactsRepo;
  messages: MessagesRepo;
  targets: WebhookTargetsRepo;
  conversations: ConversationsRepo;
  consents: Pick<ConsentRecordsRepo, 'optOut'>;
  /** Records, forwards and acknowledges a request for a human (src/services/conversations/escalate.ts). */
  escalate: Escalate;
  temporal: Client;
}

type Inbound = Extract<WebhookEvent, { kind: 'inbound' }>;
type Preference = Extract<WebhookEvent, { kind: 'user_preference' }>;

/**
 * Customers' messages: the service window, brand-wide opt-outs (cancelling what is in flight), human escalations,
 * and consent answers signalled to the message that asked. Every step is idempotent, so a retried event (after
 * a failure half-way) repeats nothing visible: opt-out keeps its first time, escalations are unique per wamid,
 * and the workflow's handlers ignore a repeated signal.
 */
export function createInboundHandlers(deps: InboundHandlerDeps) {
  async function settingsOf(tenantId: string): Promise<TenantSettings> {
    const tenant = await deps.tenants.get(tenantId);
    try {
      return readTenantSettings(tenant?.settings);
    } catch {
      return readTenantSettings({}); // settings are validated when written; never let a bad one stall ingestion
    }
  }

  /** Signals a workflow; one that has finished no longer listens, which is not an error. */
  async function signal(send: () => Promise<void>): Promise<boolean> {
    try {
      await send();
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The opt-out goes into the consent history (keyword or WhatsApp's own control), once per webhook event. */
  const optOut = createOptOut(deps);
  const optOutAndCancel = async (
    tenantId: string,
    waId: string,
    how: { source: string; keyword?: string; at?: string; dedupeKey: string },
  ): Promise<number> => (await optOut({ tenantId, waId, channel: 'whatsapp', ...how })).cancelled;

  /** The message this inbound answers (context.id → wamids) and the consent workflows it settles. */
  async function answered(
    tenantId: string,
    event: Inbound,
  ): Promise<{ messageId?: string; consentWorkflows: string[]; solePromptOf?: string }> {
    const workflows = new Set<string>();
    let messageId: string | undefined;
    const contextId = event.message.context?.id;
    const route = contextId ? await deps.messages.findWamid(contextId) : undefined;
    if (route && route.tenantId === tenantId) {
      messageId = route.messageId;
      const attempt = await deps.messages.getAttempt(route.attemptId);
      if (attempt?.kind === 'consent') workflows.add(route.workflowId);
    }
    const consent = parseConsentPayload(replyPayload(event.message));
    if (consent) {
      const workflowId = await deps.targets.messageWorkflow(tenantId, consent.messageId);
      if (workflowId) workflows.add(workflowId);
      messageId ??= workflowId ? consent.messageId : undefined;
    }
    if (workflows.size === 0 && !contextId && interpretConsent(toInboundReply(event.message, event.phoneNumberId))) {
      // A typed yes/no that quotes nothing answers the contact's one pending prompt; with several it is ambiguous
      // and answers none (docs/delivery-guarantees.md).
      const pending = await deps.targets.pendingConsentPrompts(tenantId, event.message.from);
      if (pending.length === 1) {
        const sole = pending[0]!;
        return { messageId: sole.id, consentWorkflows: [sole.workflowId], solePromptOf: sole.id };
      }
    }
    return { messageId, consentWorkflows: [...workflows] };
  }

  async function inboundForTenant(tenantId: string, event: Inbound): Promise<string> {
    const m = event.message;
    const at = inboundAt(m.timestamp);
    await deps.contacts.recordInbound(tenantId, m.from, event.phoneNumberId, at);
    const texts = inboundTexts(m);
    await deps.conversations.recordInbound({
      tenantId,
      wamid: m.id,
      waId: m.from,
      phoneNumberId: event.phoneNumberId,
      type: m.type,
      text: texts[0],
      payload: replyPayload(m),
      contextWamid: m.context?.id,
      at,
    });
    const settings = await settingsOf(tenantId);
    const match = matchInbound(texts, keywordLists(settings));
    if (match?.intent === 'opt_out') {
      const how = { source: 'inbound_keyword', keyword: match.keyword, at, dedupeKey: event.key };
      const n = await optOutAndCancel(tenantId, m.from, how);
      return `opted out, ${n} in flight cancelled`;
    }
    const { messageId, consentWorkflows, solePromptOf } = await answered(tenantId, event);
    const reply = { ...toInboundReply(m, event.phoneNumberId), ...(solePromptOf ? { solePromptOf } : {}) };
    for (const workflowId of consentWorkflows) {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      await signal(() => handle.signal(replySignal, reply));
    }
    if (match?.intent === 'escalation') {
      return deps.escalate({
        tenantId,
        settings,
        waId: m.from,
        phoneNumberId: event.phoneNumberId,
        wamid: m.id,
        text: texts[0] ?? '',
        keyword: match.keyword,
        language: match.language,
        messageId,
      });
    }
    return consentWorkflows.length ? 'reply signalled' : 'window recorded';
  }

  return {
    async inbound(event: Inbound, verifier: Verifier): Promise<HandlerOutcome> {
      const owners = await deps.registry.tenantsOfPhone(event.phoneNumberId);
      const scope = scopeTenants(owners, verifier, `phone number ${event.phoneNumberId}`);
      if (scope.refused) return { done: true, note: scope.refused };
      const notes: string[] = [];
      for (const tenantId of scope.tenants) notes.push(await inboundForTenant(tenantId, event));
      return { done: true, note: notes.join('; ') };
    },

    /** WhatsApp's own "stop promotions" is an opt-out like STOP; `resume` is noted, never an opt-in by itself. */
    async userPreference(event: Preference, verifier: Verifier): Promise<HandlerOutcome> {
      const p = event.preference;
      if (p.value !== 'stop') return { done: true, note: `user preference ${p.value} noted` };
      const byPhone = event.phoneNumberId ? await deps.registry.tenantsOfPhone(event.phoneNumberId) : [];
      const scope = byPhone.length
        ? scopeTenants(byPhone, verifier, `phone number ${event.phoneNumberId}`)
        : scopeTenants(await deps.registry.tenantsOfWaba(event.wabaId), verifier, `WABA ${event.wabaId}`);
      if (scope.refused) return { done: true, note: scope.refused };
      const at = p.timestamp === undefined ? undefined : inboundAt(String(p.timestamp));
      for (const tenantId of scope.tenants) {
        await optOutAndCancel(tenantId, p.wa_id, { source: 'user_preferences', at, dedupeKey: event.key });
      }
      return { done: true, note: 'opted out' };
    },
  };
}
