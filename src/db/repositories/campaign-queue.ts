import type { CampaignQueueCounts } from '../../../workflows/campaign-definitions';
import type { SendParameters } from '../../domain/send-parameters';
import { retryOnDeadlock, type Pool } from '../pool';
import { AFTER_LOCKS, lockedRows } from './campaign-row-locks';

/** Outcomes in their messages' (and so their attempts') id order: the order `writeOutcomes` locks them in. */
const byMessage = (x: BatchOutcome, y: BatchOutcome): number =>
  x.messageId < y.messageId ? -1 : x.messageId > y.messageId ? 1 : (x.attemptId ?? '') < (y.attemptId ?? '') ? -1 : 1;

/** A recipient claimed by a batch activity. */
export interface ClaimedRecipient {
  messageId: string;
  recipient: string;
  parameters?: SendParameters;
  /** The current attempt's number: attempt id `<messageId>:<attempt>`. */
  attempt: number;
  exclude: { wabaIds: string[]; phoneNumberIds: string[]; templateIds: string[] };
  transients: number;
}

export interface NewAttempt {
  id: string;
  messageId: string;
  seq: number;
  wabaId: string;
  phoneNumberId: string;
  templateId: string;
  templateName: string;
}

/** One recipient's outcome in a batch, written with every other outcome of the batch in one statement. */
export interface BatchOutcome {
  messageId: string;
  attemptId?: string;
  /** The recipient's next queue state and message status. */
  queue: 'queued' | 'sent' | 'unknown' | 'retry' | 'done';
  status: string;
  wamid?: string;
  /** The recipient's failure (final, or the one its next round retries); requeues leave it unset. */
  failure?: Record<string, unknown>;
  /** The attempt's own error (every failed attempt). */
  attemptError?: Record<string, unknown>;
  /** Added to the recipient's exclusion lists. */
  exclude?: { key: 'wabaIds' | 'phoneNumberIds' | 'templateIds'; id: string };
  transient?: boolean;
  /** The attempt row: accepted (with wamid), failed (with error), or never sent (removed). */
  attempt?: 'accepted' | 'failed' | 'unsent';
  errorCode?: number;
  event?: { type: string; data: Record<string, unknown> };
}

const QUEUE_STATES = ['queued', 'sending', 'sent', 'unknown', 'retry'] as const;

export type CampaignQueueRepo = ReturnType<typeof createCampaignQueueRepo>;

