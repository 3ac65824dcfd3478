import { IN_FLIGHT_STATUSES, MESSAGE_STATUS_RANK, messageStatusForwardSql } from '../../domain/message-status';
import type { TimelineEventType } from '../../domain/timeline';
import type { Pool } from '../pool';

export interface MessageRow {
  id: string;
  tenantId: string;
  idempotencyKey: string;
  workflowId: string;
  recipient: string;
  templateKey: string;
  language: string;
  campaignId: string | null;
  request: Record<string, unknown>;
  status: string;
  deliveredVia: Record<string, unknown> | null;
  failure: Record<string, unknown> | null;
  createdAt: string;
  updatedAt: string;
}

export interface AttemptRow {
  id: string;
  seq: number;
  kind: string;
  wabaId: string | null;
  phoneNumberId: string;
  templateId: string | null;
  templateName: string | null;
  wamid: string | null;
  status: string;
  errorCode: number | null;
  error: Record<string, unknown> | null;
  pricing: Record<string, unknown> | null;
  /** Requests for this attempt handed to Meta (migration 060). */
  requests: number;
  createdAt: string;
  updatedAt: string;
}

export interface EventRow {
  type: string;
  data: Record<string, unknown>;
  at: string;
}

const MESSAGE_COLUMNS = `id, tenant_id AS "tenantId", idempotency_key AS "idempotencyKey", workflow_id AS "workflowId",
  recipient, template_key AS "templateKey", language, campaign_id AS "campaignId", request, status,
  delivered_via AS "deliveredVia", failure, created_at AS "createdAt", updated_at AS "updatedAt"`;

const ATTEMPT_COLUMNS = `id, seq, kind, waba_id AS "wabaId", phone_number_id AS "phoneNumberId",
  template_id AS "templateId", template_name AS "templateName", wamid, status, error_code AS "errorCode", error,
  pricing, requests, created_at AS "createdAt", updated_at AS "updatedAt"`;

export type MessagesRepo = ReturnType<typeof createMessagesRepo>;

