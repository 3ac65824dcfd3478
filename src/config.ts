import { z } from 'zod';
import { productionSecretIssues } from './config-production';
import { durationSchema } from './domain/safe-input';

/** Webhook requests one API process reads, verifies or stores at once (docs/webhooks.md, admission). */
export const DEFAULT_WEBHOOK_MAX_IN_FLIGHT = 2000;

/**
 * The one place that reads the environment. Everything else receives a parsed `Config`.
 * Defaults are the embedded development defaults; production sets every secret explicitly.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const hexKey = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex characters (a 256-bit key)')
  .describe('AES-256-GCM key for access tokens at rest');

/** A duration variable: "90s", "5m", "1h", "1d", or plain milliseconds. */
const durationVar = z
  .string()
  .regex(/^(\d+|\d+(\.\d+)?(ms|s|m|h|d))$/, 'must be a duration like "90s", "5m" or "1h"')
  .transform((s): number | string => (/^\d+$/.test(s) ? Number(s) : s))
  .pipe(durationSchema);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/lifeline'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** Port of the embedded PostgreSQL `npm start` starts when DATABASE_URL does not answer (docs/deployment.md). */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  MIGRATE_ON_BOOT: booleanFlag.default(false),
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('lifeline'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  PUBLIC_URL: z.url().optional(),
  ADMIN_API_KEY: z.string().min(16, 'must be at least 16 characters').default('dev-admin-key-change-me'),
  ENCRYPTION_KEY: hexKey.default('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff'),
  META_GRAPH_URL: z.url().default('https://graph.facebook.com'),
  META_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/, 'must look like v23.0')
    .default('v23.0'),
  META_APP_SECRET: z.string().min(8, 'must be at least 8 characters').default('dev-app-secret'),
  META_HTTP_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WEBHOOK_VERIFY_TOKEN: z.string().min(1).default('dev-verify-token'),
  WEBHOOK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(10_000_000).default(3_000_000),
  WEBHOOK_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_WEBHOOK_MAX_IN_FLIGHT),
  /** `inline`: the API also drains the webhook inbox; `off`: only `npm run webhooks` processes do (docs/webhooks.md). */
  WEBHOOK_PROCESSOR: z.enum(['inline', 'off']).default('inline'),
  /** How often the Temporal Schedule refreshes every registered WABA from Meta ("90s", "5m", "1h"). */
  REGISTRY_REFRESH_INTERVAL: durationVar.prefault('5m').refine((ms) => ms >= 1_000, 'must be at least 1s'),
  /** Milliseconds to wait for a PostgreSQL connection, and the server-side limit on one statement. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** Keys retired from ENCRYPTION_KEY, comma-separated: they still open what they sealed (docs/security.md). */
  ENCRYPTION_OLD_KEYS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((k) => k.trim())
        .filter(Boolean),
    )
    .pipe(z.array(hexKey)),
  /** When set, GET /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** The worker's own `/metrics` listener (on HOST); 0 = none (docs/console.md, "Metrics"). */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** The standalone webhook processor's `/metrics` listener (on HOST); 0 = none. */
  WEBHOOKS_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Per-tenant request budget: RATE_LIMIT_REQUESTS per RATE_LIMIT_WINDOW (fixed window), then 429. */
  RATE_LIMIT_REQUESTS: z.coerce.number().int().min(1).max(10_000_000).default(20_000),
  RATE_LIMIT_WINDOW: durationVar.prefault('10s').refine((ms) => ms >= 1_000 && ms <= 86_400_000, 'must be 1s to 1d'),
  /** `postgres` shares the budget between API processes; `memory` counts per process. */
  RATE_LIMIT_STORE: z.enum(['postgres', 'memory']).default('postgres'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment-like record; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // An empty string means "unset" for every variable: shells and compose files produce them easily.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  // Production never starts on a development secret (docs/security.md, "Production refuses development defaults").
  const unsafe = result.data.NODE_ENV === 'production' ? productionSecretIssues(result.data) : [];
  if (unsafe.length > 0) throw new ConfigError(unsafe);
  return result.data;
}

/** For process entry points: parse or print the problem and exit. */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
}
