import { TERMINAL_STATUSES as TERMINAL } from '../../domain/message-status';
import { inTransaction, type Pool } from '../pool';

export type WebhookTargetsRepo = ReturnType<typeof createWebhookTargetsRepo>;

/** What the webhook processor looks up to route an event: messages in flight, a WABA's context, tier and category. */
export function createWebhookTargetsRepo(pool: Pool) {
  return {
    /** The contact's messages of this tenant still in flight (an opt-out cancels them). */
    async inFlightMessages(tenantId: string, waId: string): Promise<{ id: string; workflowId: string }[]> {
      const res = await pool.query(
        `SELECT id, workflow_id AS "workflowId" FROM messages
          WHERE tenant_id = $1 AND recipient = $2 AND NOT (status = ANY($3)) ORDER BY created_at`,
        [tenantId, waId, TERMINAL],
      );
      return res.rows as { id: string; workflowId: string }[];
    },

    /** The contact's messages of this tenant in flight with a consent prompt sent (at most two: one is what counts). */
    async pendingConsentPrompts(tenantId: string, waId: string): Promise<{ id: string; workflowId: string }[]> {
      const res = await pool.query(
        `SELECT m.id, m.workflow_id AS "workflowId" FROM messages m
          WHERE m.tenant_id = $1 AND m.recipient = $2 AND NOT (m.status = ANY($3))
            AND EXISTS (SELECT 1 FROM message_attempts a WHERE a.message_id = m.id AND a.kind = 'consent')
          LIMIT 2`,
        [tenantId, waId, TERMINAL],
      );
      return res.rows as { id: string; workflowId: string }[];
    },

    async messageWorkflow(tenantId: string, messageId: string): Promise<string | undefined> {
      const res = await pool.query('SELECT workflow_id FROM messages WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        messageId,
      ]);
      return res.rows[0]?.workflow_id as string | undefined;
    },

    /** The tenant's view of a WABA a webhook names: its portfolio and numbers (undefined: not registered). */
    async wabaContext(
      tenantId: string,
      wabaId: string,
    ): Promise<{ portfolioId: string; phones: { id: string; displayPhoneNumber: string }[] } | undefined> {
      const [waba, phones] = await Promise.all([
        pool.query('SELECT portfolio_id FROM wabas WHERE tenant_id = $1 AND id = $2', [tenantId, wabaId]),
        pool.query(
          `SELECT id, display_phone_number AS "displayPhoneNumber" FROM phone_numbers
            WHERE tenant_id = $1 AND waba_id = $2 ORDER BY id`,
          [tenantId, wabaId],
        ),
      ]);
      if (!waba.rowCount) return undefined;
      return { portfolioId: waba.rows[0].portfolio_id as string, phones: phones.rows };
    },

    /** The portfolio's messaging tier: recorded like every health change, and the registry version bumped. */
    async setPortfolioTier(tenantId: string, portfolioId: string, tier: string, source: string): Promise<boolean> {
      return inTransaction(pool, async (db) => {
        const res = await db.query(
          'UPDATE portfolios SET messaging_tier = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2',
          [tenantId, portfolioId, tier],
        );
        if (!res.rowCount) return false;
        await db.query(
          `INSERT INTO health_changes (tenant_id, resource_type, resource_id, source, change)
           VALUES ($1, 'portfolio', $2, $3, $4)`,
          [tenantId, portfolioId, source, { messagingTier: tier }],
        );
        await db.query(
          `INSERT INTO registry_versions (tenant_id, version) VALUES ($1, 1)
           ON CONFLICT (tenant_id) DO UPDATE SET version = registry_versions.version + 1`,
          [tenantId],
        );
        return true;
      });
    },

    /** A template's category is a column (the snapshot reads it from there), not one of its `fields`. */
    async setTemplateCategory(tenantId: string, templateId: string, category: string): Promise<boolean> {
      const res = await pool.query('UPDATE templates SET category = $3 WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        templateId,
        category,
      ]);
      return (res.rowCount ?? 0) > 0;
    },
  };
}
