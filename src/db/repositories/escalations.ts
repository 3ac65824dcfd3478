import crypto from 'node:crypto';
import { type SecretBox, secretContext } from '../../secrets';
import type { Pool } from '../pool';

export interface EscalationRow {
  id: string;
  tenantId: string;
  waId: string;
  phoneNumberId: string;
  messageId: string | null;
  text: string;
  wamid: string;
  status: 'open' | 'resolved';
  createdAt: string;
  resolvedAt: string | null;
  forwardedAt: string | null;
  forwardAttempts: number;
  forwardError: string | null;
  keyword: string | null;
  language: string | null;
  /** The conversation's recent messages when the customer asked, oldest first. */
  context: EscalationContextEntry[];
  acknowledgementMessageId: string | null;
  firstAnsweredAt: string | null;
  firstAnsweredBy: string | null;
  lastAnsweredAt: string | null;
  lastAnsweredBy: string | null;
  answers: number;
}

export interface EscalationContextEntry {
  direction: 'inbound' | 'outbound';
  at: string;
  text: string | null;
  type: string;
}

const COLUMNS = `id, tenant_id AS "tenantId", wa_id AS "waId", phone_number_id AS "phoneNumberId",
  message_id AS "messageId", text, wamid, status, created_at AS "createdAt", resolved_at AS "resolvedAt",
  forwarded_at AS "forwardedAt", forward_attempts AS "forwardAttempts", forward_error AS "forwardError",
  keyword, language, context, acknowledgement_message_id AS "acknowledgementMessageId",
  first_answered_at AS "firstAnsweredAt", first_answered_by AS "firstAnsweredBy", last_answered_at AS "lastAnsweredAt",
  last_answered_by AS "lastAnsweredBy", answers`;

export type EscalationsRepo = ReturnType<typeof createEscalationsRepo>;

