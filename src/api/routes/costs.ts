import { Router } from 'express';
import { z } from 'zod';
import type { CostsRepo } from '../../db/repositories/costs';
import { lineAmount, ratesFor } from '../../domain/pricing';
import { isoDateTime, safeText } from '../../domain/safe-input';
import { readTenantSettings } from '../../domain/tenant-settings';
import { tenantOf } from '../auth';
import { parse } from '../validate';

export const summaryQuery = z.object({ campaignId: safeText(200).optional(), since: isoDateTime.optional() }).strict();

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * GET /v1/costs/summary: what the tenant's messages cost, and what each one recovered by fallback cost. Counted in
 * SQL (billable attempts per country and category), priced here with the same rates as a single message's cost.
 */
export function costsRouter(deps: { costs: CostsRepo }): Router {
  const router = Router();
  router.get('/summary', async (req, res) => {
    const filter = parse(req, 'query', summaryQuery);
    const tenant = tenantOf(res);
    const card = readTenantSettings(tenant.settings).rateCard;
    await deps.costs.fillCountries(tenant.id);
    const [counts, groups] = await Promise.all([
      deps.costs.messageCounts(tenant.id, filter),
      deps.costs.billableGroups(tenant.id, filter),
    ]);
    let total = 0;
    let recoveredCost = 0;
    const byCategory: Record<string, number> = {};
    for (const g of groups) {
      const amount = lineAmount(ratesFor(g.country, card), g.category) * g.attempts;
      total += amount;
      if (g.recovered) recoveredCost += amount;
      byCategory[g.category] = round((byCategory[g.category] ?? 0) + amount);
    }
    res.json({
      currency: 'USD',
      messages: counts.messages,
      delivered: counts.delivered,
      recoveredByFallback: counts.recovered,
      totalCost: round(total),
      byCategory,
      costPerDeliveredMessage: counts.delivered ? round(total / counts.delivered) : null,
      costPerRecoveredMessage: counts.recovered ? round(recoveredCost / counts.recovered) : null,
    });
  });
  return router;
}
