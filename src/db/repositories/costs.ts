import { countryOf } from '../../domain/pricing';
import { deliveredSql } from '../../domain/status';
import type { Pool } from '../pool';

export interface CostFilter {
  campaignId?: string;
  since?: string;
}

/** Billable attempts counted per (country, category, recovered): what the cost summary multiplies by the rates. */
export interface BillableGroup {
  country: string | null;
  category: string;
  recovered: boolean;
  attempts: number;
}

const FILTER = `m.tenant_id = $1 AND ($2::text IS NULL OR m.campaign_id = $2)
  AND ($3::timestamptz IS NULL OR m.created_at >= $3)`;
const DELIVERED = deliveredSql('m.status');
const RECOVERED = `(${DELIVERED} AND m.delivered_via->>'kind' = 'session')`;
/** The SQL form (over attempts `a`) of priceMessage's "billable" rule (src/domain/pricing.ts): keep the two in step. */
export const BILLABLE = `jsonb_typeof(a.pricing) = 'object' AND a.pricing->>'category' <> ''
  AND COALESCE(a.pricing->>'billable', 'true') <> 'false'
  AND COALESCE(a.pricing->>'type', '') NOT IN ('free_customer_service', 'free_entry_point')`;

export type CostsRepo = ReturnType<typeof createCostsRepo>;

/**
 * The cost summary's reads, aggregated in SQL (docs/security.md, "Unbounded work"): the answer is a handful of
 * groups however many messages and attempts the tenant has.
 */
export function createCostsRepo(pool: Pool) {
  return {
    /**
     * Fills messages.recipient_country where it is missing (countries come from libphonenumber, not SQL), a page of
     * distinct recipients at a time; '' marks a number no country claims, so it is not looked at again.
     */
    async fillCountries(tenantId: string, pageSize = 2000): Promise<number> {
      let filled = 0;
      for (;;) {
        const res = await pool.query(
          `SELECT DISTINCT recipient FROM messages WHERE tenant_id = $1 AND recipient_country IS NULL LIMIT $2`,
          [tenantId, pageSize],
        );
        const recipients = (res.rows as { recipient: string }[]).map((r) => r.recipient);
        if (recipients.length === 0) return filled;
        const upd = await pool.query(
          `UPDATE messages m SET recipient_country = v.country
             FROM unnest($2::text[], $3::text[]) AS v(recipient, country)
            WHERE m.tenant_id = $1 AND m.recipient = v.recipient AND m.recipient_country IS NULL`,
          [tenantId, recipients, recipients.map((r) => countryOf(r) ?? '')],
        );
        filled += upd.rowCount ?? 0;
      }
    },

    async messageCounts(tenantId: string, f: CostFilter) {
      const res = await pool.query(
        `SELECT count(*)::int AS messages, count(*) FILTER (WHERE ${DELIVERED})::int AS delivered,
                count(*) FILTER (WHERE ${RECOVERED})::int AS recovered
           FROM messages m WHERE ${FILTER}`,
        [tenantId, f.campaignId ?? null, f.since ?? null],
      );
      return res.rows[0] as { messages: number; delivered: number; recovered: number };
    },

    async billableGroups(tenantId: string, f: CostFilter): Promise<BillableGroup[]> {
      const res = await pool.query(
        `SELECT NULLIF(m.recipient_country, '') AS country, a.pricing->>'category' AS category,
                ${RECOVERED} AS recovered, count(*)::int AS attempts
           FROM messages m JOIN message_attempts a ON a.message_id = m.id AND a.tenant_id = m.tenant_id
          WHERE ${FILTER} AND ${BILLABLE}
          GROUP BY 1, 2, 3`,
        [tenantId, f.campaignId ?? null, f.since ?? null],
      );
      return res.rows as BillableGroup[];
    },
  };
}
