import { z } from 'zod';
import { boundedInt, safeText } from '../domain/safe-input';
import { HttpError } from './errors';

/**
 * Cursor pagination for every list (docs/security.md, "Unbounded work"): `?limit=&cursor=`, answered as
 * `{ data, nextCursor }`. A cursor is the opaque (base64url JSON) sort key of the last row returned; nextCursor is
 * null on the last page.
 */
export const pageQueryShape = {
  limit: z.coerce.number().pipe(boundedInt(1, 200)).default(50),
  cursor: safeText(512).optional(),
};

/**
 * The sort key a cursor carries: an array of strings (e.g. [createdAt, id]); `valid` checks the key's own shape
 * (a cursor of another list, or a forged one, is a 400 like any other bad cursor).
 */
export function decodeCursor(
  cursor: string | undefined,
  arity: number,
  valid: (key: string[]) => boolean = () => true,
): string[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((k) => typeof k === 'string' && k.length <= 256) &&
      valid(key as string[])
    ) {
      return key as string[];
    }
  } catch {
    // fall through: not one of ours
  }
  throw new HttpError(400, 'validation_failed', 'invalid query', [
    { field: 'query.cursor', message: 'not a cursor returned by this list' },
  ]);
}

export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** One page: `rows` was fetched with limit + 1, so a full extra row means there is a next page. */
export function pageOf<R, V>(rows: R[], limit: number, keyOf: (row: R) => string[], view: (row: R) => V) {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { data: page.map(view), nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
