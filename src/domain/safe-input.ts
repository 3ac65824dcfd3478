import { z } from 'zod';

/**
 * The shared input schemas (docs/security.md, "Hostile input"): every string, number, date and duration that comes
 * from outside goes through one of these, so the same limits hold on every route.
 */

/** A UTF-16 surrogate without its partner: not a character, and PostgreSQL/JSON encoders replace or refuse it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a string cannot be stored as text, or undefined when it can. */
export function unsafeTextProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL (\\u0000) characters';
  if (LONE_SURROGATE.test(s)) return 'must be well-formed Unicode (no lone surrogates)';
  return undefined;
}

/** Text stored or forwarded as is: no NUL, no lone surrogates, 1..max characters (min 0 allows empty). */
export function safeText(max: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(max)
    .superRefine((s, ctx) => {
      const problem = unsafeTextProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/** Text that must also match a pattern (ids, names, keys); the pattern alone rules out NUL and surrogates. */
export function patternText(pattern: RegExp, message: string, max = 512) {
  return safeText(max).regex(pattern, message);
}

/** An integer within [min, max]. */
export const boundedInt = (min: number, max: number) => z.number().int().min(min).max(max);

/** A finite number within [min, max]. */
export const boundedNumber = (min: number, max: number) => z.number().min(min).max(max);

/** The years a timestamp may name: PostgreSQL stores far more, but nothing Lifeline handles lies outside these. */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 9999;

/** An ISO 8601 date-time with an offset, in years MIN_YEAR..MAX_YEAR. */
export const isoDateTime = z.iso.datetime({ offset: true }).refine((s) => {
  const t = Date.parse(s);
  if (!Number.isFinite(t)) return false;
  const year = new Date(t).getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR;
}, `must be a date-time between ${MIN_YEAR} and ${MAX_YEAR}`);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** The longest duration anything takes (a deadline, a consent wait, a retry round): one year. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** "250ms", "90s", "15m", "24h", "7d" or a number of milliseconds; 0..MAX_DURATION_MS. */
export const durationSchema = z.union([
  z.number().int().min(0).max(MAX_DURATION_MS, 'must be at most 366 days'),
  z
    .string()
    .max(24)
    .regex(/^\d{1,12}(\.\d{1,6})?(ms|s|m|h|d)$/, 'must be a duration like "90s", "15m", "24h" or "7d"')
    .transform((s) => {
      const [, num, unit] = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(s)!;
      return Math.round(Number(num) * UNIT_MS[unit as keyof typeof UNIT_MS]);
    })
    .pipe(z.number().int().max(MAX_DURATION_MS, 'must be at most 366 days')),
]);
