import type { SendParameters } from '../../domain/send-parameters';
import type { Pool, PoolClient } from '../pool';

export interface NewRecipient {
  to: string;
  ref?: string;
  parameters?: SendParameters;
}

export interface RecipientRow {
  messageId: string;
  to: string;
  ref: string | null;
  status: string;
  failure: { reason?: string; code?: number } | null;
  deliveredVia: Record<string, unknown> | null;
  round: number | null;
  seq: number;
  updatedAt: string;
}

/** One aggregate row: how many recipients share a status, queue state and failure reason. */
export interface StatsRow {
  status: string;
  queue: string | null;
  reason: string | null;
  session: boolean;
  n: number;
}

/** Attempts that Meta priced, grouped small enough to price in Node (a representative recipient per prefix). */
export interface CostGroupRow {
  recipient: string;
  kind: string;
  category: string | null;
  type: string | null;
  billable: boolean | null;
  n: number;
}

export type CampaignRecipientsRepo = ReturnType<typeof createCampaignRecipientsRepo>;

/** The recipient side of campaigns: bulk inserts, pages, exports and aggregates, all set-based. */
export function createCampaignRecipientsRepo(pool: Pool) {
  return {
    /**
     * Appends recipients with one statement; a recipient already in the campaign (the idempotency key
     * `campaign:<id>:<wa_id>`) is skipped. Returns the wa_ids that were added.
     */
    async insert(
      db: Pool | PoolClient,
      c: { tenantId: string; campaignId: string; templateKey: string; language: string },
      rows: readonly NewRecipient[],
    ): Promise<Set<string>> {
      if (rows.length === 0) return new Set();
      const res = await db.query(
        `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id,
                               request, driven_by, campaign_seq, campaign_ref, campaign_queue, campaign_queue_at, campaign_round)
         SELECT gen_random_uuid(), $1::uuid, 'campaign:' || $2::text || ':' || r.wa,
                'msg:' || $1::text || ':campaign:' || $2::text || ':' || r.wa, r.wa, $3, $4, $2::text, CASE WHEN r.params IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('parameters', r.params) END,
                'campaign', nextval('messages_campaign_seq'), r.ref, 'queued', now(),
                (SELECT round FROM campaigns WHERE id = $2::uuid)
           FROM unnest($5::text[], $6::text[], $7::jsonb[]) WITH ORDINALITY AS r(wa, ref, params, ord)
          ORDER BY r.ord
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
         RETURNING recipient`,
        [
          c.tenantId,
          c.campaignId,
          c.templateKey,
          c.language,
          rows.map((r) => r.to),
          rows.map((r) => r.ref ?? null),
          rows.map((r) => (r.parameters ? JSON.stringify(r.parameters) : null)),
        ],
      );
      return new Set(res.rows.map((r: { recipient: string }) => r.recipient));
    },

    /** A page of recipients in upload order, optionally of one status; the cursor is the last row's seq. */
    async page(
      tenantId: string,
      campaignId: string,
      opts: { status?: string; afterSeq?: number; limit: number },
    ): Promise<RecipientRow[]> {
      const res = await pool.query(
        `SELECT id AS "messageId", recipient AS "to", campaign_ref AS ref, status, failure, delivered_via AS "deliveredVia",
                campaign_round AS round, campaign_seq AS seq, updated_at AS "updatedAt"
           FROM messages
          WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_seq > $3 AND ($4::text IS NULL OR status = $4)
          ORDER BY campaign_seq LIMIT $5`,
        [tenantId, campaignId, opts.afterSeq ?? 0, opts.status ?? null, opts.limit],
      );
      return res.rows as RecipientRow[];
    },

    /** Counts by status, queue state and failure reason: one scan, no rows in Node. */
    async stats(tenantId: string, campaignId: string): Promise<StatsRow[]> {
      const res = await pool.query(
        `SELECT status, campaign_queue AS queue, CASE WHEN status = 'failed' THEN failure->>'reason' END AS reason,
                COALESCE(delivered_via->>'kind' = 'session', false) AS session, count(*)::int AS n
           FROM messages WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_seq IS NOT NULL
          GROUP BY 1, 2, 3, 4`,
        [tenantId, campaignId],
      );
      return res.rows as StatsRow[];
    },

    /** Priced attempts grouped by recipient prefix (country), kind and Meta's pricing category. */
    async costGroups(tenantId: string, campaignId: string): Promise<CostGroupRow[]> {
      const res = await pool.query(
        `SELECT min(m.recipient) AS recipient, a.kind, a.pricing->>'category' AS category, a.pricing->>'type' AS type,
                (a.pricing->>'billable')::boolean AS billable, count(*)::int AS n
           FROM messages m JOIN message_attempts a ON a.message_id = m.id
          WHERE m.tenant_id = $1 AND m.campaign_id = $2 AND m.campaign_seq IS NOT NULL AND a.pricing IS NOT NULL
          GROUP BY left(m.recipient, 5), 2, 3, 4, 5`,
        [tenantId, campaignId],
      );
      return res.rows as CostGroupRow[];
    },
  };
}
