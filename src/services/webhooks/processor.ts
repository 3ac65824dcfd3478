import type { WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import type { Logger } from '../../logger';
import { extractEvents, type WebhookEvent } from '../../meta/webhook-events';
import { webhookEnvelopeSchema } from '../../meta/webhook-schemas';
import { createPoller } from './poller';
import type { HandlerOutcome } from './status-handler';

export type EventHandler = (event: WebhookEvent) => Promise<HandlerOutcome>;

export interface ProcessorOptions {
  /** Retry schedule for events that cannot be applied yet (e.g. a status before its wamid is stored). */
  retryBaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  batchSize?: number;
}

/** Work that lives and dies with the processor (e.g. the escalation forwarder). */
export interface BackgroundWork {
  start(): void;
  stop(): Promise<void>;
}

/**
 * Drains webhook_inbox: each stored body is processed event by event; an event that fails or cannot be applied
 * yet keeps the body pending with backoff, so nothing is lost; events already applied are skipped on retry.
 * Rows left pending by a crash are picked up at start-up, because the loop simply looks for due rows (a row
 * leased by a process that died becomes due when its lease runs out).
 */
export function createWebhookProcessor(
  deps: { inbox: WebhookInboxRepo; handle: EventHandler; log: Logger; background?: BackgroundWork[] },
  opts: ProcessorOptions = {},
) {
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxAttempts = opts.maxAttempts ?? 12;
  const batchSize = opts.batchSize ?? 20;

  async function processRow(row: { id: number; body: unknown; attempts: number }): Promise<void> {
    const envelope = webhookEnvelopeSchema.safeParse(row.body);
    if (!envelope.success) {
      await deps.inbox.markProcessed(row.id, 'not a WhatsApp webhook envelope');
      return;
    }
    const pending: string[] = [];
    // An event that cannot apply yet (an unknown wamid) is given up after maxAttempts; a handler that *threw*
    // (Temporal or PostgreSQL unavailable) is retried for as long as it takes: an outage must not drop events.
    let failedOnError = false;
    for (const event of extractEvents(envelope.data)) {
      if (await deps.inbox.seen(event.key)) continue;
      let outcome: HandlerOutcome;
      try {
        outcome = await deps.handle(event);
      } catch (err) {
        failedOnError = true;
        outcome = { done: false, retry: (err as Error).message };
      }
      if (outcome.done) {
        if (event.kind === 'malformed') deps.log.warn({ inboxId: row.id, problem: event.problem }, 'malformed event');
        await deps.inbox.markSeen(event.key, row.id);
      } else pending.push(`${event.key}: ${outcome.retry}`);
    }
    if (pending.length === 0) {
      await deps.inbox.markProcessed(row.id);
    } else if (row.attempts + 1 >= maxAttempts && !failedOnError) {
      deps.log.warn({ inboxId: row.id, pending }, 'webhook events given up after retries');
      await deps.inbox.markProcessed(row.id, `gave up: ${pending.join('; ')}`);
    } else {
      const delay = Math.min(retryBaseMs * 2 ** row.attempts, 60_000);
      await deps.inbox.markFailed(row.id, row.attempts + 1, pending.join('; '), delay);
    }
  }

  async function drain(stopped: () => boolean = () => false): Promise<void> {
    for (let rows = await deps.inbox.lease(batchSize); rows.length > 0; rows = await deps.inbox.lease(batchSize)) {
      for (const row of rows) await processRow(row);
      if (stopped()) return;
    }
  }

  const poller = createPoller(drain, {
    pollMs: opts.pollMs ?? 250,
    onError: (err) => deps.log.error({ err }, 'webhook processing failed'),
  });

  return {
    start(): void {
      poller.start();
      for (const b of deps.background ?? []) b.start();
    },
    /** Called after a new body is stored, so processing starts at once rather than at the next poll. */
    kick: poller.kick,
    async stop(): Promise<void> {
      await Promise.all([poller.stop(), ...(deps.background ?? []).map((b) => b.stop())]);
    },
    /** One pass over everything due now (tests, tools). */
    drain: () => drain(),
  };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;
