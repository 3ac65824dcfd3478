import { Router } from 'express';
import type { AnalyticsRepo } from '../../db/repositories/analytics';
import type { AnalyticsRollupRepo } from '../../db/repositories/analytics-rollup';
import type { CostsRepo } from '../../db/repositories/costs';
import { funnelRates, type DeliveryFunnel } from '../../domain/delivery-funnel';
import { lineAmount, ratesFor } from '../../domain/pricing';
import { readTenantSettings } from '../../domain/tenant-settings';
import { tenantOf } from '../auth';
import { decodeCursor, pageOf } from '../pagination';
import { deliveryAnalyticsQuery } from '../schemas/analytics';
import { parse } from '../validate';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * GET /v1/analytics/delivery: the delivery funnel per day, hour, campaign, template, WABA, number or country, one
 * page of groups at a time (the shared cursor pagination). Counted in SQL, from the daily rollup where it is current
 * (rolled up here first) and from the rows elsewhere; attempts are priced with the tenant's rate card exactly as
 * the cost summary prices them.
 */
export function analyticsRouter(deps: {
  analytics: AnalyticsRepo;
  rollup: AnalyticsRollupRepo;
  costs: CostsRepo;
}): Router {
  const router = Router();
  router.get('/delivery', async (req, res) => {
    const q = parse(req, 'query', deliveryAnalyticsQuery);
    const tenant = tenantOf(res);
    const card = readTenantSettings(tenant.settings).rateCard;
    // Countries first: filling one on a rolled-up day marks that day changed, so the refresh counts it again.
    await deps.costs.fillCountries(tenant.id);
    await deps.rollup.refresh(tenant.id, q.from, q.to);
    const query = {
      tenantId: tenant.id,
      from: q.from,
      to: q.to,
      groupBy: q.groupBy,
      after: decodeCursor(q.cursor, 1)?.[0],
      limit: q.limit,
    };
    const { funnel: rows, failures, attempts } = await deps.analytics.page(query);
    const byKey = new Map(
      rows.map((r) => [r.key, { failedByReason: {} as Record<string, number>, failovers: 0, cost: 0 }]),
    );
    for (const f of failures) byKey.get(f.key)!.failedByReason[f.reason] = f.n;
    for (const a of attempts) {
      const g = byKey.get(a.key)!;
      g.failovers += a.failovers;
      if (a.category) g.cost += lineAmount(ratesFor(a.country, card), a.category) * a.billable;
    }
    const page = pageOf(
      rows,
      q.limit,
      (r) => [r.key],
      (r): DeliveryFunnel => {
        const g = byKey.get(r.key)!;
        const funnel = { ...r, recoveredByFallback: r.recovered };
        return {
          key: r.key,
          accepted: r.accepted,
          sent: r.sent,
          delivered: r.delivered,
          read: r.read,
          failed: r.failed,
          failedByReason: g.failedByReason,
          recoveredByFallback: r.recovered,
          failovers: g.failovers,
          cost: round(g.cost),
          rates: funnelRates(funnel),
        };
      },
    );
    res.json({ groupBy: q.groupBy, from: q.from, to: q.to, currency: 'USD', ...page });
  });
  return router;
}
