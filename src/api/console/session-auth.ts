import crypto from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { Request, RequestHandler } from 'express';
import type { ConsoleSession, ConsoleSessionsRepo } from '../../db/repositories/console-sessions';
import type { TenantsRepo } from '../../db/repositories/tenants';
import { HttpError } from '../errors';

export const SESSION_COOKIE = 'lifeline_console';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionToken(req: Request): string | undefined {
  const header = req.header('cookie');
  return header ? parseCookies(header)[SESSION_COOKIE] : undefined;
}

/** The request's CSRF header matches the session's token (constant time). */
export function csrfMatches(req: Request, session: ConsoleSession): boolean {
  const given = crypto
    .createHash('sha256')
    .update(req.header(CSRF_HEADER) ?? '')
    .digest();
  const expected = crypto.createHash('sha256').update(session.csrfToken).digest();
  return crypto.timingSafeEqual(given, expected);
}

/**
 * The console's way into /v1 (docs/console.md, "Sessions"): a request without an Authorization header but with a
 * live session cookie acts as the session's tenant. A change (any method but GET/HEAD/OPTIONS) must also carry
 * the session's CSRF token in X-CSRF-Token — besides SameSite=Strict, so a cross-site page can never act.
 * Requests with a bearer key pass through to requireTenant untouched.
 */
export function consoleSessionTenant(sessions: ConsoleSessionsRepo, tenants: TenantsRepo): RequestHandler {
  return async (req, res, next) => {
    const token = req.header('authorization') ? undefined : sessionToken(req);
    if (!token) return next();
    const session = await sessions.find(token);
    if (!session) throw new HttpError(401, 'unauthenticated', 'console session expired; sign in again');
    if (!SAFE_METHODS.has(req.method) && !csrfMatches(req, session)) {
      throw new HttpError(403, 'csrf_failed', `missing or wrong ${CSRF_HEADER} header`);
    }
    const tenant = await tenants.get(session.tenantId);
    if (!tenant) throw new HttpError(401, 'unauthenticated', 'console session expired; sign in again');
    res.locals.tenant = tenant;
    next();
  };
}
