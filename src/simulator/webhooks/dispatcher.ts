import { type Clock } from '../core/clock';
import { type SimLogger } from '../core/logger';
import { type Scheduler } from '../core/scheduler';
import { type Stats } from '../state/records';
import { metaJson } from './escape';
import { envelope, type WebhookEnvelope } from './payloads';
import { legacySignatureOf, signatureOf } from './signer';

export interface WebhookTarget {
  url?: string;
  appSecret: string;
  /** Several statuses of one number in one POST, as Meta does under load (absent or 1: one per POST). */
  statusBatch?: StatusBatching;
}

export interface StatusBatching {
  /** A POST carries at most this many statuses. */
  maxStatuses: number;
  /** A status waits at most this long for companions. */
  maxWaitMs: number;
}

interface StatusBuffer {
  wabaId: string;
  value: { metadata: unknown; statuses: unknown[] } & Record<string, unknown>;
}

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

export interface WebhookRecord {
  id: string;
  wabaId: string;
  field: string;
  createdAt: number;
  status: 'pending' | 'delivered' | 'given_up' | 'no_target';
  attempts: number;
  lastHttpStatus?: number;
  lastError?: string;
  /** The envelope as an object, and the exact bytes sent and signed. */
  payload: WebhookEnvelope;
  rawBody: string;
  signature: string;
}

export interface DispatcherDeps {
  clock: Clock;
  scheduler: Scheduler;
  logger: SimLogger;
  target: () => WebhookTarget;
  stats: () => Stats;
  retry: RetryPolicy;
  logLimit: number;
  /** POSTs in flight at once; the rest wait their turn (Meta, too, does not open a connection per event). */
  maxConcurrent: number;
}

/**
 * Sends signed webhooks, each on its own: a non-2xx answer or a timeout is retried with exponential backoff
 * (bounded by `retry`), then given up and recorded — at-least-once, no ordering, like Meta (§5.3).
 */
export class WebhookDispatcher {
  private log: WebhookRecord[] = [];
  private abort = new AbortController();
  private nextId = 1;
  private statusBuffers = new Map<string, StatusBuffer>();
  private inFlight = 0;
  private turns: (() => void)[] = [];

  constructor(private readonly deps: DispatcherDeps) {}

  /** Waits for one of the `maxConcurrent` POST slots; `release` hands it to the next waiting POST. */
  private async slot(): Promise<void> {
    if (this.inFlight < this.deps.maxConcurrent) {
      this.inFlight += 1;
      return;
    }
    await new Promise<void>((resolve) => this.turns.push(resolve));
  }

  private release(): void {
    const next = this.turns.shift();
    if (next) next();
    else this.inFlight -= 1;
  }

  /**
   * A `messages` value carrying statuses: sent at once, or, with `statusBatch`, grouped with other statuses of
   * the same number into one POST (flushed when full or after maxWaitMs).
   */
  emitStatuses(wabaId: string, value: StatusBuffer['value'], delayMs = 0): void {
    const batching = this.deps.target().statusBatch;
    if (!batching || batching.maxStatuses <= 1) {
      this.emit(wabaId, 'messages', value, delayMs);
      return;
    }
    if (delayMs > 0) {
      this.deps.scheduler.after(delayMs, () => this.emitStatuses(wabaId, value));
      return;
    }
    const key = `${wabaId}|${(value.metadata as { phone_number_id?: string }).phone_number_id ?? ''}`;
    let buffer = this.statusBuffers.get(key);
    if (!buffer) {
      const fresh: StatusBuffer = { wabaId, value: { ...value, statuses: [] } };
      this.statusBuffers.set(key, fresh);
      this.deps.scheduler.after(batching.maxWaitMs, () => this.flushStatuses(key, fresh));
      buffer = fresh;
    }
    buffer.value.statuses.push(...value.statuses);
    if (buffer.value.statuses.length >= batching.maxStatuses) this.flushStatuses(key, buffer);
  }

