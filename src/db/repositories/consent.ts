import type { Pool } from '../pool';

export type ConsentOutcome = 'asked' | 'granted' | 'declined' | 'expired' | 'cancelled';

export type ConsentRepo = ReturnType<typeof createConsentRepo>;

/** The consent-prompt ledger of Smart Utility Fallback. */
export function createConsentRepo(pool: Pool) {
  return {
    /** Prompts sent to this contact since `sinceMs`, and whether they declined this campaign before. */
    async history(tenantId: string, waId: string, campaignId: string | undefined, sinceMs: number) {
      const res = await pool.query(
        `SELECT count(*) FILTER (WHERE asked_at > to_timestamp($3 / 1000.0))::int AS recent,
                bool_or(outcome = 'declined' AND campaign_id IS NOT DISTINCT FROM $4 AND $4::text IS NOT NULL) AS declined
           FROM consent_prompts WHERE tenant_id = $1 AND wa_id = $2`,
        [tenantId, waId, sinceMs, campaignId ?? null],
      );
      const row = res.rows[0] as { recent: number; declined: boolean | null };
      return { recentPrompts: row.recent, declinedCampaign: row.declined === true };
    },

    async asked(p: { tenantId: string; messageId: string; waId: string; campaignId?: string; attemptId: string }) {
      await pool.query(
        `INSERT INTO consent_prompts (message_id, tenant_id, wa_id, campaign_id, attempt_id) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (message_id) DO NOTHING`,
        [p.messageId, p.tenantId, p.waId, p.campaignId ?? null, p.attemptId],
      );
    },

    async settle(messageId: string, outcome: Exclude<ConsentOutcome, 'asked'>) {
      await pool.query(
        `UPDATE consent_prompts SET outcome = $2, answered_at = now() WHERE message_id = $1 AND outcome = 'asked'`,
        [messageId, outcome],
      );
    },
  };
}
