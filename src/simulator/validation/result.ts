import { type z } from 'zod';
import { errorSpec } from '../errors/catalog';

/** A rejected send as Meta would answer it: code, HTTP status, title and a `details` string naming the field. */
export interface ValidationFailure {
  ok: false;
  code: number;
  httpStatus: number;
  title: string;
  details: string;
}

export function failure(code: number, details: string): ValidationFailure {
  const spec = errorSpec(code);
  return { ok: false, code, httpStatus: spec.httpStatus, title: spec.title, details };
}

/** Custom zod issues carry the Meta code they stand for in `params.metaCode`. */
export function metaIssue(ctx: z.RefinementCtx, path: (string | number)[], message: string, metaCode = 131009): void {
  ctx.addIssue({ code: 'custom', path, message, params: { metaCode } });
}

/**
 * Maps the first zod issue to Meta's code: a missing field is 131008 ("Required parameter is missing"), a value
 * over a limit or breaking a rule is 131009 ("Parameter value is not valid"), a wrong type is 100.
 */
export function fromZodIssues(issues: readonly z.core.$ZodIssue[], prefix: string): ValidationFailure {
  const issue = issues[0];
  if (!issue) return failure(100, `${prefix}: invalid`);
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
  const params = (issue as { params?: { metaCode?: number } }).params;
  if (params?.metaCode !== undefined) return failure(params.metaCode, `${path}: ${issue.message}`);
  const missing = (issue as { input?: unknown }).input === undefined && issue.code !== 'custom';
  if (missing && (issue.code === 'invalid_type' || issue.code === 'invalid_value' || issue.code === 'invalid_union')) {
    return failure(131008, `Parameter '${path}' is required`);
  }
  if (['too_big', 'too_small', 'custom', 'invalid_format', 'not_multiple_of'].includes(issue.code)) {
    return failure(131009, `${path}: ${issue.message}`);
  }
  return failure(100, `${path}: ${issue.message}`);
}

/** Parses with zod and answers Meta's failure on the first issue. */
export function parseMeta<T extends z.ZodType>(
  schema: T,
  value: unknown,
  prefix: string,
): { ok: true; value: z.output<T> } | ValidationFailure {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? { ok: true, value: result.data } : fromZodIssues(result.error.issues, prefix);
}