/** The campaign's recipient queue (docs/campaigns.md): pages, claims and set-based outcome writes. */
export function createCampaignQueueRepo(pool: Pool) {
  return {
    /** The seq range of the next `limit` queued recipients after the cursor, or undefined when none is left. */
    async nextPage(tenantId: string, campaignId: string, afterSeq: number, limit: number) {
      const res = await pool.query(
        `SELECT min(seq)::bigint AS "fromSeq", max(seq)::bigint AS "toSeq", count(*)::int AS count FROM (
           SELECT campaign_seq AS seq FROM messages
            WHERE campaign_id = $2 AND campaign_queue = 'queued' AND campaign_seq > $3 AND tenant_id = $1
            ORDER BY campaign_seq LIMIT $4) page`,
        [tenantId, campaignId, afterSeq, limit],
      );
      const row = res.rows[0] as { fromSeq: number | null; toSeq: number | null; count: number };
      return row.count > 0 ? { fromSeq: row.fromSeq!, toSeq: row.toSeq!, count: row.count } : undefined;
    },

    /**
     * Claims the queued recipients of a seq range for one try of a batch (`owner` = `<batchId>#<try>`). A retried
     * batch claims again what an earlier try of it claimed, with the same attempt numbers, so it can tell what was
     * already sent; from then on the earlier try (maybe still alive, only slow) owns nothing.
     */
    async claim(
      tenantId: string,
      campaignId: string,
      owner: string,
      range: { fromSeq: number; toSeq: number },
      limit: number,
    ): Promise<ClaimedRecipient[]> {
      const batchId = owner.slice(0, owner.lastIndexOf('#'));
      const res = await pool.query(
        `WITH c AS (
           SELECT id FROM messages
            WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_seq BETWEEN $4 AND $5 AND driven_by = 'campaign'
              AND (campaign_queue = 'queued' OR (campaign_queue = 'sending' AND campaign_batch LIKE $7 || '#%'))
            ORDER BY campaign_seq LIMIT $6 FOR UPDATE SKIP LOCKED)
         UPDATE messages m SET campaign_queue = 'sending', campaign_batch = $3, campaign_queue_at = now(), status = 'sending',
                campaign_attempt = CASE WHEN m.campaign_queue = 'queued' THEN m.campaign_attempt + 1 ELSE m.campaign_attempt END,
                updated_at = now()
           FROM c WHERE m.id = c.id
         RETURNING m.id AS "messageId", m.recipient, m.request->'parameters' AS parameters, m.campaign_attempt AS attempt,
                   m.campaign_exclude AS exclude, m.campaign_transients AS transients`,
        [tenantId, campaignId, owner, range.fromSeq, range.toSeq, limit, batchId],
      );
      return (res.rows as (ClaimedRecipient & { parameters: SendParameters | null })[]).map((r) => ({
        ...r,
        parameters: r.parameters ?? undefined,
      }));
    },

    /** Attempt rows that already exist (a retried batch): with a wamid Meta accepted them; without, unknown. */
    async existingAttempts(ids: readonly string[]): Promise<Map<string, { wamid: string | null }>> {
      if (ids.length === 0) return new Map();
      const res = await pool.query('SELECT id, wamid FROM message_attempts WHERE id = ANY($1::text[])', [ids]);
      return new Map(res.rows.map((r: { id: string; wamid: string | null }) => [r.id, { wamid: r.wamid }]));
    },

    /**
     * Attempt rows before their sends (a status webhook names the attempt id even before the batch writes back).
     * Returns the ids this try may send: new rows of recipients it still owns. A row that existed already, or a
     * recipient a retried try took over, is not sent again by this one.
     */
    async insertAttempts(tenantId: string, owner: string, attempts: readonly NewAttempt[]): Promise<Set<string>> {
      if (attempts.length === 0) return new Set();
      const res = await pool.query(
        `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, waba_id, phone_number_id, template_id, template_name, status)
         SELECT a.id, $1, a.mid, a.seq, 'template', a.waba, a.phone, a.tpl, a.tname, 'sending'
           FROM unnest($2::text[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
                AS a(id, mid, seq, waba, phone, tpl, tname)
          WHERE EXISTS (SELECT 1 FROM messages m WHERE m.id = a.mid AND m.campaign_batch = $9 AND m.campaign_queue = 'sending')
         ON CONFLICT (id) DO NOTHING
         RETURNING id`,
        [
          tenantId,
          attempts.map((a) => a.id),
          attempts.map((a) => a.messageId),
          attempts.map((a) => a.seq),
          attempts.map((a) => a.wabaId),
          attempts.map((a) => a.phoneNumberId),
          attempts.map((a) => a.templateId),
          attempts.map((a) => a.templateName),
          owner,
        ],
      );
      return new Set(res.rows.map((r: { id: string }) => r.id));
    },

    /**
     * Every outcome of a batch in one statement: attempt rows, wamid routes, the recipients' queue state and
     * status, and their timeline events. A recipient a status webhook already moved on (it left `sending`) keeps
     * what the webhook wrote.
     *
     * The status webhooks of these very sends are folded meanwhile, so its rows are locked first in the order every
     * writer of them takes (`lockedRows`), and every write of the statement waits for that: a wamid route or an
     * event inserted before them would hold its key against a fold that holds the row.
     */
    async writeOutcomes(tenantId: string, owner: string, outcomes: readonly BatchOutcome[]): Promise<number> {
      if (outcomes.length === 0) return 0;
      const rows = [...outcomes].sort(byMessage).map((o) => ({
        m: o.messageId,
        a: o.attemptId ?? null,
        q: o.queue,
        s: o.status,
        w: o.wamid ?? null,
        f: o.failure ?? null,
        xk: o.exclude?.key ?? null,
        xi: o.exclude?.id ?? null,
        t: o.transient ? 1 : 0,
        ast: o.attempt ?? null,
        aec: o.errorCode ?? null,
        ae: o.attemptError ?? null,
        ev: o.event?.type ?? null,
        ed: o.event?.data ?? null,
      }));
      const res = await retryOnDeadlock(() =>
        pool.query(
          `WITH o AS (
           SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(m uuid, a text, q text, s text, w text, f jsonb, xk text, xi text,
                                                             t int, ast text, aec int, ae jsonb, ev text, ed jsonb)),
         ${lockedRows({ attempts: 'SELECT o.a FROM o WHERE o.ast IS NOT NULL', messages: 'SELECT o.m FROM o' })},
         att AS (
           UPDATE message_attempts ma SET wamid = COALESCE(ma.wamid, o.w),
                  status = CASE WHEN o.ast = 'accepted' AND ma.status = 'sending' THEN 'accepted'
                                WHEN o.ast = 'failed' AND ma.status IN ('sending', 'accepted') THEN 'failed' ELSE ma.status END,
                  error_code = COALESCE(o.aec, ma.error_code), error = CASE WHEN o.ast = 'failed' THEN o.ae ELSE ma.error END,
                  updated_at = now()
             FROM o WHERE ma.id = o.a AND o.ast IN ('accepted', 'failed') AND ${AFTER_LOCKS} RETURNING ma.id),
         unsent AS (DELETE FROM message_attempts ma USING o
                     WHERE ma.id = o.a AND o.ast = 'unsent' AND ma.wamid IS NULL AND ${AFTER_LOCKS} RETURNING ma.id),
         routes AS (
           INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
           SELECT o.w, $1, o.m, o.a, msg.workflow_id FROM o JOIN messages msg ON msg.id = o.m
            WHERE o.w IS NOT NULL AND ${AFTER_LOCKS}
           ON CONFLICT (wamid) DO NOTHING RETURNING wamid),
         moved AS (
           UPDATE messages m SET campaign_queue = o.q, campaign_queue_at = now(), campaign_batch = NULL, status = o.s,
                  failure = o.f,
                  campaign_exclude = CASE WHEN o.xk IS NULL OR m.campaign_exclude->o.xk ? o.xi THEN m.campaign_exclude
                                     ELSE jsonb_set(m.campaign_exclude, ARRAY[o.xk], (m.campaign_exclude->o.xk) || to_jsonb(o.xi)) END,
                  campaign_transients = m.campaign_transients + o.t, updated_at = now()
             FROM o WHERE m.id = o.m AND m.campaign_queue = 'sending' AND m.campaign_batch = $2 AND ${AFTER_LOCKS}
           RETURNING m.id),
         events AS (
           INSERT INTO message_events (tenant_id, message_id, type, data, dedupe_key)
           SELECT $1, o.m, o.ev, o.ed, o.ev || ':' || COALESCE(o.a, $2) FROM o WHERE o.ev IS NOT NULL AND ${AFTER_LOCKS}
           ON CONFLICT (message_id, dedupe_key) DO NOTHING RETURNING id)
         SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM att)::int AS att,
                (SELECT count(*) FROM unsent)::int AS unsent, (SELECT count(*) FROM routes)::int AS routes,
                (SELECT count(*) FROM events)::int AS events`,
          [tenantId, owner, JSON.stringify(rows)],
        ),
      );
      return (res.rows[0] as { moved: number }).moved;
    },

    /** How many recipients are in each queue state (the workflow's view of a round). */
    async counts(tenantId: string, campaignId: string): Promise<CampaignQueueCounts> {
      const res = await pool.query(
        `SELECT campaign_queue AS q, count(*)::int AS n FROM messages
          WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_queue = ANY($3::text[]) AND campaign_seq IS NOT NULL
          GROUP BY 1`,
        [tenantId, campaignId, QUEUE_STATES],
      );
      const counts: CampaignQueueCounts = { queued: 0, sending: 0, sent: 0, unknown: 0, retry: 0 };
      for (const r of res.rows as { q: keyof CampaignQueueCounts; n: number }[]) counts[r.q] = r.n;
      return counts;
    },

    /**
     * Closes what waited too long: an unknown send no status has named in `unknownAfterMs` was never accepted,
     * so it is queued again (a new attempt); an accepted send without a final status after `statusTimeoutMs`
     * stays `sent` and leaves the round.
     */
    async settle(tenantId: string, campaignId: string, unknownAfterMs: number, statusTimeoutMs: number) {
      await pool.query(
        `WITH stale AS (
           SELECT m.id, m.id::text || ':' || m.campaign_attempt AS aid FROM messages m
            WHERE m.tenant_id = $1 AND m.campaign_id = $2 AND m.campaign_queue = 'unknown'
              AND m.campaign_queue_at < now() - $3 * interval '1 millisecond'),
         lost AS (
           UPDATE message_attempts a SET status = 'failed', error = '{"reason":"outcome_unknown"}'::jsonb, updated_at = now()
             FROM stale WHERE a.id = stale.aid AND a.wamid IS NULL RETURNING stale.id)
         UPDATE messages m SET campaign_queue = CASE WHEN m.id IN (SELECT id FROM lost) THEN 'queued' ELSE 'sent' END,
                status = CASE WHEN m.id IN (SELECT id FROM lost) THEN 'accepted' ELSE 'sent' END,
                campaign_queue_at = now(), updated_at = now()
           FROM stale WHERE m.id = stale.id`,
        [tenantId, campaignId, unknownAfterMs],
      );
      await pool.query(
        `UPDATE messages SET campaign_queue = 'done', updated_at = now()
          WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_queue = 'sent'
            AND campaign_queue_at < now() - $3 * interval '1 millisecond'`,
        [tenantId, campaignId, statusTimeoutMs],
      );
    },

    /** The next retry round: every recipient waiting for it is queued again with a fresh transient budget. */
    async startRound(tenantId: string, campaignId: string, round: number): Promise<number> {
      const res = await pool.query(
        `UPDATE messages SET campaign_queue = 'queued', campaign_round = $3, campaign_transients = 0, status = 'accepted',
                campaign_queue_at = now(), updated_at = now()
          WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_queue = 'retry'`,
        [tenantId, campaignId, round],
      );
      return res.rowCount ?? 0;
    },

    /** A page of recipients that still fail after the last round with a code Smart Utility Fallback recovers. */
    async promotable(tenantId: string, campaignId: string, codes: readonly number[], limit: number) {
      const res = await pool.query(
        `SELECT m.id AS "messageId", m.workflow_id AS "workflowId", m.recipient, m.request->'parameters' AS parameters, m.campaign_attempt AS attempts,
                m.failure, a.waba_id AS "wabaId", a.phone_number_id AS "phoneNumberId", a.template_id AS "templateId",
                a.template_name AS "templateName", m.language
           FROM messages m JOIN message_attempts a ON a.id = m.id::text || ':' || m.campaign_attempt
          WHERE m.tenant_id = $1 AND m.campaign_id = $2 AND m.campaign_queue = 'retry' AND m.driven_by = 'campaign'
            AND (m.failure->>'code')::int = ANY($3::int[])
          ORDER BY m.campaign_seq LIMIT $4`,
        [tenantId, campaignId, codes, limit],
      );
      return res.rows as {
        messageId: string;
        workflowId: string;
        recipient: string;
        parameters: SendParameters | null;
        attempts: number;
        failure: { reason: string; code?: number; kind?: string };
        wabaId: string;
        phoneNumberId: string;
        templateId: string;
        templateName: string;
        language: string;
      }[];
    },

    /** After their workflows started: the webhook processor now signals those workflows instead of folding. */
    async markPromoted(ids: readonly string[]): Promise<void> {
      await pool.query(
        `UPDATE messages SET driven_by = 'workflow', campaign_queue = 'done', updated_at = now()
          WHERE id = ANY($1::uuid[]) AND driven_by = 'campaign'`,
        [ids],
      );
    },

    /** After the last round: what still waits for a retry and cannot be recovered has failed for good. */
    async failRetries(tenantId: string, campaignId: string): Promise<number> {
      const res = await pool.query(
        `UPDATE messages SET campaign_queue = 'done', status = 'failed', updated_at = now()
          WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_queue = 'retry' AND driven_by = 'campaign'`,
        [tenantId, campaignId],
      );
      return res.rowCount ?? 0;
    },

    /** Cancel: everything not yet sent ends `cancelled`; returns promoted messages still in flight. */
    async cancelRest(
      tenantId: string,
      campaignId: string,
    ): Promise<{ cancelled: number; promotedWorkflows: string[] }> {
      const res = await pool.query(
        `UPDATE messages SET campaign_queue = 'done', status = 'cancelled', campaign_batch = NULL,
                failure = '{"reason":"campaign_cancelled"}'::jsonb, updated_at = now()
          WHERE tenant_id = $1 AND campaign_id = $2 AND driven_by = 'campaign'
            AND campaign_queue IN ('queued', 'retry', 'unknown', 'sending')`,
        [tenantId, campaignId],
      );
      const promoted = await pool.query(
        `SELECT workflow_id FROM messages WHERE tenant_id = $1 AND campaign_id = $2 AND campaign_seq IS NOT NULL
            AND driven_by = 'workflow' AND status NOT IN ('delivered', 'read', 'declined', 'expired', 'failed', 'cancelled')`,
        [tenantId, campaignId],
      );
      return {
        cancelled: res.rowCount ?? 0,
        promotedWorkflows: promoted.rows.map((r: { workflow_id: string }) => r.workflow_id),
      };
    },
  };
}
