import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "250ms", "90s", "15m", "24h", "7d" or a number of milliseconds. */
export const durationSchema = z.union([
  z.number().int().min(0),
  z
    .string()
    .regex(/^\d+(\.\d+)?(ms|s|m|h|d)$/, 'must be a duration like "90s", "15m", "24h" or "7d"')
    .transform((s) => {
      const [, num, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s)!;
      return Math.round(Number(num) * UNIT_MS[unit as keyof typeof UNIT_MS]);
    }),
]);
