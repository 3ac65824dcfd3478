import type { RequestHandler } from 'express';
import { unsafeTextProblem } from '../domain/safe-input';
import { HttpError } from './errors';

/** Deeper JSON than this is no request Lifeline understands; refusing it early bounds every later walk. */
export const MAX_JSON_DEPTH = 32;

/**
 * The first string (value or key) in `value` that cannot be stored as text, or a nesting deeper than MAX_JSON_DEPTH,
 * as `{ field, message }`. Iterative, so a hostile nesting cannot overflow the stack.
 */
export function findUnsafeInput(value: unknown, where: string): { field: string; message: string } | undefined {
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      const problem = unsafeTextProblem(v);
      if (problem) return { field: path, message: problem };
    } else if (v !== null && typeof v === 'object') {
      if (depth >= MAX_JSON_DEPTH) return { field: path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
      for (const [k, child] of Object.entries(v)) {
        const problem = unsafeTextProblem(k);
        if (problem) return { field: path, message: `a key ${problem}` };
        stack.push({ v: child, path: `${path}.${k}`, depth: depth + 1 });
      }
    }
  }
  return undefined;
}

/**
 * A backstop behind the shared schemas (src/domain/safe-input.ts): no JSON body or query string carrying NUL, a lone
 * surrogate or absurd nesting reaches a route, whichever route it is — including ones that keep parts of the body
 * verbatim (jsonb) without a field-level schema.
 */
export function rejectUnsafeInput(): RequestHandler {
  return (req, _res, next) => {
    const bad = findUnsafeInput(req.body, 'body') ?? findUnsafeInput(req.query, 'query');
    if (bad) throw new HttpError(400, 'validation_failed', `invalid ${bad.field.split('.')[0]}`, [bad]);
    next();
  };
}
