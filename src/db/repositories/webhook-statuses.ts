import { MESSAGE_STATUS_RANK, messageStatusForwardSql } from '../../domain/message-status';
import { deliveredSql } from '../../domain/status';
import type { Pool } from '../pool';
import { AFTER_LOCKS, lockedRows } from './campaign-row-locks';
import { toStorableJson } from './webhook-inbox';

/** Where a status belongs, read in one statement for a whole batch. */
export interface StatusRoute {
  attemptId: string;
  tenantId: string;
  messageId: string;
  workflowId: string;
  /** `workflow`: a running workflow may wait for the status; `campaign`: the rows are all there is. */
  drivenBy: 'workflow' | 'campaign';
  messageStatus: string;
  campaignId: string | null;
  attemptKind: string;
  /** Routed by our attempt id (biz_opaque_callback_data): the wamid is not stored yet and is recorded by fold. */
  byAttemptId: boolean;
}

export interface FoldInput {
  attemptId: string;
  wamid: string;
  status: string;
  errorCode?: number;
  error?: unknown;
  pricing?: unknown;
  byAttemptId: boolean;
  /** The attempt's message is driven by a campaign (the route says so): its rows are locked ahead, in order. */
  campaign?: boolean;
}

export interface WaitingStatus {
  id: number;
  event: unknown;
  verifiedTenantId: string | null;
}

export type WebhookStatusesRepo = ReturnType<typeof createWebhookStatusesRepo>;

const json = (v: unknown) => (v === undefined || v === null ? null : toStorableJson(v));

