import type { DeadLetter, WebhookDeadLettersRepo } from '../../db/repositories/webhook-dead-letters';
import type { InboxRow, WebhookInboxRepo } from '../../db/repositories/webhook-inbox';
import type { WebhookStatusesRepo } from '../../db/repositories/webhook-statuses';
import type { Logger } from '../../logger';
import { extractEvents, type WebhookEvent } from '../../meta/webhook-events';
import { webhookEnvelopeSchema } from '../../meta/webhook-schemas';
import { isInfrastructureError } from '../infrastructure-errors';
import type { EventHandler, SingleEvent } from './dispatcher';
import { createPoller } from './poller';
import { createRetention, type RetentionOptions } from './retention';
import type { StatusBatch, StatusEvent, StatusItem } from './status-batch';
import type { Verifier } from './tenant-scope';

export interface ProcessorOptions {
  /** Back-off base for events whose handler failed (bounded by maxAttempts, then dead-lettered). */
  retryBaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  /** Inbox rows leased per pass (each holds one or more events). */
  batchSize?: number;
  leaseMs?: number;
  /** Delay before retrying after the database or Temporal was unavailable (never counted as an attempt). */
  outageRetryMs?: number;
  /** Retention of processed bodies, dead letters and statuses still waiting; `false` turns the job off. */
  retention?: RetentionOptions | false;
}

/** Work that lives and dies with the processor (e.g. the escalation forwarder). */
export interface BackgroundWork {
  start(): void;
  stop(): Promise<void>;
}

interface Pending {
  row: InboxRow;
  event: WebhookEvent;
}

/**
 * An event's dedupe key within its verifier: what a tenant's secret signed never marks the platform's (or another
 * tenant's) copy of the same event as seen, so a forged body cannot suppress the genuine one.
 */
const scopedKey = (row: { verifiedTenantId: string | null }, key: string) =>
  row.verifiedTenantId === null ? key : `tenant:${row.verifiedTenantId}:${key}`;

/** One event's own failure (not an outage), with the error it raised. */
class EventFailure {
  constructor(readonly reason: string) {}
}

const reasonOf = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

/**
 * Drains webhook_inbox in batches: lease rows (SKIP LOCKED, so processors run side by side), parse, skip events
 * seen before, apply all statuses of the batch set-based, handle the other events one by one, then record what
 * was applied and end the rows in a few statements. Content that can never apply is dead-lettered with its
 * reason: at once when it does not parse, after maxAttempts when a handler keeps failing on it. An outage
 * (database, Temporal) postpones the batch without counting an attempt. Statuses waiting for their wamid are
 * applied as soon as it is stored. One failing event never holds back its siblings: a batch that fails is split
 * until the failing events are isolated.
 */
