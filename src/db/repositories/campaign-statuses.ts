import type { Pool } from '../pool';
import { AFTER_LOCKS, lockedRows } from './campaign-row-locks';

/** One status webhook, pre-folded per message, with what a failure means for the recipient. */
export interface CampaignStatusRow {
  messageId: string;
  attemptId: string;
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  /** For failures: the recipient's next queue state (`transient`: queued while the in-round budget lasts). */
  next?: 'queued' | 'retry' | 'done' | 'transient';
  /** The failed resource, added to the recipient's exclusions. */
  exclude?: { key: 'wabaIds' | 'phoneNumberIds' | 'templateIds'; id: string };
  failure?: Record<string, unknown>;
}

export type CampaignStatusesRepo = ReturnType<typeof createCampaignStatusesRepo>;

/**
 * Status folding for campaign recipients, set-based: one statement for any number of statuses. Monotonic like
 * the workflow's fold: a delivery of any attempt (also an earlier, late one) ends the recipient delivered; a
 * failure only counts for the recipient's current attempt while it is in flight.
 */
export function createCampaignStatusesRepo(pool: Pool) {
  return {
    /** The combinations of template attempts (what a failure would exclude). */
    async attemptTargets(ids: readonly string[]) {
      const res = await pool.query(
        `SELECT id, waba_id AS "wabaId", phone_number_id AS "phoneNumberId", template_id AS "templateId"
           FROM message_attempts WHERE id = ANY($1::text[]) AND kind = 'template'`,
        [ids],
      );
      return new Map(
        (res.rows as { id: string; wabaId: string; phoneNumberId: string; templateId: string }[]).map((r) => [r.id, r]),
      );
    },

    /** Returns the ids of the campaign-driven messages among the rows (handled here, not by a workflow). */
    async apply(rows: readonly CampaignStatusRow[], transientBudget: number): Promise<Set<string>> {
      if (rows.length === 0) return new Set();
      const payload = rows.map((r) => ({
        m: r.messageId,
        a: r.attemptId,
        w: r.wamid,
        st: r.status,
        nx: r.next ?? null,
        xk: r.exclude?.key ?? null,
        xi: r.exclude?.id ?? null,
        f: r.failure ?? null,
      }));
      const res = await pool.query(
        `WITH o AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(m uuid, a text, w text, st text, nx text, xk text, xi text, f jsonb)),
         j AS (
           SELECT o.*, ma.seq, ma.waba_id, ma.phone_number_id, ma.template_id
             FROM o JOIN message_attempts ma ON ma.id = o.a AND ma.kind = 'template'),
         campaign AS (SELECT id FROM messages WHERE id IN (SELECT m FROM o) AND driven_by = 'campaign'),
         ${lockedRows({ messages: 'SELECT m FROM o' })},
         moved AS (
           UPDATE messages m SET
             status = CASE
               WHEN j.st IN ('delivered', 'read') THEN CASE WHEN m.status = 'read' OR j.st = 'read' THEN 'read' ELSE 'delivered' END
               WHEN j.st = 'sent' THEN CASE WHEN m.status IN ('accepted', 'sending') THEN 'sent' ELSE m.status END
               WHEN j.nx = 'done' THEN 'failed'
               ELSE 'accepted' END,
             campaign_queue = CASE
               WHEN j.st IN ('delivered', 'read') THEN 'done'
               WHEN j.st = 'sent' THEN CASE WHEN m.campaign_queue IN ('sending', 'unknown') THEN 'sent' ELSE m.campaign_queue END
               WHEN j.nx = 'transient' THEN CASE WHEN m.campaign_transients < $2 THEN 'queued' ELSE 'retry' END
               ELSE j.nx END,
             delivered_via = CASE WHEN j.st IN ('delivered', 'read') THEN COALESCE(m.delivered_via, jsonb_build_object(
               'wabaId', j.waba_id, 'phoneNumberId', j.phone_number_id, 'templateId', j.template_id, 'kind', 'template'))
               ELSE m.delivered_via END,
             failure = CASE WHEN j.st IN ('delivered', 'read') THEN NULL
               WHEN j.st = 'failed' AND (j.nx IN ('done', 'retry') OR (j.nx = 'transient' AND m.campaign_transients >= $2))
                 THEN j.f
               WHEN j.st = 'failed' THEN NULL ELSE m.failure END,
             campaign_exclude = CASE WHEN j.st <> 'failed' OR j.xk IS NULL OR j.xi IS NULL OR m.campaign_exclude->j.xk ? j.xi
               THEN m.campaign_exclude
               ELSE jsonb_set(m.campaign_exclude, ARRAY[j.xk], (m.campaign_exclude->j.xk) || to_jsonb(j.xi)) END,
             campaign_transients = m.campaign_transients + CASE WHEN j.st = 'failed' AND j.nx = 'transient' THEN 1 ELSE 0 END,
             campaign_batch = CASE WHEN j.st = 'sent' THEN m.campaign_batch ELSE NULL END,
             campaign_queue_at = now(), updated_at = now()
           FROM j
          WHERE m.id = j.m AND m.driven_by = 'campaign' AND ${AFTER_LOCKS}
            AND (j.st IN ('delivered', 'read')
                 OR (j.seq = m.campaign_attempt AND m.campaign_queue IN ('sending', 'sent', 'unknown')))
          RETURNING m.id),
         events AS (
           INSERT INTO message_events (tenant_id, message_id, type, data, dedupe_key)
           SELECT m.tenant_id, j.m, j.st, jsonb_build_object('attemptId', j.a, 'wamid', j.w) ||
                  CASE WHEN j.f IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('failure', j.f) END,
                  'status:' || j.a || ':' || j.st
             FROM j JOIN messages m ON m.id = j.m WHERE j.m IN (SELECT id FROM moved) AND j.st <> 'sent'
           ON CONFLICT (message_id, dedupe_key) DO NOTHING RETURNING id)
         SELECT id FROM campaign`,
        [JSON.stringify(payload), transientBudget],
      );
      return new Set(res.rows.map((r: { id: string }) => r.id));
    },
  };
}