  private flushStatuses(key: string, buffer: StatusBuffer): void {
    if (this.statusBuffers.get(key) !== buffer) return; // already flushed (full before its timer)
    this.statusBuffers.delete(key);
    this.emit(buffer.wabaId, 'messages', buffer.value);
  }

  emit(wabaId: string, field: string, value: unknown, delayMs = 0): WebhookRecord {
    const { appSecret } = this.deps.target();
    const now = this.deps.clock.now();
    const payload = envelope(wabaId, field, value, Math.floor(now / 1000));
    const rawBody = metaJson(payload);
    const record: WebhookRecord = {
      id: `wh-${this.nextId++}`,
      wabaId,
      field,
      createdAt: now,
      status: 'pending',
      attempts: 0,
      payload,
      rawBody,
      signature: signatureOf(rawBody, appSecret),
    };
    this.log.push(record);
    // Trimmed in batches: a splice per webhook is quadratic under load.
    if (this.log.length > this.deps.logLimit * 1.25) this.log.splice(0, this.log.length - this.deps.logLimit);
    this.deps.stats().webhooks.queued += 1;
    if (delayMs === 0 && !this.deps.target().url) void this.attempt(record);
    else this.deps.scheduler.after(delayMs, () => this.attempt(record));
    return record;
  }

  records(): readonly WebhookRecord[] {
    return this.log.length > this.deps.logLimit ? this.log.slice(-this.deps.logLimit) : this.log;
  }

  /** Forgets the log and aborts requests in flight (reset). */
  clear(): void {
    this.log = [];
    this.statusBuffers.clear();
    this.abort.abort();
    this.abort = new AbortController();
  }

  close(): void {
    this.abort.abort();
  }

  private async attempt(record: WebhookRecord): Promise<void> {
    const { url, appSecret } = this.deps.target();
    const stats = this.deps.stats();
    if (!url) {
      record.status = 'no_target';
      stats.webhooks.noTarget += 1;
      return;
    }
    const signal = this.abort.signal;
    await this.slot();
    try {
      if (signal.aborted) return;
      record.attempts += 1;
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': record.signature,
          'x-hub-signature': legacySignatureOf(record.rawBody, appSecret),
        },
        body: record.rawBody,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.deps.retry.timeoutMs)]),
      });
      await res.arrayBuffer().catch(() => undefined);
      record.lastHttpStatus = res.status;
      if (res.ok) {
        record.status = 'delivered';
        stats.webhooks.delivered += 1;
        return;
      }
      record.lastError = `HTTP ${res.status}`;
    } catch (err) {
      if (signal.aborted) return;
      record.lastError = (err as Error).message;
    } finally {
      this.release();
    }
    stats.webhooks.failedAttempts += 1;
    this.retryLater(record);
  }

  private retryLater(record: WebhookRecord): void {
    const { maxAttempts, baseDelayMs, maxDelayMs } = this.deps.retry;
    if (record.attempts >= maxAttempts) {
      record.status = 'given_up';
      this.deps.stats().webhooks.givenUp += 1;
      this.deps.logger.warn({ id: record.id, field: record.field, error: record.lastError }, 'webhook given up');
      return;
    }
    const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (record.attempts - 1));
    this.deps.scheduler.after(delay, () => this.attempt(record));
  }
}

/** Meta's verification handshake (§5.1), initiated by the simulator: GET with hub.* and expect the challenge. */
export async function verifyEndpoint(
  url: string,
  verifyToken: string,
  challenge: string,
  timeoutMs: number,
): Promise<{ verified: boolean; httpStatus?: number; error?: string }> {
  const target = new URL(url);
  target.searchParams.set('hub.mode', 'subscribe');
  target.searchParams.set('hub.verify_token', verifyToken);
  target.searchParams.set('hub.challenge', challenge);
  try {
    const res = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    const body = await res.text();
    return { verified: res.ok && body.trim() === challenge, httpStatus: res.status };
  } catch (err) {
    return { verified: false, error: (err as Error).message };
  }
}
