import type { Pool } from '../pool';

export interface InboundRecord {
  tenantId: string;
  wamid: string;
  waId: string;
  phoneNumberId: string;
  type: string;
  text?: string;
  payload?: string;
  contextWamid?: string;
  at: string;
}

/** One entry of a thread: a customer's message, or one of ours (template or session) with its attempts. */
export interface ThreadEntry {
  direction: 'inbound' | 'outbound';
  id: string;
  at: string;
  phoneNumberId: string | null;
  type: string;
  text: string | null;
  payload: string | null;
  contextWamid: string | null;
  status: string | null;
  agent: string | null;
  attempts: { kind: string; phoneNumberId: string; wamid: string | null; status: string; errorCode: number | null }[];
}

export type ConversationsRepo = ReturnType<typeof createConversationsRepo>;

/** Threads (docs/conversations.md): inbound messages stored here, outbound read from the message ledger. */
export function createConversationsRepo(pool: Pool) {
  return {
    /** Idempotent: a retried webhook event stores nothing new. */
    async recordInbound(m: InboundRecord): Promise<void> {
      await pool.query(
        `INSERT INTO inbound_messages (tenant_id, wamid, wa_id, phone_number_id, type, text, payload, context_wamid, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (tenant_id, wamid) DO NOTHING`,
        [
          m.tenantId,
          m.wamid,
          m.waId,
          m.phoneNumberId,
          m.type,
          m.text?.slice(0, 4096) ?? null,
          m.payload?.slice(0, 1000) ?? null,
          m.contextWamid ?? null,
          m.at,
        ],
      );
    },

    /**
     * Newest first, `limit` entries strictly before the cursor (at, id). Outbound entries are `messages` rows: a
     * session message's text is its summary, a template's its template key; attempts carry the folded statuses.
     */
    async thread(
      tenantId: string,
      waId: string,
      page: { limit: number; before?: { at: string; id: string } },
    ): Promise<ThreadEntry[]> {
      const res = await pool.query(
        `SELECT * FROM (
           SELECT 'inbound' AS direction, i.wamid AS id, i.at, i.phone_number_id AS "phoneNumberId", i.type, i.text,
                  i.payload, i.context_wamid AS "contextWamid", NULL::text AS status, NULL::text AS agent,
                  '[]'::jsonb AS attempts
             FROM inbound_messages i WHERE i.tenant_id = $1 AND i.wa_id = $2
           UNION ALL
           SELECT 'outbound', m.id::text, m.created_at, m.request->>'phoneNumberId',
                  CASE WHEN m.kind = 'session' THEN m.request->'content'->>'type' ELSE 'template' END,
                  CASE WHEN m.kind = 'session' THEN m.request->>'summary' ELSE m.template_key END,
                  NULL, NULL, m.status, m.request->>'agent',
                  COALESCE((SELECT jsonb_agg(jsonb_build_object('kind', a.kind, 'phoneNumberId', a.phone_number_id,
                              'wamid', a.wamid, 'status', a.status, 'errorCode', a.error_code) ORDER BY a.seq)
                              FROM message_attempts a WHERE a.message_id = m.id), '[]'::jsonb)
             FROM messages m WHERE m.tenant_id = $1 AND m.recipient = $2
         ) t
         WHERE $3::timestamptz IS NULL OR (t.at, t.id) < ($3::timestamptz, $4::text)
         ORDER BY t.at DESC, t.id DESC LIMIT $5`,
        [tenantId, waId, page.before?.at ?? null, page.before?.id ?? '', page.limit],
      );
      return res.rows as ThreadEntry[];
    },

    /** Creates the ledger row of a session message unless the idempotency key exists. */
    async createSessionMessage(m: {
      id: string;
      tenantId: string;
      idempotencyKey: string;
      workflowId: string;
      recipient: string;
      request: Record<string, unknown>;
    }): Promise<{
      id: string;
      workflowId: string;
      status: string;
      request: Record<string, unknown>;
      created: boolean;
    }> {
      const inserted = await pool.query(
        `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, kind, request)
         VALUES ($1, $2, $3, $4, $5, '', '', 'session', $6)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING RETURNING id, workflow_id AS "workflowId", status, request`,
        [m.id, m.tenantId, m.idempotencyKey, m.workflowId, m.recipient, m.request],
      );
      if (inserted.rowCount) return { ...inserted.rows[0], created: true };
      const existing = await pool.query(
        `SELECT id, workflow_id AS "workflowId", status, request FROM messages WHERE tenant_id = $1 AND idempotency_key = $2`,
        [m.tenantId, m.idempotencyKey],
      );
      return { ...existing.rows[0], created: false };
    },
  };
}
