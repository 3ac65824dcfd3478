import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { startOnce } from '../start-once';
import type { ContactsRepo } from '../../db/repositories/contacts';
import type { ConversationsRepo } from '../../db/repositories/conversations';
import type { EscalationsRepo } from '../../db/repositories/escalations';
import type { TenantRow } from '../../db/repositories/tenants';
import { replyWindow } from '../../domain/conversations/service-window';
import { sessionPayload, sessionSummary, type SessionContent } from '../../domain/conversations/session-payload';
import { SA } from '../../domain/search-attributes';
import { readTenantSettings } from '../../domain/tenant-settings';
import { ServiceError } from '../errors';
import {
  conversationWorkflowId,
  type ConversationMessageInput,
  type ConversationMessageWorkflow,
} from '../../../workflows/definitions';

/**
 * A `POST /v1/conversations/:waId/messages` body as the service reads it, after the API edge validated it
 * (src/api/schemas/conversations.ts; its output must fit this, which the route's call checks at compile time).
 */
export type SessionMessageRequest = SessionContent & { agent?: string; escalationId?: string; idempotencyKey?: string };

export interface SessionMessagesDeps {
  conversations: ConversationsRepo;
  contacts: ContactsRepo;
  escalations: EscalationsRepo;
  temporal: Client;
  taskQueue: string;
  /** The clock of the service-window check (tests move it with the simulator's). */
  now: () => number;
}

export interface Accepted {
  id: string;
  status: string;
  created: boolean;
  phoneNumberId: string;
  windowClosesAt?: string;
  escalationsAnswered: string[];
}

/** The window error of the contract: 409 `window_closed`, when it closed, and that a template is needed. */
function windowClosed(waId: string, w: { phoneNumberId: string; closesAt: string; lastInboundAt: string } | undefined) {
  const message = w
    ? `the 24 h service window with +${waId} on number ${w.phoneNumberId} closed at ${w.closesAt}; send a template message (POST /v1/messages) instead`
    : `+${waId} has never written to this business, so there is no service window; send a template message (POST /v1/messages) instead`;
  return new ServiceError('window_closed', message, [
    {
      field: 'waId',
      message: 'outside the 24 h customer service window: a template is needed',
      closedAt: w?.closesAt ?? null,
      lastInboundAt: w?.lastInboundAt ?? null,
      phoneNumberId: w?.phoneNumberId ?? null,
      templateRequired: true,
    },
  ]);
}

/**
 * Free-form session messages (docs/conversations.md): an agent's answer or Lifeline's own acknowledgement, from
 * the number the customer last wrote to, only inside that number's 24 h window. The API checks the window so a
 * closed one never starts anything; the send activity checks it again right before calling Meta.
 */
export function createSessionMessages(deps: SessionMessagesDeps) {
  /** Records and starts one session message (idempotent by key); no window check: callers decide. */
  async function start(
    to: { tenantId: string; waId: string; phoneNumberId: string; statusTimeoutMs: number },
    content: SessionContent,
    meta: { idempotencyKey?: string; agent?: string; escalationId?: string },
  ) {
    const { tenantId, waId, phoneNumberId } = to;
    const id = crypto.randomUUID();
    const key = meta.idempotencyKey ?? id;
    const requestHash = crypto
      .createHash('sha256')
      .update(JSON.stringify({ waId, content, agent: meta.agent, escalationId: meta.escalationId }))
      .digest('hex');
    const row = await deps.conversations.createSessionMessage({
      id,
      tenantId,
      idempotencyKey: key,
      workflowId: conversationWorkflowId(tenantId, key),
      recipient: waId,
      request: { content, summary: sessionSummary(content), phoneNumberId, ...meta, requestHash },
    });
    if (!row.created && row.request.requestHash !== requestHash) {
      throw new ServiceError('idempotency_conflict', 'this idempotencyKey was used with a different request');
    }
    const input: ConversationMessageInput = {
      tenantId,
      messageId: row.id,
      recipient: waId,
      // A repeat sends from the number the first call chose.
      phoneNumberId: (row.request.phoneNumberId as string | undefined) ?? phoneNumberId,
      payload: { ...sessionPayload(content) },
      statusTimeoutMs: to.statusTimeoutMs,
    };
    await startOnce<ConversationMessageWorkflow>(deps.temporal, 'conversationMessage', {
      workflowId: row.workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: SA.tenant, value: tenantId },
        { key: SA.recipient, value: waId },
        { key: SA.status, value: 'accepted' },
      ],
      staticSummary: `session ${content.type} → +${waId}${meta.agent ? ` (${meta.agent})` : ''}`,
    });
    return { id: row.id, status: row.status, created: row.created, phoneNumberId: input.phoneNumberId };
  }

  return {
    start,

    /** POST /v1/conversations/:waId/messages. */
    async send(tenant: TenantRow, waId: string, body: SessionMessageRequest): Promise<Accepted> {
      const { agent, escalationId, idempotencyKey, ...content } = body;
      if (escalationId) {
        const e = await deps.escalations.get(tenant.id, escalationId);
        if (!e || e.waId !== waId) throw new ServiceError('not_found', 'escalation not found for this contact');
      }
      const contact = await deps.contacts.get(tenant.id, waId);
      const window = replyWindow(contact?.lastInbound ?? {}, deps.now());
      if (!window?.open) throw windowClosed(waId, window);
      const statusTimeoutMs = readTenantSettings(tenant.settings).timing.statusTimeout;
      const to = { tenantId: tenant.id, waId, phoneNumberId: window.phoneNumberId, statusTimeoutMs };
      const sent = await start(to, content as SessionContent, {
        idempotencyKey,
        agent,
        escalationId,
      });
      // An answer counts once, when it is first accepted (a repeated request is the same answer).
      const escalationsAnswered =
        agent && sent.created
          ? await deps.escalations.answered({ tenantId: tenant.id, waId, agent, escalationId })
          : [];
      return { ...sent, windowClosesAt: window.closesAt, escalationsAnswered };
    },
  };
}

export type SessionMessages = ReturnType<typeof createSessionMessages>;
