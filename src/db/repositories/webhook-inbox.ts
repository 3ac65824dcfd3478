import type { Pool } from '../pool';

export interface InboxRow {
  id: number;
  body: unknown;
  attempts: number;
}

export type WebhookInboxRepo = ReturnType<typeof createWebhookInboxRepo>;

/**
 * jsonb cannot hold U+0000: a signed body carrying one (a customer can type anything) would fail to store on every
 * retry by Meta. It is stored as U+FFFD instead; an escaped backslash before `u0000` is left alone.
 */
export function toStorableJson(body: unknown): string {
  return JSON.stringify(body).replace(/(?<!\\)((?:\\\\)*)\\u0000/g, '$1\\ufffd');
}

export function createWebhookInboxRepo(pool: Pool) {
  return {
    /** Stores a verified body; the same bytes delivered again are a no-op. Returns whether it was new. */
    async store(dedupeKey: string, body: unknown): Promise<boolean> {
      const res = await pool.query(
        'INSERT INTO webhook_inbox (dedupe_key, body) VALUES ($1, $2::jsonb) ON CONFLICT (dedupe_key) DO NOTHING',
        [dedupeKey, toStorableJson(body)],
      );
      return (res.rowCount ?? 0) > 0;
    },

    /**
     * Leases due rows for processing (SKIP LOCKED lets several API processes share the inbox). The lease is a
     * pushed-back next_attempt_at, so no transaction stays open while events are handled, and a process that dies
     * mid-way leaves rows that become due again when the lease runs out.
     */
    async lease(limit: number, leaseMs = 30_000): Promise<InboxRow[]> {
      const res = await pool.query(
        `UPDATE webhook_inbox SET next_attempt_at = now() + ($2::double precision * interval '1 millisecond')
          WHERE id IN (SELECT id FROM webhook_inbox WHERE processed_at IS NULL AND next_attempt_at <= now()
                        ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, body, attempts`,
        [limit, leaseMs],
      );
      return (res.rows as InboxRow[]).sort((a, b) => a.id - b.id);
    },

    async markProcessed(id: number, note?: string): Promise<void> {
      await pool.query('UPDATE webhook_inbox SET processed_at = now(), last_error = $2 WHERE id = $1', [
        id,
        note ?? null,
      ]);
    },

    async markFailed(id: number, attempts: number, error: string, retryInMs: number): Promise<void> {
      await pool.query(
        `UPDATE webhook_inbox SET attempts = $2, last_error = $3,
                next_attempt_at = now() + ($4::double precision * interval '1 millisecond') WHERE id = $1`,
        [id, attempts, error.slice(0, 2000), retryInMs],
      );
    },

    async seen(eventKey: string): Promise<boolean> {
      const res = await pool.query('SELECT 1 FROM webhook_events_seen WHERE event_key = $1', [eventKey]);
      return (res.rowCount ?? 0) > 0;
    },

    async markSeen(eventKey: string, inboxId: number): Promise<void> {
      await pool.query(
        'INSERT INTO webhook_events_seen (event_key, inbox_id) VALUES ($1, $2) ON CONFLICT (event_key) DO NOTHING',
        [eventKey, inboxId],
      );
    },
  };
}