export function createWebhookStatusesRepo(pool: Pool) {
  return {
    /**
     * Routes statuses by wamid, or by our attempt id for an attempt whose wamid is not stored yet; the result is
     * index-aligned with the input (undefined: not routable yet).
     */
    async route(items: readonly { wamid: string; attemptHint?: string }[]): Promise<(StatusRoute | undefined)[]> {
      const res = await pool.query(
        `SELECT i.ord::int AS ord, a.id AS "attemptId", a.tenant_id AS "tenantId", a.message_id AS "messageId",
                m.workflow_id AS "workflowId", m.driven_by AS "drivenBy", m.status AS "messageStatus",
                m.campaign_id AS "campaignId", a.kind AS "attemptKind", (w.wamid IS NULL) AS "byAttemptId"
           FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS i(wamid, hint, ord)
           LEFT JOIN wamids w ON w.wamid = i.wamid
           JOIN message_attempts a ON a.id = COALESCE(w.attempt_id, i.hint)
                AND (w.wamid IS NOT NULL OR a.wamid IS NULL OR a.wamid = i.wamid)
           JOIN messages m ON m.id = a.message_id`,
        [items.map((i) => i.wamid), items.map((i) => i.attemptHint ?? null)],
      );
      const routes: (StatusRoute | undefined)[] = items.map(() => undefined);
      for (const r of res.rows as (StatusRoute & { ord: number })[]) {
        const { ord, ...route } = r;
        routes[ord - 1] = route;
      }
      return routes;
    },

    /**
     * Folds every status of a batch in one statement. Per attempt the highest status in `order` (the domain's
     * fold order) wins, and the row moves only forward, so concurrent processors and out-of-order or repeated
     * statuses never regress it; an attempt routed by attempt id gets its wamid and routing row. Messages follow:
     * a workflow-driven message that is `sent` or has ended takes a late success by the message fold
     * (domain/message-status: one not already delivered moves to delivered, `delivered` to `read`; one still in
     * flight is left to its workflow, which is signalled and writes everything else); a
     * campaign-driven message folds forward by the attempt order. Returns each attempt's status after the fold.
     *
     * A campaign recipient's rows are locked first, in the order every writer of them takes (`lockedRows`). A workflow's
     * message has one writer besides this fold, its own workflow, one row at a time: its rows are not locked ahead
     * (a workflow's message never becomes a campaign's again, so the route's word at routing time holds).
     */
    async fold(items: readonly FoldInput[], order: readonly string[]): Promise<Map<string, string>> {
      if (items.length === 0) return new Map();
      const fwd = 'COALESCE(array_position($8::text[], a.status), 0) < array_position($8::text[], b.status)';
      const res = await pool.query(
        `WITH input AS (
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::jsonb[], $6::jsonb[], $7::bool[],
                                $10::bool[])
                    WITH ORDINALITY AS i(attempt_id, wamid, status, error_code, error, pricing, by_attempt_id, campaign, ord)
         ), best AS (
           SELECT DISTINCT ON (attempt_id) attempt_id, wamid, status, error_code, error, by_attempt_id FROM input
            ORDER BY attempt_id, array_position($8::text[], status) DESC, ord
         ), prices AS (
           SELECT DISTINCT ON (attempt_id) attempt_id, pricing FROM input WHERE pricing IS NOT NULL
            ORDER BY attempt_id, ord DESC
         ), ${lockedRows({
           attempts: 'SELECT attempt_id FROM input WHERE campaign',
           messages: 'SELECT message_id FROM locked_attempts',
         })}, folded AS (
           UPDATE message_attempts a SET
                  wamid = COALESCE(a.wamid, b.wamid),
                  status = CASE WHEN ${fwd} THEN b.status ELSE a.status END,
                  error_code = CASE WHEN ${fwd} THEN COALESCE(b.error_code, a.error_code) ELSE a.error_code END,
                  error = CASE WHEN ${fwd} THEN COALESCE(b.error, a.error) ELSE a.error END,
                  pricing = COALESCE(p.pricing, a.pricing), updated_at = now()
             FROM best b LEFT JOIN prices p ON p.attempt_id = b.attempt_id
            WHERE a.id = b.attempt_id AND ${AFTER_LOCKS}
           RETURNING a.id, a.tenant_id, a.message_id, a.kind, a.waba_id, a.phone_number_id, a.template_id, a.status,
                     b.wamid, b.by_attempt_id
         ), routes AS (
           INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
           SELECT f.wamid, f.tenant_id, f.message_id, f.id, m.workflow_id
             FROM folded f JOIN messages m ON m.id = f.message_id WHERE f.by_attempt_id
           ON CONFLICT (wamid) DO NOTHING
         ), per_message AS (
           SELECT DISTINCT ON (message_id) * FROM folded WHERE kind <> 'consent'
            ORDER BY message_id, array_position($8::text[], status) DESC
         ), messages_moved AS (
           UPDATE messages m SET status = f.status, updated_at = now(),
                  delivered_via = CASE WHEN ${deliveredSql('f.status')} THEN COALESCE(m.delivered_via,
                    jsonb_build_object('wabaId', f.waba_id, 'phoneNumberId', f.phone_number_id, 'templateId', f.template_id,
                      'kind', CASE WHEN f.kind = 'session' THEN 'session' ELSE 'template' END)) ELSE m.delivered_via END
             FROM per_message f
            WHERE m.id = f.message_id AND CASE m.driven_by
                  WHEN 'workflow' THEN ${deliveredSql('f.status')}
                    AND (m.status = 'sent' OR COALESCE(($9::jsonb ->> m.status)::int, 0) > 0)
                    AND ${messageStatusForwardSql('m.status', '$9', 'f.status')}
                  ELSE COALESCE(array_position($8::text[], m.status), 0) < array_position($8::text[], f.status) END
           RETURNING m.id
         )
         SELECT id AS "attemptId", status FROM folded`,
        [
          items.map((i) => i.attemptId),
          items.map((i) => i.wamid),
          items.map((i) => i.status),
          items.map((i) => i.errorCode ?? null),
          items.map((i) => json(i.error)),
          items.map((i) => json(i.pricing)),
          items.map((i) => i.byAttemptId),
          order,
          MESSAGE_STATUS_RANK,
          items.map((i) => i.campaign ?? false),
        ],
      );
      return new Map(res.rows.map((r: { attemptId: string; status: string }) => [r.attemptId, r.status]));
    },

    /** Keeps statuses whose wamid is not known yet; the same event parked twice is kept once. */
    async park(items: readonly { key: string; wamid: string; verifiedTenantId: string | null; event: unknown }[]) {
      if (items.length === 0) return;
      await pool.query(
        `INSERT INTO webhook_waiting_statuses (event_key, wamid, verified_tenant_id, event)
         SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::jsonb[]) ON CONFLICT (event_key) DO NOTHING`,
        [
          items.map((i) => i.key),
          items.map((i) => i.wamid),
          items.map((i) => i.verifiedTenantId),
          items.map((i) => toStorableJson(i.event)),
        ],
      );
    },

    /** Leases waiting statuses whose wamid has been stored since (SKIP LOCKED: several processors share them). */
    async leaseRoutable(limit: number, leaseMs = 30_000): Promise<WaitingStatus[]> {
      const res = await pool.query(
        `UPDATE webhook_waiting_statuses s SET lease_until = now() + ($2::double precision * interval '1 millisecond')
          WHERE s.id IN (SELECT s2.id FROM webhook_waiting_statuses s2
                          WHERE s2.lease_until <= now() AND EXISTS (SELECT 1 FROM wamids w WHERE w.wamid = s2.wamid)
                          ORDER BY s2.id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING s.id, s.event, s.verified_tenant_id AS "verifiedTenantId"`,
        [limit, leaseMs],
      );
      return res.rows as WaitingStatus[];
    },

    async unpark(ids: readonly number[]): Promise<void> {
      if (ids.length) await pool.query('DELETE FROM webhook_waiting_statuses WHERE id = ANY($1::bigint[])', [ids]);
    },

    /** Waiting statuses older than `olderThanMs` whose wamid never came: removed and returned (to dead-letter). */
    async expire(
      olderThanMs: number,
      limit: number,
    ): Promise<{ key: string; event: unknown; verifiedTenantId: string | null }[]> {
      const res = await pool.query(
        `DELETE FROM webhook_waiting_statuses WHERE id IN (SELECT id FROM webhook_waiting_statuses
            WHERE received_at < now() - ($1::double precision * interval '1 millisecond') ORDER BY id LIMIT $2)
         RETURNING event_key AS key, event, verified_tenant_id AS "verifiedTenantId"`,
        [olderThanMs, limit],
      );
      return res.rows as { key: string; event: unknown; verifiedTenantId: string | null }[];
    },
  };
}
