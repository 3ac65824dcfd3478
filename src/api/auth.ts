import crypto from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { TenantRow, TenantsRepo } from '../db/repositories/tenants';
import { HttpError } from './errors';

function bearer(req: Request): string | undefined {
  const h = req.header('authorization');
  const m = h ? /^Bearer\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

/** The authenticated tenant of a /v1 request (set by requireTenant). */
export function tenantOf(res: Response): TenantRow {
  return res.locals.tenant as TenantRow;
}

export function requireTenant(tenants: TenantsRepo): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    // Already authenticated by a console session (src/api/console/session-auth.ts).
    if (res.locals.tenant) return next();
    const key = bearer(req);
    if (!key) throw new HttpError(401, 'unauthenticated', 'missing Authorization: Bearer <API key>');
    const tenant = await tenants.findByApiKey(key);
    if (!tenant) throw new HttpError(401, 'unauthenticated', 'invalid API key');
    res.locals.tenant = tenant;
    next();
  };
}

/** A fixed bearer token (e.g. METRICS_TOKEN), compared in constant time; 401 without it or with another. */
export function requireToken(token: string, what: string): RequestHandler {
  const expected = crypto.createHash('sha256').update(token).digest();
  return (req, _res, next) => {
    const given = crypto
      .createHash('sha256')
      .update(bearer(req) ?? '')
      .digest();
    if (!crypto.timingSafeEqual(expected, given)) {
      throw new HttpError(401, 'unauthenticated', `missing or wrong Authorization: Bearer <${what}>`);
    }
    next();
  };
}

export function requireAdmin(adminKey: string): RequestHandler {
  const expected = crypto.createHash('sha256').update(adminKey).digest();
  return (req, _res, next) => {
    const key = bearer(req);
    if (!key) throw new HttpError(401, 'unauthenticated', 'missing Authorization: Bearer <admin key>');
    const given = crypto.createHash('sha256').update(key).digest();
    if (!crypto.timingSafeEqual(expected, given)) throw new HttpError(403, 'forbidden', 'admin key required');
    next();
  };
}