export function createWebhookProcessor(
  deps: {
    inbox: WebhookInboxRepo;
    statuses: WebhookStatusesRepo;
    deadLetters: WebhookDeadLettersRepo;
    statusBatch: StatusBatch;
    handle: EventHandler;
    log: Logger;
    background?: BackgroundWork[];
  },
  opts: ProcessorOptions = {},
) {
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxAttempts = opts.maxAttempts ?? 8;
  const batchSize = opts.batchSize ?? 200;
  const outageRetryMs = opts.outageRetryMs ?? 2_000;
  const retention =
    opts.retention === false ? undefined : createRetention({ ...deps, onError: logError }, opts.retention);

  function logError(err: unknown): void {
    deps.log.error({ err }, 'webhook processing failed');
  }

  /** Runs fn over items; a non-outage error splits the items until each failing one is alone. */
  async function isolate<T, R>(items: T[], fn: (items: T[]) => Promise<R[]>): Promise<(R | EventFailure)[]> {
    if (items.length === 0) return [];
    try {
      return await fn(items);
    } catch (err) {
      if (isInfrastructureError(err)) throw err;
      if (items.length === 1) return [new EventFailure(reasonOf(err))];
      const mid = Math.ceil(items.length / 2);
      return [...(await isolate(items.slice(0, mid), fn)), ...(await isolate(items.slice(mid), fn))];
    }
  }

  async function handleOne(event: SingleEvent, verifier: Verifier): Promise<string | undefined> {
    const outcome = await deps.handle(event, verifier);
    if (!outcome.done) throw new Error(outcome.retry);
    return outcome.note;
  }

  async function processRows(rows: InboxRow[]): Promise<void> {
    const pending: Pending[] = [];
    const ended: { id: number; note?: string }[] = [];
    for (const row of rows) {
      const envelope = webhookEnvelopeSchema.safeParse(row.body);
      if (!envelope.success) ended.push({ id: row.id, note: 'not a WhatsApp webhook envelope' });
      else
        for (const event of extractEvents(envelope.data))
          pending.push({ row, event: { ...event, key: scopedKey(row, event.key) } });
    }
    const seen = await deps.inbox.seenAmong(pending.map((p) => p.event.key));
    const fresh = pending.filter((p) => !seen.has(p.event.key) && (seen.add(p.event.key), true));

    const done: Pending[] = [];
    const notes = new Map<number, string[]>();
    const note = (p: Pending, text: string) => notes.set(p.row.id, [...(notes.get(p.row.id) ?? []), text]);
    const failed = new Map<number, { p: Pending; reason: string }[]>();
    const fail = (p: Pending, reason: string) => failed.set(p.row.id, [...(failed.get(p.row.id) ?? []), { p, reason }]);
    const letters: DeadLetter[] = [];
    const statuses: Pending[] = [];

    for (const p of fresh) {
      const e = p.event;
      if (e.kind === 'status') statuses.push(p);
      else if (e.kind === 'ignored') done.push(p);
      else if (e.kind === 'malformed') {
        letters.push(letter(p, e.problem, 1, e.raw));
        done.push(p);
      }
    }

    const verifierOf = (row: InboxRow): Verifier => ({ tenantId: row.verifiedTenantId });
    const outcomes = await isolate(statuses, (batch) =>
      deps.statusBatch.apply(
        batch.map((p): StatusItem => ({ event: p.event as StatusEvent, verifier: verifierOf(p.row) })),
        { park: true },
      ),
    );
    statuses.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o instanceof EventFailure) return fail(p, o.reason);
      if (o === 'refused') note(p, `${p.event.key}: refused (not the signing tenant's)`);
      done.push(p);
    });

    for (const p of fresh) {
      const e = p.event;
      if (e.kind !== 'inbound' && e.kind !== 'user_preference' && e.kind !== 'health') continue;
      const [result] = await isolate([e], async ([one]) => [await handleOne(one!, verifierOf(p.row))]);
      if (result instanceof EventFailure) fail(p, result.reason);
      else {
        if (result) note(p, result);
        done.push(p);
      }
    }

    await deps.deadLetters.add(letters);
    await deps.inbox.markSeen(done.map((p) => ({ key: p.event.key, inboxId: p.row.id })));
    for (const row of rows) {
      if (ended.some((e) => e.id === row.id)) continue;
      const failures = failed.get(row.id);
      const rowNotes = notes.get(row.id);
      if (!failures) {
        ended.push({ id: row.id, note: rowNotes?.join('; ') });
        continue;
      }
      const attempts = row.attempts + 1;
      const reasons = failures.map((f) => `${f.p.event.key}: ${f.reason}`).join('; ');
      if (attempts >= maxAttempts) {
        deps.log.warn({ inboxId: row.id, reasons }, 'webhook events dead-lettered after retries');
        await deps.deadLetters.add(failures.map((f) => letter(f.p, f.reason, attempts, f.p.event)));
        ended.push({ id: row.id, note: `dead-lettered: ${reasons}` });
      } else {
        await deps.inbox.retryLater(row.id, attempts, reasons, Math.min(retryBaseMs * 2 ** row.attempts, 60_000));
      }
    }
    await deps.inbox.markProcessed(ended);
  }

  function letter(p: Pending, reason: string, attempts: number, event: unknown): DeadLetter {
    return {
      eventKey: p.event.key,
      inboxId: p.row.id,
      verifiedTenantId: p.row.verifiedTenantId,
      kind: p.event.kind,
      reason,
      attempts,
      event,
    };
  }

  // Looking for waiting statuses whose wamid arrived scans the waiting set: at most once a second while it finds
  // nothing (statuses of wamids that never come cost a scan per second, not one per pass).
  let routableCheckedAt = -Infinity;

  /** Statuses that waited for their wamid, now stored: applied, then removed (a failing one is dead-lettered). */
  async function applyRoutable(): Promise<number> {
    if (Date.now() - routableCheckedAt < 1_000) return 0;
    const waiting = await deps.statuses.leaseRoutable(batchSize);
    routableCheckedAt = waiting.length === 0 ? Date.now() : -Infinity;
    if (waiting.length === 0) return 0;
    const items = waiting.map((w): StatusItem => ({
      event: w.event as StatusEvent,
      verifier: { tenantId: w.verifiedTenantId },
    }));
    const outcomes = await isolate(items, (batch) => deps.statusBatch.apply(batch, { park: false }));
    const letters = waiting.flatMap((w, i) => {
      const o = outcomes[i];
      if (!(o instanceof EventFailure)) return [];
      const event = items[i]!.event;
      return [
        {
          eventKey: event.key,
          inboxId: null,
          verifiedTenantId: w.verifiedTenantId,
          kind: 'status',
          reason: o.reason,
          attempts: 1,
          event,
        },
      ];
    });
    await deps.deadLetters.add(letters);
    await deps.statuses.unpark(waiting.map((w) => w.id));
    return waiting.length;
  }

  async function drain(stopped: () => boolean = () => false): Promise<void> {
    for (;;) {
      const adopted = await applyRoutable();
      const rows = await deps.inbox.lease(batchSize, opts.leaseMs);
      if (rows.length > 0) {
        try {
          await processRows(rows);
        } catch (err) {
          if (!isInfrastructureError(err)) throw err;
          // An outage: nothing of this batch is lost (applied events are idempotent); try again a little later.
          deps.log.warn(
            { err: reasonOf(err), rows: rows.length },
            'webhook batch postponed: infrastructure unavailable',
          );
          await deps.inbox
            .postpone(
              rows.map((r) => r.id),
              reasonOf(err),
              outageRetryMs,
            )
            .catch(() => undefined);
          return;
        }
      }
      if ((rows.length === 0 && adopted === 0) || stopped()) return;
    }
  }

  const poller = createPoller(drain, { pollMs: opts.pollMs ?? 250, onError: logError });

  return {
    start(): void {
      poller.start();
      retention?.start();
      for (const b of deps.background ?? []) b.start();
    },
    /** Called after new bodies are stored, so processing starts at once rather than at the next poll. */
    kick: poller.kick,
    async stop(): Promise<void> {
      await Promise.all([poller.stop(), retention?.stop(), ...(deps.background ?? []).map((b) => b.stop())]);
    },
    /** One pass over everything due now (tests, tools). */
    drain: () => drain(),
    /** One retention pass now (tests, tools). */
    prune: () => retention?.runOnce(),
  };
}

export type WebhookProcessor = ReturnType<typeof createWebhookProcessor>;