export function createEscalationsRepo(pool: Pool) {
  return {
    /** One escalation per inbound wamid: a retried event creates nothing new. Returns the row only when new. */
    async create(e: {
      tenantId: string;
      waId: string;
      phoneNumberId: string;
      messageId?: string;
      text: string;
      wamid: string;
      forward: boolean;
      keyword?: string;
      language?: string;
      context?: EscalationContextEntry[];
    }): Promise<EscalationRow | undefined> {
      const res = await pool.query(
        `INSERT INTO escalations (tenant_id, wa_id, phone_number_id, message_id, text, wamid, forward_next_at,
                                  keyword, language, context)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END, $8, $9, $10)
         ON CONFLICT (tenant_id, wamid) DO NOTHING RETURNING ${COLUMNS}`,
        [
          e.tenantId,
          e.waId,
          e.phoneNumberId,
          e.messageId ?? null,
          e.text.slice(0, 4096),
          e.wamid,
          e.forward,
          e.keyword ?? null,
          e.language ?? null,
          JSON.stringify(e.context ?? []),
        ],
      );
      return res.rows[0] as EscalationRow | undefined;
    },

    /** Newest first; `after` is the (created_at as text, id) of the last row of the previous page. */
    async list(
      tenantId: string,
      f: { status?: string; limit: number; after?: string[] },
    ): Promise<(EscalationRow & { sortAt: string })[]> {
      const res = await pool.query(
        `SELECT ${COLUMNS}, created_at::text AS "sortAt" FROM escalations
          WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
            AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
          ORDER BY created_at DESC, id DESC LIMIT $3`,
        [tenantId, f.status ?? null, f.limit, f.after?.[0] ?? null, f.after?.[1] ?? null],
      );
      return res.rows as (EscalationRow & { sortAt: string })[];
    },

    /** Idempotent: resolving a resolved escalation keeps its first resolution time. */
    async resolve(tenantId: string, id: string): Promise<EscalationRow | undefined> {
      const res = await pool.query(
        `UPDATE escalations SET status = 'resolved', resolved_at = COALESCE(resolved_at, now())
          WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [tenantId, id],
      );
      return res.rows[0] as EscalationRow | undefined;
    },

    async get(tenantId: string, id: string): Promise<EscalationRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM escalations WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      return res.rows[0] as EscalationRow | undefined;
    },

    async byWamid(tenantId: string, wamid: string): Promise<EscalationRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM escalations WHERE tenant_id = $1 AND wamid = $2`, [
        tenantId,
        wamid,
      ]);
      return res.rows[0] as EscalationRow | undefined;
    },

    /** The automatic acknowledgement sent to the customer (a session message). */
    async setAcknowledgement(id: string, messageId: string): Promise<void> {
      await pool.query('UPDATE escalations SET acknowledgement_message_id = $2 WHERE id = $1', [id, messageId]);
    },

    /**
     * An agent answered: the first answer (who and when) is kept, the last and the count move on. One escalation
     * (`escalationId`) or every open escalation of the customer. Returns the escalations answered.
     */
    async answered(a: { tenantId: string; waId: string; agent: string; escalationId?: string }): Promise<string[]> {
      const res = await pool.query(
        `UPDATE escalations SET first_answered_at = COALESCE(first_answered_at, now()),
                first_answered_by = COALESCE(first_answered_by, $3), last_answered_at = now(),
                last_answered_by = $3, answers = answers + 1
          WHERE tenant_id = $1 AND wa_id = $2
            AND (CASE WHEN $4::uuid IS NULL THEN status = 'open' ELSE id = $4::uuid END)
          RETURNING id`,
        [a.tenantId, a.waId, a.agent, a.escalationId ?? null],
      );
      return res.rows.map((r: { id: string }) => r.id);
    },

    /**
     * Of these customers, the ones whose automated campaign sends are held now: the tenant holds campaigns
     * during escalations (settings `escalation.holdCampaigns`) and the customer has an open escalation. One
     * statement for a whole batch (docs/conversations.md, "Holding campaigns").
     */
    async heldRecipients(tenantId: string, waIds: readonly string[]): Promise<Set<string>> {
      if (waIds.length === 0) return new Set();
      const res = await pool.query(
        `SELECT DISTINCT e.wa_id FROM escalations e JOIN tenants t ON t.id = e.tenant_id
          WHERE e.tenant_id = $1 AND e.status = 'open' AND e.wa_id = ANY($2::text[])
            AND COALESCE((t.settings->'escalation'->>'holdCampaigns')::boolean, false)`,
        [tenantId, waIds],
      );
      return new Set(res.rows.map((r: { wa_id: string }) => r.wa_id));
    },

    /** Leases due forwards (SKIP LOCKED: several API processes share the work; a dead one's lease runs out). */
    async leaseForwards(limit: number, leaseMs = 30_000): Promise<EscalationRow[]> {
      const res = await pool.query(
        `UPDATE escalations SET forward_next_at = now() + ($2::double precision * interval '1 millisecond')
          WHERE id IN (SELECT id FROM escalations WHERE forward_next_at <= now()
                        ORDER BY forward_next_at LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING ${COLUMNS}`,
        [limit, leaseMs],
      );
      return res.rows as EscalationRow[];
    },

    async markForwarded(id: string): Promise<void> {
      await pool.query(
        `UPDATE escalations SET forwarded_at = now(), forward_next_at = NULL, forward_error = NULL,
                forward_attempts = forward_attempts + 1 WHERE id = $1`,
        [id],
      );
    },

    /** `retryInMs` undefined = give up (the error stays on the row). */
    async markForwardFailed(id: string, error: string, retryInMs: number | undefined): Promise<void> {
      await pool.query(
        `UPDATE escalations SET forward_attempts = forward_attempts + 1, forward_error = $2,
                forward_next_at = CASE WHEN $3::double precision IS NULL THEN NULL
                                       ELSE now() + ($3::double precision * interval '1 millisecond') END
          WHERE id = $1`,
        [id, error.slice(0, 1000), retryInMs ?? null],
      );
    },

    /** The tenant's forwarding secret, created on first use; `seal`/`open` keep it encrypted at rest. */
    async signingSecret(tenantId: string, box: SecretBox): Promise<string> {
      const context = secretContext.escalationSigningKey(tenantId);
      const fresh = crypto.randomBytes(32).toString('base64url');
      await pool.query(
        `INSERT INTO escalation_signing_keys (tenant_id, secret_enc) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`,
        [tenantId, box.seal(fresh, context)],
      );
      const res = await pool.query('SELECT secret_enc FROM escalation_signing_keys WHERE tenant_id = $1', [tenantId]);
      return box.open(res.rows[0].secret_enc as string, context);
    },
  };
}
