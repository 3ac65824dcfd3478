import { type Pool, inTransaction } from '../pool';

export type CampaignGuardRepo = ReturnType<typeof createCampaignGuardRepo>;

/**
 * The campaign's last sends, newest first. It walks the tenant's attempts newest first
 * (message_attempts_tenant_created) and stops at `$4` of the campaign's — or at `$5`, the campaign's creation or
 * the guard's last pause (`guard_from`): its sends are all newer, and without that bound a campaign with fewer sends
 * than the window (every campaign at its start) walked the tenant's whole history (docs/capacity.md, "Quality
 * guard"). A small campaign is read through its recipients instead (`messages_campaign_order`, which needs
 * `campaign_seq IS NOT NULL`); the planner chooses.
 */
export const LAST_SENDS = `
  SELECT (a.status = 'failed' AND a.error->>'kind' = ANY($3::text[])) AS failed
    FROM message_attempts a JOIN messages m ON m.id = a.message_id
   WHERE a.tenant_id = $1 AND a.created_at > $5::timestamptz
     AND m.campaign_id = $2::text AND m.campaign_seq IS NOT NULL
     AND a.kind = 'template' AND (a.wamid IS NOT NULL OR a.error_code IS NOT NULL)
   ORDER BY a.created_at DESC LIMIT $4`;

/** Where the campaign's sends begin for the guard: its creation, or the guard's last pause. */
export const GUARD_FROM =
  'SELECT COALESCE(guard_from, created_at) AS "from" FROM campaigns WHERE tenant_id = $1 AND id = $2::uuid';

/**
 * The read's transaction. The walk must stay a walk, whatever the statistics say: a running campaign inserts
 * attempts faster than autovacuum analyses them, and with the bound unknown to it (or with no statistics yet, a
 * fresh table) the planner chose to read every attempt of the campaign and sort them — a look that grew with the
 * campaign's sends (86 ms after 20,000, measured in the campaign benchmark; hash-joined with `messages`, 297 ms).
 * So no bitmap scan (unordered), no hash or merge join (both read everything before the first row), and no parallel
 * plan (it costs more to start than the walk it would split, which stops after `limit` rows).
 */
export const GUARD_READ_BEGIN = `BEGIN; SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL enable_bitmapscan = off;
  SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off`;

/** The quality guard's reads and its pause (docs/capacity.md, "Quality guard"). */
export function createCampaignGuardRepo(pool: Pool) {
  return {
    /**
     * The campaign's last `limit` sends that reached Meta (it answered with a wamid or an error), newest first:
     * whether each failed for a reason of the recipient's (`kinds`). Lifeline's own refusals never reached Meta
     * and do not count; sends before the guard last paused the campaign do not either, nor messages the API
     * labelled with the campaign's id (they are not its recipients).
     */
    async lastSends(tenantId: string, campaignId: string, kinds: readonly string[], limit: number) {
      return inTransaction(
        pool,
        async (client) => {
          // The bound as a value, not a subquery: the planner then knows how recent the campaign's sends are.
          const from = await client.query<{ from: Date }>(GUARD_FROM, [tenantId, campaignId]);
          if (!from.rows[0]) return [];
          const res = await client.query<{ failed: boolean }>(LAST_SENDS, [
            tenantId,
            campaignId,
            kinds,
            limit,
            from.rows[0].from,
          ]);
          return res.rows;
        },
        GUARD_READ_BEGIN,
      );
    },

    /**
     * Pauses a running campaign with the guard's reason, as the API's pause does (batches read `control` between
     * sends). Returns its workflow id, or undefined when it was no longer running (paused or ended meanwhile).
     */
    async pause(tenantId: string, campaignId: string, reason: string): Promise<string | undefined> {
      const res = await pool.query<{ workflow_id: string }>(
        `UPDATE campaigns SET control = 'pause', status = 'paused', status_reason = $3, guard_from = now(),
                updated_at = now()
          WHERE tenant_id = $1 AND id = $2 AND control = 'run'
            AND status IN ('scheduled', 'running', 'waiting_for_capacity', 'retrying')
          RETURNING workflow_id`,
        [tenantId, campaignId, reason],
      );
      return res.rows[0]?.workflow_id;
    },
  };
}
