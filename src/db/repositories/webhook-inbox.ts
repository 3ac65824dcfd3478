import type { Pool } from '../pool';

/** The channel notified after bodies are stored: processors in other processes wake on it. */
export const INBOX_CHANNEL = 'webhook_inbox';

export interface InboxRow {
  id: number;
  body: unknown;
  attempts: number;
  /** The tenant whose own app secret verified the body; null = the platform secret. */
  verifiedTenantId: string | null;
}

export interface InboxItem {
  dedupeKey: string;
  /** The body as storable JSON text (toStorableJson). */
  json: string;
  verifiedTenantId: string | null;
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
    /**
     * Stores verified bodies in one statement; the same key delivered again (in this batch or earlier) is a
     * no-op. Returns, per item, whether it was new.
     */
    async storeMany(items: readonly InboxItem[]): Promise<boolean[]> {
      // Processors in other processes LISTEN on the channel (identical notifications of one statement are one).
      const res = await pool.query(
        `WITH stored AS (
           INSERT INTO webhook_inbox (dedupe_key, body, verified_tenant_id)
           SELECT * FROM unnest($1::text[], $2::jsonb[], $3::uuid[])
           ON CONFLICT (dedupe_key) DO NOTHING RETURNING dedupe_key)
         SELECT dedupe_key, pg_notify('${INBOX_CHANNEL}', '') FROM stored`,
        [items.map((i) => i.dedupeKey), items.map((i) => i.json), items.map((i) => i.verifiedTenantId)],
      );
      const inserted = new Set(res.rows.map((r: { dedupe_key: string }) => r.dedupe_key));
      // Two identical bodies in one batch: only the first counts as new.
      return items.map((i) => inserted.delete(i.dedupeKey));
    },

    /**
     * Leases due rows for processing (SKIP LOCKED lets several processors share the inbox). The lease is a
     * pushed-back next_attempt_at, so no transaction stays open while events are handled, and a process that dies
     * mid-way leaves rows that become due again when the lease runs out.
     */
    async lease(limit: number, leaseMs = 30_000): Promise<InboxRow[]> {
      const res = await pool.query(
        `UPDATE webhook_inbox SET next_attempt_at = now() + ($2::double precision * interval '1 millisecond')
          WHERE id IN (SELECT id FROM webhook_inbox WHERE processed_at IS NULL AND next_attempt_at <= now()
                        ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id, body, attempts, verified_tenant_id AS "verifiedTenantId"`,
        [limit, leaseMs],
      );
      return (res.rows as InboxRow[]).sort((a, b) => a.id - b.id);
    },

    /** Ends rows in one statement, each with its note (null: nothing to say). */
    async markProcessed(rows: readonly { id: number; note?: string }[]): Promise<void> {
      if (rows.length === 0) return;
      await pool.query(
        `UPDATE webhook_inbox i SET processed_at = now(), last_error = r.note
           FROM unnest($1::bigint[], $2::text[]) AS r(id, note) WHERE i.id = r.id`,
        [rows.map((r) => r.id), rows.map((r) => r.note?.slice(0, 2000) ?? null)],
      );
    },

    /** Back to pending after `retryInMs`; `attempts` counts the event's own failures (outages do not count). */
    async retryLater(id: number, attempts: number, error: string, retryInMs: number): Promise<void> {
      await pool.query(
        `UPDATE webhook_inbox SET attempts = $2, last_error = $3,
                next_attempt_at = now() + ($4::double precision * interval '1 millisecond') WHERE id = $1`,
        [id, attempts, error.slice(0, 2000), retryInMs],
      );
    },

    /** An outage: these rows become due again after `retryInMs`, no attempt counted. */
    async postpone(ids: readonly number[], error: string, retryInMs: number): Promise<void> {
      await pool.query(
        `UPDATE webhook_inbox SET last_error = $2,
                next_attempt_at = now() + ($3::double precision * interval '1 millisecond') WHERE id = ANY($1::bigint[])`,
        [ids, error.slice(0, 2000), retryInMs],
      );
    },

    /** Which of these event keys were applied before (from any body). */
    async seenAmong(keys: readonly string[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const res = await pool.query('SELECT event_key FROM webhook_events_seen WHERE event_key = ANY($1::text[])', [
        keys,
      ]);
      return new Set(res.rows.map((r: { event_key: string }) => r.event_key));
    },

    async markSeen(events: readonly { key: string; inboxId: number }[]): Promise<void> {
      if (events.length === 0) return;
      await pool.query(
        `INSERT INTO webhook_events_seen (event_key, inbox_id) SELECT * FROM unnest($1::text[], $2::bigint[])
         ON CONFLICT (event_key) DO NOTHING`,
        [events.map((e) => e.key), events.map((e) => e.inboxId)],
      );
    },

    /**
     * Deletes processed bodies older than `olderThanMs` (their seen-event keys go with them), `limit` at a time so
     * no statement holds locks for long. Returns how many went.
     */
    async pruneProcessed(olderThanMs: number, limit: number): Promise<number> {
      const res = await pool.query(
        `DELETE FROM webhook_inbox WHERE id IN (
           SELECT id FROM webhook_inbox WHERE processed_at < now() - ($1::double precision * interval '1 millisecond')
            ORDER BY processed_at LIMIT $2)`,
        [olderThanMs, limit],
      );
      return res.rowCount ?? 0;
    },
  };
}
