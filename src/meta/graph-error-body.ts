/**
 * The Graph API's error envelope `{ error: { code, message, error_subcode, error_data, ... } }`, parsed leniently
 * (zod): a field of the wrong type is dropped, never fatal, because an error response must still be classified.
 */
import { z } from 'zod';

const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const errorDataSchema = z.union([
  z.looseObject({ details: z.string().optional().catch(undefined) }),
  z.string().transform((details) => ({ details })), // old Graph errors carry error_data as a string
]);

const graphErrorSchema = z.object({
  code: intLike,
  message: z.string().optional().catch(undefined),
  type: z.string().optional().catch(undefined),
  error_subcode: intLike.optional().catch(undefined),
  error_data: errorDataSchema.optional().catch(undefined),
  is_transient: z.boolean().optional().catch(undefined),
  fbtrace_id: z.string().optional().catch(undefined),
});
const graphErrorBodySchema = z.object({ error: graphErrorSchema });

/** The fields of a Graph error envelope Lifeline uses, normalised. */
export interface GraphError {
  readonly code: number;
  readonly message?: string;
  readonly type?: string;
  readonly subcode?: number;
  readonly details?: string;
  readonly isTransient?: boolean;
  readonly fbtraceId?: string;
}

/** Parses a Graph error envelope `{ error: { code, ... } }` (object or JSON text); undefined when it is not one. */
export function parseGraphErrorBody(body: unknown): GraphError | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return undefined; // HTML from a proxy, truncated JSON, plain text
    }
  }
  const parsed = graphErrorBodySchema.safeParse(value);
  if (!parsed.success) return undefined;
  const e = parsed.data.error;
  return compact({
    code: e.code,
    message: e.message,
    type: e.type,
    subcode: e.error_subcode,
    details: e.error_data?.details,
    isTransient: e.is_transient,
    fbtraceId: e.fbtrace_id,
  });
}

/** Drops undefined-valued keys so results stay plain and JSON-stable (they travel in failure details). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
