import { Router } from 'express';
import { z } from 'zod';
import type { MessagesRepo } from '../../db/repositories/messages';
import { priceMessage, type PricedAttempt } from '../../domain/pricing';
import { readTenantSettings } from '../../domain/tenant-settings';
import { tenantOf } from '../auth';
import { parse } from '../validate';

export const summaryQuery = z
  .object({ campaignId: z.string().min(1).max(200).optional(), since: z.iso.datetime({ offset: true }).optional() })
  .strict();

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/** GET /v1/costs/summary: what the tenant's messages cost, and what each one recovered by fallback cost. */
export function costsRouter(deps: { messages: MessagesRepo }): Router {
  const router = Router();
  router.get('/summary', async (req, res) => {
    const filter = parse(req, 'query', summaryQuery);
    const tenant = tenantOf(res);
    const card = readTenantSettings(tenant.settings).rateCard;
    const rows = await deps.messages.costRows(tenant.id, filter);
    const byMessage = new Map<
      string,
      { recipient: string; status: string; kind: string | null; attempts: PricedAttempt[] }
    >();
    for (const r of rows) {
      const m = byMessage.get(r.messageId) ?? {
        recipient: r.recipient,
        status: r.status,
        kind: r.deliveredKind,
        attempts: [],
      };
      if (r.attemptId) m.attempts.push({ attemptId: r.attemptId, kind: r.kind ?? 'template', pricing: r.pricing });
      byMessage.set(r.messageId, m);
    }
    let total = 0;
    let recoveredCost = 0;
    let delivered = 0;
    let recovered = 0;
    const byCategory: Record<string, number> = {};
    for (const m of byMessage.values()) {
      const cost = priceMessage(m.recipient, m.attempts, card);
      total += cost.total;
      for (const l of cost.lines)
        if (l.billable && l.category) byCategory[l.category] = round((byCategory[l.category] ?? 0) + l.amount);
      if (m.status === 'delivered' || m.status === 'read') {
        delivered += 1;
        if (m.kind === 'session') {
          recovered += 1;
          recoveredCost += cost.total;
        }
      }
    }
    res.json({
      currency: 'USD',
      messages: byMessage.size,
      delivered,
      recoveredByFallback: recovered,
      totalCost: round(total),
      byCategory,
      costPerDeliveredMessage: delivered ? round(total / delivered) : null,
      costPerRecoveredMessage: recovered ? round(recoveredCost / recovered) : null,
    });
  });
  return router;
}
