import { z } from 'zod';
import { ANALYTICS_GROUPS } from '../../domain/delivery-funnel';
import { isoDateTime } from '../../domain/safe-input';
import { pageQueryShape } from '../pagination';

const DAY_MS = 86_400_000;
/** The widest window one query may cover: a year and a bit, so an hourly page stays an index range. */
export const MAX_RANGE_DAYS = 400;

/** `GET /v1/analytics/delivery` query: a window of message creation times, a grouping, and a page. */
export const deliveryAnalyticsQuery = z
  .object({
    from: isoDateTime,
    to: isoDateTime,
    groupBy: z.enum(ANALYTICS_GROUPS).default('day'),
    ...pageQueryShape,
  })
  .strict()
  .superRefine((q, ctx) => {
    const span = Date.parse(q.to) - Date.parse(q.from);
    if (span <= 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must be after from' });
    else if (span > MAX_RANGE_DAYS * DAY_MS)
      ctx.addIssue({ code: 'custom', path: ['to'], message: `must be at most ${MAX_RANGE_DAYS} days after from` });
  });
export type DeliveryAnalyticsQuery = z.infer<typeof deliveryAnalyticsQuery>;
