import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ContactsRepo } from '../../db/repositories/contacts';
import type { EscalationsRepo } from '../../db/repositories/escalations';
import type { MessagesRepo } from '../../db/repositories/messages';
import type { RegistryRepo } from '../../db/repositories/registry';
import type { TenantsRepo } from '../../db/repositories/tenants';
import type { WebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import { parseConsentPayload } from '../../domain/consent';
import { classifyText, keywordLists } from '../../domain/inbound-keywords';
import { readTenantSettings, type TenantSettings } from '../../domain/tenant-settings';
import type { WebhookEvent } from '../../meta/webhook-events';
import { cancelSignal, replySignal } from '../../../workflows/definitions';
import { inboundAt, inboundTexts, replyPayload, toInboundReply } from './inbound-content';
import type { HandlerOutcome } from './status-handler';

export interface InboundHandlerDeps {
  registry: RegistryRepo;
  tenants: TenantsRepo;
  contacts: ContactsRepo;
  messages: MessagesRepo;
  targets: WebhookTargetsRepo;
  escalations: EscalationsRepo;
  temporal: Client;
  /** Nudged when an escalation is waiting to be forwarded. */
  forwarder: { kick(): void };
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

  async function optOutAndCancel(tenantId: string, waId: string, source: string): Promise<number> {
    await deps.contacts.optOut(tenantId, waId, source);
    let cancelled = 0;
    for (const m of await deps.targets.inFlightMessages(tenantId, waId)) {
      const handle = deps.temporal.workflow.getHandle(m.workflowId);
      if (await signal(() => handle.signal(cancelSignal, { reason: 'opted_out' }))) cancelled += 1;
    }
    return cancelled;
  }

  /** The message this inbound answers (context.id → wamids) and the consent workflows it settles. */
  async function answered(
    tenantId: string,
    event: Inbound,
  ): Promise<{ messageId?: string; consentWorkflows: string[] }> {
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
    return { messageId, consentWorkflows: [...workflows] };
  }

  async function inboundForTenant(tenantId: string, event: Inbound): Promise<string> {
    const m = event.message;
    await deps.contacts.recordInbound(tenantId, m.from, event.phoneNumberId, inboundAt(m.timestamp));
    const settings = await settingsOf(tenantId);
    const texts = inboundTexts(m);
    const intent = classifyText(texts, keywordLists(settings));
    if (intent === 'opt_out') {
      const n = await optOutAndCancel(tenantId, m.from, 'inbound_keyword');
      return `opted out, ${n} in flight cancelled`;
    }
    const { messageId, consentWorkflows } = await answered(tenantId, event);
    const reply = toInboundReply(m, event.phoneNumberId);
    for (const workflowId of consentWorkflows) {
      const handle = deps.temporal.workflow.getHandle(workflowId);
      await signal(() => handle.signal(replySignal, reply));
    }
    if (intent === 'escalation') {
      const created = await deps.escalations.create({
        tenantId,
        waId: m.from,
        phoneNumberId: event.phoneNumberId,
        messageId,
        text: texts[0] ?? '',
        wamid: m.id,
        forward: settings.escalationWebhookUrl !== undefined,
      });
      if (created?.forwardAttempts === 0 && settings.escalationWebhookUrl) deps.forwarder.kick();
      return 'escalated';
    }
    return consentWorkflows.length ? 'reply signalled' : 'window recorded';
  }

  return {
    async inbound(event: Inbound): Promise<HandlerOutcome> {
      const tenants = await deps.registry.tenantsOfPhone(event.phoneNumberId);
      if (tenants.length === 0) return { done: true, note: `phone number ${event.phoneNumberId} is not registered` };
      const notes: string[] = [];
      for (const tenantId of tenants) notes.push(await inboundForTenant(tenantId, event));
      return { done: true, note: notes.join('; ') };
    },

    /** WhatsApp's own "stop promotions" is an opt-out like STOP; `resume` is noted, never an opt-in by itself. */
    async userPreference(event: Preference): Promise<HandlerOutcome> {
      const p = event.preference;
      if (p.value !== 'stop') return { done: true, note: `user preference ${p.value} noted` };
      const byPhone = event.phoneNumberId ? await deps.registry.tenantsOfPhone(event.phoneNumberId) : [];
      const tenants = byPhone.length ? byPhone : await deps.registry.tenantsOfWaba(event.wabaId);
      if (tenants.length === 0) return { done: true, note: 'no tenant for this number' };
      for (const tenantId of tenants) await optOutAndCancel(tenantId, p.wa_id, 'user_preferences');
      return { done: true, note: 'opted out' };
    },
  };
}
