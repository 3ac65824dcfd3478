import crypto from 'node:crypto';
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
}

const COLUMNS = `id, tenant_id AS "tenantId", wa_id AS "waId", phone_number_id AS "phoneNumberId",
  message_id AS "messageId", text, wamid, status, created_at AS "createdAt", resolved_at AS "resolvedAt",
  forwarded_at AS "forwardedAt", forward_attempts AS "forwardAttempts", forward_error AS "forwardError"`;

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
    }): Promise<EscalationRow | undefined> {
      const res = await pool.query(
        `INSERT INTO escalations (tenant_id, wa_id, phone_number_id, message_id, text, wamid, forward_next_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 THEN now() END)
         ON CONFLICT (tenant_id, wamid) DO NOTHING RETURNING ${COLUMNS}`,
        [e.tenantId, e.waId, e.phoneNumberId, e.messageId ?? null, e.text.slice(0, 4096), e.wamid, e.forward],
      );
      return res.rows[0] as EscalationRow | undefined;
    },

    async list(tenantId: string, f: { status?: string; limit: number }): Promise<EscalationRow[]> {
      const res = await pool.query(
        `SELECT ${COLUMNS} FROM escalations WHERE tenant_id = $1 AND ($2::text IS NULL OR status = $2)
          ORDER BY created_at DESC, id LIMIT $3`,
        [tenantId, f.status ?? null, f.limit],
      );
      return res.rows as EscalationRow[];
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
    async signingSecret(tenantId: string, box: { seal(s: string): string; open(s: string): string }): Promise<string> {
      const fresh = crypto.randomBytes(32).toString('base64url');
      await pool.query(
        `INSERT INTO escalation_signing_keys (tenant_id, secret_enc) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING`,
        [tenantId, box.seal(fresh)],
      );
      const res = await pool.query('SELECT secret_enc FROM escalation_signing_keys WHERE tenant_id = $1', [tenantId]);
      return box.open(res.rows[0].secret_enc as string);
    },
  };
}
