import type { ConversationsRepo } from '../../db/repositories/conversations';
import type { EscalationContextEntry, EscalationsRepo } from '../../db/repositories/escalations';
import { acknowledgementText } from '../../domain/conversations/acknowledgement';
import type { TenantSettings } from '../../domain/tenant-settings';
import type { SessionMessages } from './session-messages';

export interface EscalationRequest {
  tenantId: string;
  settings: TenantSettings;
  waId: string;
  phoneNumberId: string;
  wamid: string;
  text: string;
  keyword: string;
  language: string;
  /** The message the customer's inbound answers, if any. */
  messageId?: string;
}

/**
 * A customer asked for a human (docs/conversations.md, "Escalation"): the escalation is recorded with the
 * conversation's recent context, forwarded to the tenant's desk, and — when the tenant enabled it — acknowledged
 * to the customer with the tenant's human path. Idempotent per inbound wamid: a retried event forwards and
 * acknowledges nothing twice, and finishes an acknowledgement a crash interrupted.
 */
export function createEscalate(deps: {
  escalations: EscalationsRepo;
  conversations: ConversationsRepo;
  sessions: SessionMessages;
  forwarder: { kick(): void };
}) {
  async function recentContext(r: EscalationRequest): Promise<EscalationContextEntry[]> {
    const limit = r.settings.escalation.contextMessages;
    if (limit === 0) return [];
    const entries = await deps.conversations.thread(r.tenantId, r.waId, { limit });
    return entries
      .reverse()
      .map((e) => ({ direction: e.direction, at: new Date(e.at).toISOString(), text: e.text, type: e.type }));
  }

  return async function escalate(r: EscalationRequest): Promise<string> {
    const forward = r.settings.escalationWebhookUrl !== undefined;
    const created = await deps.escalations.create({
      tenantId: r.tenantId,
      waId: r.waId,
      phoneNumberId: r.phoneNumberId,
      messageId: r.messageId,
      text: r.text,
      wamid: r.wamid,
      forward,
      keyword: r.keyword,
      language: r.language,
      context: await recentContext(r),
    });
    if (created && forward) deps.forwarder.kick();
    const row = created ?? (await deps.escalations.byWamid(r.tenantId, r.wamid));
    if (!row || !r.settings.escalation.enabled || row.acknowledgementMessageId) return 'escalated';
    const to = {
      tenantId: r.tenantId,
      waId: r.waId,
      phoneNumberId: r.phoneNumberId,
      statusTimeoutMs: r.settings.timing.statusTimeout,
    };
    const ack = await deps.sessions.start(
      to,
      { type: 'text', text: acknowledgementText(r.settings.escalation, r.language) },
      { idempotencyKey: `escalation-ack:${row.id}` },
    );
    await deps.escalations.setAcknowledgement(row.id, ack.id);
    return 'escalated, acknowledged';
  };
}

export type Escalate = ReturnType<typeof createEscalate>;
