import type { ErrorRequestHandler } from 'express';
import { type z } from 'zod';
import type { Logger } from '../logger';
import { ServiceError, type ServiceErrorCode } from '../services/errors';

/** An error with a status and a machine-readable code, rendered as the contract's JSON error. */
export class HttpError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: unknown[] = [],
    /** Headers the answer carries (Retry-After on 429/503). */
    public readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * PostgreSQL errors as the contract's errors (docs/security.md, "Hostile input"). Class 22 (data exception: a date
 * out of range, an invalid text representation, a NUL byte, a number out of range) and class 54 (a value too large
 * for an index) come from the request's values: 400, never 500. An exhausted or unreachable database, or a
 * statement cut by statement_timeout, is ours and temporary: 503 with Retry-After.
 */
export function httpErrorOfDatabase(err: unknown): HttpError | undefined {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = typeof e?.message === 'string' ? e.message : '';
  if (code && /^[0-9A-Z]{5}$/.test(code)) {
    if (code.startsWith('22'))
      return new HttpError(400, 'invalid_input', 'a value in the request is out of range or malformed');
    if (code.startsWith('54')) return new HttpError(400, 'invalid_input', 'a value in the request is too large');
    if (code === '23505') return new HttpError(409, 'conflict', 'a resource with the same key already exists');
    if (code === '57014' || code.startsWith('08') || code.startsWith('53') || code === '57P01' || code === '57P03') {
      return unavailable();
    }
  }
  if (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    /timeout exceeded when trying to connect|Connection terminated/.test(message)
  ) {
    return unavailable();
  }
  return undefined;
}

function unavailable(): HttpError {
  return new HttpError(503, 'unavailable', 'the service is temporarily unavailable; try again shortly', [], {
    'retry-after': '5',
  });
}

/** The one place a service's refusal becomes an HTTP status. */
const SERVICE_ERROR_STATUS: Record<ServiceErrorCode, number> = {
  idempotency_conflict: 409,
  already_final: 409,
  not_running: 409,
  window_closed: 409,
  not_found: 404,
  campaign_closed: 409,
  not_startable: 409,
  not_paused: 409,
};

export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} not found`);

export function zodDetails(err: z.ZodError, where: string) {
  // zod reports unknown keys as one issue on the parent object; name each unknown field instead.
  return err.issues.flatMap((i) =>
    i.code === 'unrecognized_keys'
      ? i.keys.map((k) => ({ field: [where, ...i.path, k].join('.'), message: `unknown field "${k}"` }))
      : [{ field: [where, ...i.path].join('.'), message: i.message }],
  );
}

/** Maps every error to `{ error: { code, message, details } }`; bad input never becomes a 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (thrown: unknown, _req, res, _next) => {
    const err = thrown instanceof HttpError ? thrown : (httpErrorOfDatabase(thrown) ?? thrown);
    if (err instanceof ServiceError) {
      const body = { code: err.code, message: err.message, details: err.details };
      res.status(SERVICE_ERROR_STATUS[err.code]).json({ error: body });
      return;
    }
    if (err instanceof HttpError) {
      if (err.status >= 500) log.warn({ err: thrown }, 'request failed on an unavailable dependency');
      for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
      res.status(err.status).json({ error: { code: err.code, message: err.message, details: err.details } });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: { code: 'invalid_json', message: 'request body is not valid JSON', details: [] } });
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ error: { code: 'payload_too_large', message: 'request body is too large', details: [] } });
      return;
    }
    if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
      res.status(415).json({ error: { code: 'unsupported_encoding', message: e.message ?? '', details: [] } });
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: { code: 'bad_request', message: e.message ?? 'bad request', details: [] } });
      return;
    }
    log.error({ err }, 'unhandled error');
    res.status(500).json({ error: { code: 'internal', message: 'internal error', details: [] } });
  };
}
