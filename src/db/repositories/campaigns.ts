import type { RoutingPolicy } from '../../domain/resolver/types';
import type { SendParameters } from '../../domain/send-parameters';
import type { CampaignControl, CampaignStatus } from '../../../workflows/campaign-definitions';
import type { Pool, PoolClient } from '../pool';

/** The campaign's settings as validated by the API (durations in ms). */
export interface CampaignSpec {
  parameters?: SendParameters;
  prefer?: { wabaId?: string; phoneNumberId?: string };
  /** Absent: the tenant's `routing` when the batch plans (campaigns created before the override existed too). */
  routing?: RoutingPolicy;
  retries: { rounds: number; afterMs: number };
  smartUtilityFallback?: {
    enabled: boolean;
    consentTemplate?: string;
    consentParameters?: SendParameters;
    waitFor?: number;
  };
  guard?: { maxFailureRate: number };
  maxPerSecond?: number;
  startAt?: string;
}

export interface CampaignRow {
  id: string;
  tenantId: string;
  idempotencyKey: string | null;
  requestHash: string;
  name: string;
  templateKey: string;
  language: string;
  spec: CampaignSpec;
  status: CampaignStatus;
  statusReason: string | null;
  control: CampaignControl;
  workflowId: string;
  round: number;
  duplicates: number;
  sentTotal: number;
  progress: [number, number][];
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = `id, tenant_id AS "tenantId", idempotency_key AS "idempotencyKey", request_hash AS "requestHash", name,
  template_key AS "templateKey", language, spec, status, status_reason AS "statusReason", control,
  workflow_id AS "workflowId", round, duplicates, sent_total AS "sentTotal", progress, started_at AS "startedAt",
  completed_at AS "completedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** Progress samples kept on the row: enough for a rate over the last few seconds. */
const PROGRESS_SAMPLES = 30;

/** Statuses a workflow may not overwrite while the API's control says otherwise. */
const STOPPABLE = ['scheduled', 'running', 'waiting_for_capacity', 'retrying'];

export type CampaignsRepo = ReturnType<typeof createCampaignsRepo>;

export function createCampaignsRepo(pool: Pool) {
  return {
    /** Inserts the campaign unless its idempotency key exists; returns the stored row and whether it is new. */
    async createOrGet(
      db: Pool | PoolClient,
      c: Pick<CampaignRow, 'id' | 'tenantId' | 'requestHash' | 'name' | 'templateKey' | 'language' | 'spec'> & {
        idempotencyKey?: string;
        workflowId: string;
      },
    ): Promise<{ campaign: CampaignRow; created: boolean }> {
      const inserted = await db.query(
        `INSERT INTO campaigns (id, tenant_id, idempotency_key, request_hash, name, template_key, language, spec, workflow_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          c.id,
          c.tenantId,
          c.idempotencyKey ?? null,
          c.requestHash,
          c.name,
          c.templateKey,
          c.language,
          c.spec,
          c.workflowId,
        ],
      );
      if (inserted.rowCount) return { campaign: inserted.rows[0] as CampaignRow, created: true };
      const existing = await db.query(
        `SELECT ${COLUMNS} FROM campaigns WHERE tenant_id = $1 AND idempotency_key = $2`,
        [c.tenantId, c.idempotencyKey],
      );
      return { campaign: existing.rows[0] as CampaignRow, created: false };
    },

    async get(tenantId: string, id: string): Promise<CampaignRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM campaigns WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return res.rows[0] as CampaignRow | undefined;
    },

    /** Newest first; the cursor is the last campaign id of the previous page. */
    async list(tenantId: string, opts: { cursor?: string; limit: number }): Promise<CampaignRow[]> {
      const res = await pool.query(
        `SELECT ${COLUMNS} FROM campaigns
          WHERE tenant_id = $1
            AND ($2::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM campaigns WHERE tenant_id = $1 AND id = $2))
          ORDER BY created_at DESC, id DESC LIMIT $3`,
        [tenantId, opts.cursor ?? null, opts.limit],
      );
      return res.rows as CampaignRow[];
    },

    /**
     * The API's lifecycle commands (pause, resume, cancel, start): one conditional update, so a command arriving
     * in the wrong state changes nothing (the caller answers 409). Returns the updated row.
     */
    async command(
      tenantId: string,
      id: string,
      change: { control: CampaignControl; status: CampaignStatus; from: readonly CampaignStatus[] },
    ): Promise<CampaignRow | undefined> {
      const res = await pool.query(
        `UPDATE campaigns SET control = $3, status = $4, status_reason = NULL, updated_at = now(),
                started_at = CASE WHEN $4 IN ('running', 'scheduled') THEN COALESCE(started_at, now()) ELSE started_at END,
                completed_at = CASE WHEN $4 = 'cancelled' THEN now() ELSE completed_at END
          WHERE tenant_id = $1 AND id = $2 AND status = ANY($5::text[]) RETURNING ${COLUMNS}`,
        [tenantId, id, change.control, change.status, change.from],
      );
      return res.rows[0] as CampaignRow | undefined;
    },

    /**
     * The workflow's own status changes. A pause or cancel the API acknowledged wins over a status the workflow
     * computed before it saw the signal.
     */
    async setStatus(tenantId: string, id: string, status: CampaignStatus, reason?: string): Promise<void> {
      await pool.query(
        `UPDATE campaigns SET
                status = CASE WHEN control = 'pause' AND $3 = ANY($5::text[]) THEN 'paused'
                              WHEN control = 'cancel' THEN 'cancelled' ELSE $3 END,
                -- A pause keeps the reason it was given (by the quality guard) until the campaign runs again.
                status_reason = CASE WHEN $4::text IS NULL AND control = 'pause' THEN status_reason ELSE $4 END,
                updated_at = now(),
                started_at = CASE WHEN $3 = 'running' THEN COALESCE(started_at, now()) ELSE started_at END,
                completed_at = CASE WHEN $3 IN ('completed', 'cancelled') THEN COALESCE(completed_at, now()) ELSE completed_at END
          WHERE tenant_id = $1 AND id = $2`,
        [tenantId, id, status, reason ?? null, STOPPABLE],
      );
    },

    async setRound(tenantId: string, id: string, round: number): Promise<void> {
      await pool.query('UPDATE campaigns SET round = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        id,
        round,
      ]);
    },

    async addDuplicates(db: Pool | PoolClient, id: string, n: number): Promise<void> {
      if (n > 0) await db.query('UPDATE campaigns SET duplicates = duplicates + $2 WHERE id = $1', [id, n]);
    },

    /** What a batch activity needs between sends: the API's control flag. */
    async control(id: string): Promise<CampaignControl | undefined> {
      const res = await pool.query('SELECT control FROM campaigns WHERE id = $1', [id]);
      return (res.rows[0] as { control: CampaignControl } | undefined)?.control;
    },

    /** A batch's sends: the running total and a bounded series of samples (rate and ETA). */
    async recordSent(id: string, sent: number, nowMs = Date.now()): Promise<void> {
      if (sent === 0) return;
      await pool.query(
        `UPDATE campaigns SET sent_total = sent_total + $2,
                progress = (SELECT COALESCE(jsonb_agg(s ORDER BY ord), '[]'::jsonb) FROM (
                  SELECT s, ord FROM jsonb_array_elements(progress || jsonb_build_array(jsonb_build_array($3::bigint, sent_total + $2)))
                    WITH ORDINALITY AS e(s, ord) ORDER BY ord DESC LIMIT ${PROGRESS_SAMPLES}) recent)
          WHERE id = $1`,
        [id, sent, nowMs],
      );
    },

    /** Workflow ids of the tenant's campaigns waiting for capacity (a tier upgrade wakes them). */
    async waitingForCapacity(tenantId: string): Promise<string[]> {
      const res = await pool.query<{ workflow_id: string }>(
        `SELECT workflow_id FROM campaigns WHERE tenant_id = $1 AND status = 'waiting_for_capacity'`,
        [tenantId],
      );
      return res.rows.map((r) => r.workflow_id);
    },
  };
}
