import { z } from 'zod';
import { durationSchema } from './domain/duration';

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
  .transform((s) => durationSchema.parse(/^\d+$/.test(s) ? Number(s) : s));

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/lifeline'),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
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
  /** How often the Temporal Schedule refreshes every registered WABA from Meta ("90s", "5m", "1h"). */
  REGISTRY_REFRESH_INTERVAL: durationVar.prefault('5m').refine((ms) => ms >= 1_000, 'must be at least 1s'),
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
