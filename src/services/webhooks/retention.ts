import type { WebhookDeadLettersRepo } from '../../db/repositories/webhook-dead-letters';
import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import type { WebhookStatusesRepo } from '../../db/repositories/webhook-statuses';

export interface RetentionOptions {
  /** How often the job runs (default 10 minutes; also once at start). */
  everyMs?: number;
  /** Processed bodies (and their seen-event keys) are kept this long: longer than Meta retries a delivery. */
  inboxMs?: number;
  deadLetterMs?: number;
  /** A status whose wamid never gets stored is dead-lettered after this long. */
  waitingMs?: number;
  /** Rows per DELETE, so no statement holds locks for long. */
  chunk?: number;
}

const DAY = 86_400_000;

/**
 * The processor's own periodic task: prunes webhook_inbox (the dedupe keys of webhook_events_seen go with their
 * bodies), old dead letters, and dead-letters statuses that waited too long for their wamid. Every processor
 * runs it; deletes are chunked and idempotent, so concurrent runs only share the work.
 */
export function createRetention(
  deps: {
    inbox: WebhookInboxRepo;
    statuses: WebhookStatusesRepo;
    deadLetters: WebhookDeadLettersRepo;
    onError: (err: unknown) => void;
  },
  opts: RetentionOptions = {},
) {
  const everyMs = opts.everyMs ?? 600_000;
  const chunk = opts.chunk ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function drainChunks(step: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let n = await step(); n > 0; n = n >= chunk ? await step() : 0) total += n;
    return total;
  }

  async function runOnce() {
    const expired = await drainChunks(async () => {
      const rows = await deps.statuses.expire(opts.waitingMs ?? 7 * DAY, chunk);
      await deps.deadLetters.add(
        rows.map((r) => ({
          eventKey: r.key,
          inboxId: null,
          verifiedTenantId: r.verifiedTenantId,
          kind: 'status',
          reason: 'its wamid was never stored',
          attempts: 1,
          event: r.event,
        })),
      );
      return rows.length;
    });
    const inbox = await drainChunks(() => deps.inbox.pruneProcessed(opts.inboxMs ?? 7 * DAY, chunk));
    const deadLetters = await drainChunks(() => deps.deadLetters.prune(opts.deadLetterMs ?? 30 * DAY, chunk));
    return { expired, inbox, deadLetters };
  }

  function tick(): void {
    running = runOnce()
      .catch(deps.onError)
      .finally(() => {
        running = undefined;
        if (timer) {
          timer = setTimeout(tick, everyMs);
          timer.unref();
        }
      });
  }

  return {
    start(): void {
      timer = setTimeout(tick, 0);
      timer.unref();
    },
    async stop(): Promise<void> {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
    runOnce,
  };
}
