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
  ) {
    super(message);
  }
}

/** The one place a service's refusal becomes an HTTP status. */
const SERVICE_ERROR_STATUS: Record<ServiceErrorCode, number> = {
  idempotency_conflict: 409,
  already_final: 409,
  not_running: 409,
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
  return (err: unknown, _req, res, _next) => {
    if (err instanceof ServiceError) {
      res.status(SERVICE_ERROR_STATUS[err.code]).json({ error: { code: err.code, message: err.message, details: [] } });
      return;
    }
    if (err instanceof HttpError) {
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
