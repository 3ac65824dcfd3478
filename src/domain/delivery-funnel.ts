/** The groupings the delivery analytics count by (docs/console.md, "Delivery analytics"). */
export const ANALYTICS_GROUPS = ['day', 'hour', 'campaign', 'template', 'waba', 'phone', 'country'] as const;
export type AnalyticsGroup = (typeof ANALYTICS_GROUPS)[number];

/** One group's delivery funnel as the analytics API answers it (docs/console.md, "Delivery analytics"). */
export interface DeliveryFunnel {
  key: string;
  accepted: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  failedByReason: Record<string, number>;
  recoveredByFallback: number;
  failovers: number;
  cost: number;
  rates: { delivery: number | null; read: number | null; failure: number | null; recovery: number | null };
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 1e4) / 1e4 : null);

/** Rates of a funnel (pure): delivered and failed over accepted, read over delivered, recovered over delivered. */
export function funnelRates(
  f: Pick<DeliveryFunnel, 'accepted' | 'delivered' | 'read' | 'failed' | 'recoveredByFallback'>,
) {
  return {
    delivery: ratio(f.delivered, f.accepted),
    read: ratio(f.read, f.delivered),
    failure: ratio(f.failed, f.accepted),
    recovery: ratio(f.recoveredByFallback, f.delivered),
  };
}
