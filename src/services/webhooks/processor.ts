import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import type { Logger } from '../../logger';
import { extractEvents, type WebhookEvent } from '../../meta/webhook-events';
import { webhookEnvelopeSchema } from '../../meta/webhook-schemas';
import type { HandlerOutcome } from './status-handler';

export type EventHandler = (event: WebhookEvent) => Promise<HandlerOutcome>;

export interface ProcessorOptions {
  /** Retry schedule for events that cannot be applied yet (e.g. a status before its wamid is stored). */
  retryBaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  batchSize?: number;
}

/**
 * Drains webhook_inbox: each stored body is processed event by event; an event that fails or cannot be applied
 * yet keeps the body pending with backoff, so nothing is lost; events already applied are skipped on retry.
 * Rows left pending by a crash are picked up at start-up, because the loop simply looks for due rows.
 */
export function createWebhookProcessor(
  deps: { inbox: WebhookInboxRepo; handle: EventHandler; log: Logger },
  opts: ProcessorOptions = {},
) {
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxAttempts = opts.maxAttempts ?? 12;
  const pollMs = opts.pollMs ?? 250;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;

  async function processRow(row: { id: number; body: unknown; attempts: number }): Promise<void> {
    const envelope = webhookEnvelopeSchema.safeParse(row.body);
    if (!envelope.success) {
      await deps.inbox.markProcessed(row.id, 'not a WhatsApp webhook envelope');
      return;
    }
    const pending: string[] = [];
    for (const event of extractEvents(envelope.data)) {
      if (await deps.inbox.seen(event.key)) continue;
      let outcome: HandlerOutcome;
      try {
        outcome = await deps.handle(event);
      } catch (err) {
        outcome = { done: false, retry: (err as Error).message };
      }
      if (outcome.done) await deps.inbox.markSeen(event.key, row.id);
      else pending.push(`${event.key}: ${outcome.retry}`);
    }
    if (pending.length === 0) {
      await deps.inbox.markProcessed(row.id);
    } else if (row.attempts + 1 >= maxAttempts) {
      deps.log.warn({ inboxId: row.id, pending }, 'webhook events given up after retries');
      await deps.inbox.markProcessed(row.id, `gave up: ${pending.join('; ')}`);
    } else {
      const delay = Math.min(retryBaseMs * 2 ** row.attempts, 60_000);
      await deps.inbox.markFailed(row.id, row.attempts + 1, pending.join('; '), delay);
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      for (let rows = await deps.inbox.lease(20); rows.length > 0 && !stopped; rows = await deps.inbox.lease(20)) {
        for (const row of rows) await processRow(row);
      }
    } while (again && !stopped);
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((err: unknown) => deps.log.error({ err }, 'webhook processing failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, pollMs);
      });
  }

  return {
    start(): void {
      stopped = false;
      tick();
    },
    /** Called after a new body is stored, so processing starts at once rather than at the next poll. */
    kick(): void {
      if (timer) clearTimeout(timer);
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
    drain,
  };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;
