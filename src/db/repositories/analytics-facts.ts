import { ANALYTICS_GROUPS, type AnalyticsGroup } from '../../domain/delivery-funnel';
import { deliveredSql } from '../../domain/status';
import { BILLABLE } from './costs';

/**
 * What one message `m` (and its attempts `a`) contributes to the delivery analytics, in SQL (docs/console.md,
 * "Delivery analytics"). Defined once: the page queries count the window's raw rows with these expressions, and
 * the daily rollup counts closed days with the same ones, so the two cannot diverge.
 */

/** The WABA and number that delivered a message (null until one did). */
const VIA_WABA = `m.delivered_via->>'wabaId'`;
const VIA_PHONE = `m.delivered_via->>'phoneNumberId'`;

/**
 * Each grouping as a SQL expression over a message `m` — text that sorts in the group's natural order (ISO times
 * sort chronologically). A message counts under the WABA or number that delivered it, else its latest attempt's
 * (`last`, joined by lastAttempt).
 */
export const KEY: Record<AnalyticsGroup, string> = {
  day: `to_char(date_trunc('day', m.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"00:00:00"Z"')`,
  hour: `to_char(date_trunc('hour', m.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:00:00"Z"')`,
  campaign: `COALESCE(m.campaign_id, '')`,
  template: `m.template_key`,
  waba: `COALESCE(${VIA_WABA}, last.waba_id, '')`,
  phone: `COALESCE(${VIA_PHONE}, last.phone_number_id, '')`,
  country: `COALESCE(m.recipient_country, '')`,
};

/**
 * The latest attempt of a message, one probe of `message_attempts (message_id, seq)` — made only when `needed`
 * (a condition on `m` alone, checked before the probe): a delivered message names its WABA and number itself.
 */
const lastAttempt = (needed: string) => `LEFT JOIN LATERAL (SELECT a.waba_id, a.phone_number_id FROM message_attempts a
    WHERE ${needed} AND a.message_id = m.id AND a.tenant_id = m.tenant_id ORDER BY a.seq DESC LIMIT 1) last ON true`;

/** The join a grouping's KEY needs: the latest attempt for WABA and number, nothing for the others. */
export const KEY_JOIN: Record<AnalyticsGroup, string> = {
  day: '',
  hour: '',
  campaign: '',
  template: '',
  waba: lastAttempt(`${VIA_WABA} IS NULL`),
  phone: lastAttempt(`${VIA_PHONE} IS NULL`),
  country: '',
};

/** The join EVERY_KEY needs. */
export const EVERY_KEY_JOIN = lastAttempt(`(${VIA_WABA} IS NULL OR ${VIA_PHONE} IS NULL)`);

/** A message's attempts `a`, joined as the planner sees fit (the page's ranges have literal bounds it can estimate). */
export const ATTEMPTS_JOIN = `JOIN message_attempts a ON a.message_id = m.id AND a.tenant_id = m.tenant_id`;

/**
 * A message's attempts `a`, probed per message on `message_attempts (message_id, seq)`, for the rollup: OFFSET 0
 * keeps the subquery from being merged into a join the planner, misjudging how many messages a few days hold,
 * would hash over every attempt of the tenant — a day's probes cost far less.
 */
export const ATTEMPTS_PROBED = `CROSS JOIN LATERAL (SELECT a.kind, a.seq, a.pricing FROM message_attempts a
    WHERE a.message_id = m.id AND a.tenant_id = m.tenant_id OFFSET 0) a`;

const DELIVERED = deliveredSql('m.status');

/** The funnel's counts over a group of messages, in the column order of the funnel tables. */
export const FUNNEL_COUNTS = `count(*) AS accepted,
  count(*) FILTER (WHERE m.status IN ('sent', 'delivered', 'read')) AS sent,
  count(*) FILTER (WHERE ${DELIVERED}) AS delivered,
  count(*) FILTER (WHERE m.status = 'read') AS read,
  count(*) FILTER (WHERE m.status = 'failed') AS failed,
  count(*) FILTER (WHERE ${DELIVERED} AND m.delivered_via->>'kind' = 'session') AS recovered`;

/** A failed message's reason (counted only where `m.status = 'failed'`). */
export const FAILURE_REASON = `COALESCE(m.failure->>'reason', 'unknown')`;

/** An attempt's country and billable category (the cost's grouping), then failovers and billable attempts. */
export const ATTEMPT_COUNTRY = `NULLIF(m.recipient_country, '')`;
export const ATTEMPT_CATEGORY = `CASE WHEN ${BILLABLE} THEN a.pricing->>'category' END`;
export const ATTEMPT_COUNTS = `count(*) FILTER (WHERE a.kind = 'template' AND a.seq > 1) AS failovers,
  count(*) FILTER (WHERE ${BILLABLE}) AS billable`;

/**
 * Every grouping's key of a message `m` (with EVERY_KEY_JOIN), as one array in ANALYTICS_GROUPS order: the rollup
 * counts all seven in one pass.
 */
export const EVERY_KEY = `ARRAY[${ANALYTICS_GROUPS.map((g) => KEY[g]).join(', ')}]`;

/** A row per grouping of a message whose EVERY_KEY is `m.keys`: (group_by, key). */
export const EACH_GROUPING = `CROSS JOIN LATERAL unnest('{${ANALYTICS_GROUPS.join(',')}}'::text[], m.keys) AS k(group_by, key)`;
