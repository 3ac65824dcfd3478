import { Router } from 'express';
import { z } from 'zod';
import type { MessagesRepo, MessageRow } from '../../db/repositories/messages';
import type { MessageService } from '../../services/messages';
import { priceMessage, type RateCard } from '../../domain/pricing';
import { safeText } from '../../domain/safe-input';
import { readTenantSettings } from '../../domain/tenant-settings';
import { tenantOf } from '../auth';
import { notFound } from '../errors';
import type { Metrics } from '../metrics';
import { messageIdParams, sendMessageBodySchema } from '../schemas/messages';
import { parse } from '../validate';

export const cancelBody = z.object({ reason: safeText(500).default('cancelled by API') }).strict();

export function messageView(
  rateCard: RateCard | undefined,
  row: MessageRow,
  attempts: Awaited<ReturnType<MessagesRepo['attempts']>>,
  events: Awaited<ReturnType<MessagesRepo['events']>>,
) {
  return {
    id: row.id,
    status: row.status,
    to: `+${row.recipient}`,
    template: row.templateKey,
    language: row.language,
    campaignId: row.campaignId,
    idempotencyKey: row.idempotencyKey,
    workflowId: row.workflowId,
    deliveredVia: row.deliveredVia ?? undefined,
    failure: row.failure ?? undefined,
    attempts: attempts.map((a) => ({
      attemptId: a.id,
      kind: a.kind,
      wabaId: a.wabaId,
      phoneNumberId: a.phoneNumberId,
      templateId: a.templateId,
      templateName: a.templateName,
      wamid: a.wamid,
      outcome: a.status,
      errorCode: a.errorCode,
      pricing: a.pricing ?? undefined,
      at: a.createdAt,
    })),
    timeline: events.map((e) => ({ type: e.type, at: e.at, ...e.data })),
    cost: priceMessage(
      row.recipient,
      attempts.map((a) => ({ attemptId: a.id, kind: a.kind, pricing: a.pricing })),
      rateCard,
    ),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function messagesRouter(deps: { service: MessageService; messages: MessagesRepo; metrics: Metrics }): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const body = parse(req, 'body', sendMessageBodySchema);
    const { message, created, started } = await deps.service.submit(tenantOf(res), body);
    deps.metrics.messagesAccepted.inc({ created: String(created) });
    if (started) deps.metrics.messageWorkflowStarts.inc({ eager: String(started.eagerlyStarted) });
    res
      .status(202)
      .location(`/v1/messages/${message.id}`)
      .json({ id: message.id, status: message.status, idempotencyKey: message.idempotencyKey, created });
  });

  router.get('/:id', async (req, res) => {
    const { id } = parse(req, 'params', messageIdParams);
    const tenant = tenantOf(res);
    const row = await deps.messages.get(tenant.id, id);
    if (!row) throw notFound('message');
    const [attempts, events, live] = await Promise.all([
      deps.messages.attempts(tenant.id, id),
      deps.messages.events(tenant.id, id),
      deps.service.liveState(row),
    ]);
    const card = readTenantSettings(tenant.settings).rateCard;
    res.json({ ...messageView(card, row, attempts, events), ...(live ? { live } : {}) });
  });

  router.post('/:id/cancel', async (req, res) => {
    const { id } = parse(req, 'params', messageIdParams);
    const { reason } = parse(req, 'body', cancelBody);
    const row = await deps.messages.get(tenantOf(res).id, id);
    if (!row) throw notFound('message');
    await deps.service.cancel(row, reason);
    res.status(202).json({ id, status: 'cancelling' });
  });

  return router;
}
