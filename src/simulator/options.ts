import { z } from 'zod';
import { type Clock } from './core/clock';
import { isLogger, type SimLogger } from './core/logger';
import { type Scenario } from './scenario/schema';

const isClock = (v: unknown): v is Clock =>
  typeof v === 'object' && v !== null && ['now', 'setTimeout', 'clearTimeout', 'advance'].every((k) => k in v);

/** Statuses of one number grouped into one POST: at most `maxStatuses`, none waiting longer than `maxWaitMs`. */
export const StatusBatchingSchema = z
  .object({ maxStatuses: z.number().int().min(1).max(1000), maxWaitMs: z.number().int().min(0).max(10_000) })
  .strict();

/** Options of `createSimulator`, validated with zod. */
export const SimulatorOptionsSchema = z.object({
  /** Signs every webhook (`X-Hub-Signature-256`). */
  appSecret: z.string().min(1),
  /** Where webhooks go; without one they are only recorded (`GET /_control/webhooks`). */
  webhookUrl: z.url().optional(),
  /** A built-in scenario name, a YAML/JSON file path, or a scenario object. */
  scenario: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  /** Delay between status steps (sent → delivered → read). */
  statusDelayMs: z.number().int().min(0).max(600_000).default(20),
  /** Time a submitted template waits for its review decision (Meta takes minutes to hours). */
  templateReviewDelayMs: z.number().int().min(0).max(86_400_000).default(1000),
  /** Seed for fault rates, reply probabilities and ids: same seed, same run. */
  seed: z.number().int().optional(),
  logger: z.custom<SimLogger>(isLogger, 'must be a logger (debug/info/warn/error)').optional(),
  /** Time source; default the system clock (movable with `POST /_control/clock`). */
  clock: z.custom<Clock>(isClock, 'must be a Clock').optional(),
  /**
   * Meta retries a webhook with back-off for days; the default compresses that into about a minute (10 tries,
   * 0.1 s doubling to 10 s), so a receiver busy for a few seconds still gets every status, as it would from Meta.
   */
  webhookRetry: z
    .object({
      maxAttempts: z.number().int().min(1).max(50).default(10),
      baseDelayMs: z.number().int().min(0).default(100),
      maxDelayMs: z.number().int().min(0).default(10_000),
      timeoutMs: z.number().int().min(1).default(5000),
    })
    .prefault({}),
  /**
   * Webhook POSTs in flight at once, the rest queued in order: a burst of sends must not open a connection per
   * status against the receiver (Meta delivers with bounded concurrency too).
   */
  webhookConcurrency: z.number().int().min(1).max(10_000).default(64),
  /** Fault timeline offsets are divided by this (tests run `fault-storm` 100× faster). */
  timelineSpeed: z.number().positive().default(1),
  /** Several statuses of one number per POST, as Meta does under load (default: one per POST). */
  webhookStatusBatch: StatusBatchingSchema.optional(),
  /** Webhook records kept for `GET /_control/webhooks`. */
  webhookLogLimit: z.number().int().positive().default(10_000),
  /** The APP entity of health_status. */
  appId: z.string().regex(/^\d+$/).default('900000000000001'),
});

/** What callers pass; `scenario` may be a typed Scenario. */
export type SimulatorOptions = Omit<z.input<typeof SimulatorOptionsSchema>, 'scenario'> & {
  scenario?: Scenario | string;
};
export type ResolvedOptions = z.output<typeof SimulatorOptionsSchema>;
