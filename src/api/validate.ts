import type { Request } from 'express';
import type { z } from 'zod';
import { HttpError, zodDetails } from './errors';

type Part = 'body' | 'params' | 'query';

/** Parses one part of the request with a zod schema; a failure is a 400 naming every bad field. */
export function parse<T extends z.ZodTypeAny>(req: Request, part: Part, schema: T): z.infer<T> {
  const input: unknown = part === 'body' ? (req.body ?? {}) : req[part];
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new HttpError(400, 'validation_failed', `invalid ${part}`, zodDetails(result.error, part));
  }
  return result.data;
}
