import { type Pool, inTransaction } from '../pool';

export type CampaignGuardRepo = ReturnType<typeof createCampaignGuardRepo>;

/**
 * The campaign's last sends, newest first. It walks the tenant's attempts newest first
 * (message_attempts_tenant_created) and stops at `$4` of the campaign's — or at the campaign's creation, or the
 * guard's last pause (`guard_from`): its sends are all newer, and without that bound a campaign with fewer sends
 * than the window (every campaign at its start) walked the tenant's whole history (docs/capacity.md, "Quality
 * guard"). A small campaign is read through its recipients instead (`messages_campaign_order`, which needs
 * `campaign_seq IS NOT NULL`); the planner chooses.
 */
export const LAST_SENDS = `
  SELECT (a.status = 'failed' AND a.error->>'kind' = ANY($3::text[])) AS failed
    FROM message_attempts a JOIN messages m ON m.id = a.message_id
   WHERE a.tenant_id = $1
     AND a.created_at > (SELECT COALESCE(guard_from, created_at) FROM campaigns WHERE tenant_id = $1 AND id = $2::uuid)
     AND m.campaign_id = $2::text AND m.campaign_seq IS NOT NULL
     AND a.kind = 'template' AND (a.wamid IS NOT NULL OR a.error_code IS NOT NULL)
   ORDER BY a.created_at DESC LIMIT $4`;

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
      return inTransaction(pool, async (client) => {
        // A parallel plan costs more to start than the walk it would split, which stops after `limit` rows.
        await client.query('SET LOCAL max_parallel_workers_per_gather = 0');
        const res = await client.query<{ failed: boolean }>(LAST_SENDS, [tenantId, campaignId, kinds, limit]);
        return res.rows;
      });
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
