/**
 * The one order every writer of a campaign recipient's rows locks them in (docs/campaigns.md): its attempts by id,
 * then its messages by id, before it changes any. A chunk's outcome write (`campaign-queue.ts`), the webhook
 * processor's attempt fold (`webhook-statuses.ts`) and its campaign fold (`campaign-statuses.ts`) run at once on
 * the same rows; locked as their plans happened to reach them, they deadlocked 15–25 times per campaign in the
 * campaign benchmark, each deadlock stalling both statements for PostgreSQL's `deadlock_timeout` (1 s).
 *
 * `lockedRows` is a statement's CTEs (`locked_attempts`, `locked_messages`, `locked`) for the attempt and message
 * ids its subqueries name (`locked_attempts` may be used by the messages subquery); every write of the statement
 * waits for them with `AFTER_LOCKS` in its WHERE clause.
 */
export function lockedRows(ids: { attempts?: string; messages: string }): string {
  return `locked_attempts AS (
           SELECT ma.id, ma.message_id FROM message_attempts ma WHERE ma.id IN (${ids.attempts ?? 'SELECT NULL::text WHERE false'})
            ORDER BY ma.id FOR UPDATE),
         locked_messages AS (
           SELECT m.id FROM messages m WHERE m.id IN (${ids.messages}) AND (SELECT count(*) FROM locked_attempts) >= 0
            ORDER BY m.id FOR UPDATE),
         locked AS (SELECT count(*) AS n FROM locked_messages)`;
}

/** A write's condition that holds once the statement's rows are locked (`lockedRows`). */
export const AFTER_LOCKS = '(SELECT n FROM locked) >= 0';
