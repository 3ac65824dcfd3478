import { z } from 'zod';
import { type Clock } from './core/clock';
import { isLogger, type SimLogger } from './core/logger';
import { type Scenario } from './scenario/schema';

const isClock = (v: unknown): v is Clock =>
  typeof v === 'object' && v !== null && ['now', 'setTimeout', 'clearTimeout', 'advance'].every((k) => k in v);

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
  /** Seed for fault rates, reply probabilities and ids: same seed, same run. */
  seed: z.number().int().optional(),
  logger: z.custom<SimLogger>(isLogger, 'must be a logger (debug/info/warn/error)').optional(),
  /** Time source; default the system clock (movable with `POST /_control/clock`). */
  clock: z.custom<Clock>(isClock, 'must be a Clock').optional(),
  webhookRetry: z
    .object({
      maxAttempts: z.number().int().min(1).max(50).default(5),
      baseDelayMs: z.number().int().min(0).default(100),
      maxDelayMs: z.number().int().min(0).default(5000),
      timeoutMs: z.number().int().min(1).default(5000),
    })
    .prefault({}),
  /** Fault timeline offsets are divided by this (tests run `fault-storm` 100× faster). */
  timelineSpeed: z.number().positive().default(1),
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
