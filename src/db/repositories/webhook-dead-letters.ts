import type { Pool } from '../pool';
import { toStorableJson } from './webhook-inbox';

export interface DeadLetter {
  eventKey: string;
  inboxId: number | null;
  verifiedTenantId: string | null;
  kind: string;
  reason: string;
  attempts: number;
  event: unknown;
}

export type WebhookDeadLettersRepo = ReturnType<typeof createWebhookDeadLettersRepo>;

/** Events that can never be applied, kept with their reason for an operator (and pruned after a retention). */
export function createWebhookDeadLettersRepo(pool: Pool) {
  return {
    async add(letters: readonly DeadLetter[]): Promise<void> {
      if (letters.length === 0) return;
      await pool.query(
        `INSERT INTO webhook_dead_letters (event_key, inbox_id, verified_tenant_id, kind, reason, attempts, event)
         SELECT * FROM unnest($1::text[], $2::bigint[], $3::uuid[], $4::text[], $5::text[], $6::int[], $7::jsonb[])
         ON CONFLICT (event_key) DO NOTHING`,
        [
          letters.map((l) => l.eventKey),
          letters.map((l) => l.inboxId),
          letters.map((l) => l.verifiedTenantId),
          letters.map((l) => l.kind),
          letters.map((l) => l.reason.slice(0, 2000)),
          letters.map((l) => l.attempts),
          letters.map((l) => toStorableJson(l.event ?? null)),
        ],
      );
    },

    async list(limit = 100): Promise<(DeadLetter & { createdAt: string })[]> {
      const res = await pool.query(
        `SELECT event_key AS "eventKey", inbox_id AS "inboxId", verified_tenant_id AS "verifiedTenantId", kind, reason,
                attempts, event, created_at AS "createdAt" FROM webhook_dead_letters ORDER BY id DESC LIMIT $1`,
        [limit],
      );
      return res.rows as (DeadLetter & { createdAt: string })[];
    },

    async prune(olderThanMs: number, limit: number): Promise<number> {
      const res = await pool.query(
        `DELETE FROM webhook_dead_letters WHERE id IN (SELECT id FROM webhook_dead_letters
           WHERE created_at < now() - ($1::double precision * interval '1 millisecond') ORDER BY id LIMIT $2)`,
        [olderThanMs, limit],
      );
      return res.rowCount ?? 0;
    },
  };
}