export function createMessagesRepo(pool: Pool) {
  return {
    /** Inserts the message unless the idempotency key exists; returns the stored row and whether it is new. */
    async createOrGet(m: {
      id: string;
      tenantId: string;
      idempotencyKey: string;
      workflowId: string;
      recipient: string;
      templateKey: string;
      language: string;
      campaignId?: string;
      request: Record<string, unknown>;
    }): Promise<{ message: MessageRow; created: boolean }> {
      const inserted = await pool.query(
        `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id, request)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
         RETURNING ${MESSAGE_COLUMNS}`,
        [
          m.id,
          m.tenantId,
          m.idempotencyKey,
          m.workflowId,
          m.recipient,
          m.templateKey,
          m.language,
          m.campaignId ?? null,
          m.request,
        ],
      );
      if (inserted.rowCount) return { message: inserted.rows[0] as MessageRow, created: true };
      const existing = await pool.query(
        `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = $1 AND idempotency_key = $2`,
        [m.tenantId, m.idempotencyKey],
      );
      return { message: existing.rows[0] as MessageRow, created: false };
    },

    async get(tenantId: string, id: string): Promise<MessageRow | undefined> {
      const res = await pool.query(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        id,
      ]);
      return res.rows[0] as MessageRow | undefined;
    },

    /**
     * The workflow's write of the read model, folded monotonically (src/domain/message-status.ts): a delivery the
     * webhook processor recorded first is never overwritten by the workflow's `sent` or `failed`.
     */
    async setStatus(
      tenantId: string,
      id: string,
      status: string,
      extra: { deliveredVia?: unknown; failure?: unknown } = {},
      event?: { type: TimelineEventType; data: Record<string, unknown>; dedupeKey: string },
    ): Promise<void> {
      // With its timeline event in the same statement (one round trip): the append is idempotent by its key and
      // happens whether or not the status moved.
      await pool.query(
        `WITH moved AS (
           UPDATE messages SET status = $3, delivered_via = COALESCE($4, delivered_via), failure = COALESCE($5, failure),
                  updated_at = now()
            WHERE tenant_id = $1 AND id = $2 AND ${messageStatusForwardSql('status', '$6', '$3')})
         INSERT INTO message_events (tenant_id, message_id, type, data, dedupe_key)
         SELECT $1, $2, $7::text, $8::jsonb, $9::text WHERE $7::text IS NOT NULL
         ON CONFLICT (message_id, dedupe_key) DO NOTHING`,
        [
          tenantId,
          id,
          status,
          extra.deliveredVia ?? null,
          extra.failure ?? null,
          MESSAGE_STATUS_RANK,
          event?.type ?? null,
          event?.data ?? null,
          event?.dedupeKey ?? null,
        ],
      );
    },

    /** Idempotent append: a retried activity with the same dedupe key adds nothing. */
    async appendEvent(
      tenantId: string,
      messageId: string,
      type: TimelineEventType,
      data: Record<string, unknown>,
      dedupeKey: string,
    ): Promise<void> {
      await pool.query(
        `INSERT INTO message_events (tenant_id, message_id, type, data, dedupe_key) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (message_id, dedupe_key) DO NOTHING`,
        [tenantId, messageId, type, data, dedupeKey],
      );
    },

    async events(tenantId: string, messageId: string): Promise<EventRow[]> {
      const res = await pool.query(
        'SELECT type, data, at FROM message_events WHERE tenant_id = $1 AND message_id = $2 ORDER BY id',
        [tenantId, messageId],
      );
      return res.rows as EventRow[];
    },

    async attempts(tenantId: string, messageId: string): Promise<AttemptRow[]> {
      const res = await pool.query(
        `SELECT ${ATTEMPT_COLUMNS} FROM message_attempts WHERE tenant_id = $1 AND message_id = $2 ORDER BY seq`,
        [tenantId, messageId],
      );
      return res.rows as AttemptRow[];
    },

    /** Whether any send of the message was ever begun. */
    async hasAttempts(messageId: string): Promise<boolean> {
      const res = await pool.query('SELECT 1 FROM message_attempts WHERE message_id = $1 LIMIT 1', [messageId]);
      return (res.rowCount ?? 0) > 0;
    },

    async getAttempt(id: string): Promise<AttemptRow | undefined> {
      const res = await pool.query(`SELECT ${ATTEMPT_COLUMNS} FROM message_attempts WHERE id = $1`, [id]);
      return res.rows[0] as AttemptRow | undefined;
    },

    /**
     * Records the intent to send before calling Meta, so a retried activity can tell it already tried: the new row,
     * or the one an earlier try wrote (one statement: the CTE's insert is invisible to its own snapshot, so the
     * second branch answers exactly when the row existed).
     */
    async beginAttempt(a: {
      id: string;
      tenantId: string;
      messageId: string;
      seq: number;
      kind: string;
      wabaId?: string;
      phoneNumberId: string;
      templateId?: string;
      templateName?: string;
    }): Promise<AttemptRow> {
      const res = await pool.query(
        `WITH inserted AS (
           INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, waba_id, phone_number_id, template_id, template_name, status)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sending')
           ON CONFLICT (id) DO NOTHING
           RETURNING ${ATTEMPT_COLUMNS})
         SELECT * FROM inserted
         UNION ALL
         SELECT ${ATTEMPT_COLUMNS} FROM message_attempts WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
        [
          a.id,
          a.tenantId,
          a.messageId,
          a.seq,
          a.kind,
          a.wabaId ?? null,
          a.phoneNumberId,
          a.templateId ?? null,
          a.templateName ?? null,
        ],
      );
      return res.rows[0] as AttemptRow;
    },

    /** One more request for the attempt is about to reach Meta, unless another try counted one since `seen`. */
    async markRequested(attemptId: string, seen: number): Promise<number | undefined> {
      const res = await pool.query(
        `UPDATE message_attempts SET requests = requests + 1, updated_at = now()
          WHERE id = $1 AND requests = $2 AND wamid IS NULL RETURNING requests`,
        [attemptId, seen],
      );
      return res.rows[0]?.requests as number | undefined;
    },

    /** Stores the wamid and its routing row atomically (one statement: no transaction round trips). */
    async attemptAccepted(attemptId: string, wamid: string, workflowId: string): Promise<void> {
      await pool.query(
        `WITH accepted AS (
           UPDATE message_attempts SET wamid = COALESCE(wamid, $2),
                  status = CASE WHEN status = 'sending' THEN 'accepted' ELSE status END, updated_at = now()
            WHERE id = $1 RETURNING tenant_id, message_id)
         INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
         SELECT $2, tenant_id, message_id, $1, $3 FROM accepted
         ON CONFLICT (wamid) DO NOTHING`,
        [attemptId, wamid, workflowId],
      );
    },

    async attemptFailed(
      attemptId: string,
      errorCode: number | undefined,
      error: Record<string, unknown>,
    ): Promise<void> {
      await pool.query(
        `UPDATE message_attempts SET status = 'failed', error_code = $2, error = $3, updated_at = now() WHERE id = $1`,
        [attemptId, errorCode ?? null, error],
      );
    },

    /**
     * Folds a WhatsApp status into an attempt in one statement: the status (and its error) only moves forward in
     * `order` (the domain's fold order; rows still `sending` have none yet), so concurrent webhook processors
     * cannot move it backwards. Pricing is kept whenever Meta sends it.
     */
    async foldAttemptStatus(
      attemptId: string,
      status: string,
      order: readonly string[],
      extra: { errorCode?: number; error?: unknown; pricing?: unknown } = {},
    ): Promise<void> {
      const forward = 'COALESCE(array_position($6::text[], status), 0) < array_position($6::text[], $2::text)';
      await pool.query(
        `UPDATE message_attempts SET
                status = CASE WHEN ${forward} THEN $2 ELSE status END,
                error_code = CASE WHEN ${forward} THEN COALESCE($3, error_code) ELSE error_code END,
                error = CASE WHEN ${forward} THEN COALESCE($4, error) ELSE error END,
                pricing = COALESCE($5, pricing), updated_at = now()
          WHERE id = $1`,
        [attemptId, status, extra.errorCode ?? null, extra.error ?? null, extra.pricing ?? null, order],
      );
    },

    /** Routes a status by our attempt id (biz_opaque_callback_data) before the send's wamid is stored. */
    async routeByAttempt(attemptId: string, wamid: string) {
      const res = await pool.query(
        `SELECT a.tenant_id AS "tenantId", a.message_id AS "messageId", a.id AS "attemptId", m.workflow_id AS "workflowId"
           FROM message_attempts a JOIN messages m ON m.id = a.message_id
          WHERE a.id = $1 AND (a.wamid IS NULL OR a.wamid = $2)`,
        [attemptId, wamid],
      );
      return res.rows[0] as { tenantId: string; messageId: string; attemptId: string; workflowId: string } | undefined;
    },

    /**
     * A delivery of the message's content reported by webhook (the workflow may have stopped waiting, or ended
     * cancelled or failed while Meta still delivered): folded like every status write, so it moves any message
     * that is not already delivered forward, and `delivered` to `read`.
     */
    // While the workflow is still working (resolving, sending, awaiting consent) it owns the status: a delivered
    // first part of a two-part session message, say, must not end the message before the second part is sent.
    async lateSuccess(tenantId: string, messageId: string, attemptId: string, status: 'delivered' | 'read') {
      await pool.query(
        `UPDATE messages m SET status = $4, updated_at = now(),
                delivered_via = COALESCE(m.delivered_via, jsonb_build_object('wabaId', a.waba_id, 'phoneNumberId', a.phone_number_id,
                  'templateId', a.template_id, 'kind', CASE WHEN a.kind = 'session' THEN 'session' ELSE 'template' END))
           FROM message_attempts a
          WHERE m.tenant_id = $1 AND m.id = $2 AND a.id = $3 AND a.kind <> 'consent'
            AND m.status <> ALL($6::text[])
            AND ${messageStatusForwardSql('m.status', '$5', '$4')}`,
        [tenantId, messageId, attemptId, status, MESSAGE_STATUS_RANK, IN_FLIGHT_STATUSES],
      );
    },

    /** Every attempt of the tenant's messages (optionally one campaign, since a time), for cost reports. */
    async findWamid(
      wamid: string,
    ): Promise<{ tenantId: string; messageId: string; attemptId: string; workflowId: string } | undefined> {
      const res = await pool.query(
        `SELECT tenant_id AS "tenantId", message_id AS "messageId", attempt_id AS "attemptId", workflow_id AS "workflowId"
           FROM wamids WHERE wamid = $1`,
        [wamid],
      );
      return res.rows[0] as { tenantId: string; messageId: string; attemptId: string; workflowId: string } | undefined;
    },
  };
}
