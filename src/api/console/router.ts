import express, { Router } from 'express';
import { z } from 'zod';
import type { ConsoleSessionsRepo } from '../../db/repositories/console-sessions';
import type { TenantsRepo } from '../../db/repositories/tenants';
import { HttpError } from '../errors';
import { parse } from '../validate';
import { bundleConsole } from './bundle';
import { CONSOLE_PAGE, CONTENT_SECURITY_POLICY } from './page';
import { csrfMatches, SESSION_COOKIE, sessionToken } from './session-auth';

export interface ConsoleDeps {
  sessions: ConsoleSessionsRepo;
  tenants: TenantsRepo;
  /** Where a message's story links its workflow (TEMPORAL_UI_URL) and in which namespace. */
  temporalUiUrl: string;
  namespace: string;
  /** How long a sign-in lasts. */
  sessionTtlMs?: number;
}

const signInBody = z.object({ apiKey: z.string().min(8).max(200) }).strict();
const EIGHT_HOURS = 8 * 3_600_000;

/**
 * `/console` (docs/console.md): the page, its bundle, and sign-in / sign-out. Sign-in trades a tenant API key for
 * an opaque session cookie (HttpOnly, SameSite=Strict, Secure behind https, expiring); the console then calls /v1
 * with that cookie and the CSRF token this answers with.
 */
export function consoleRouter(deps: ConsoleDeps): Router {
  const router = Router();
  let bundle: ReturnType<typeof bundleConsole> | undefined;
  const assets = () => (bundle ??= bundleConsole());
  const ttl = deps.sessionTtlMs ?? EIGHT_HOURS;

  router.use((_req, res, next) => {
    res.set({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    next();
  });
  router.get('/', (_req, res) => {
    res.type('html').send(CONSOLE_PAGE);
  });
  router.get('/app.js', async (_req, res) => {
    res.type('application/javascript').send((await assets()).js);
  });
  router.get('/app.css', async (_req, res) => {
    res.type('text/css').send((await assets()).css);
  });

  router.post('/session', express.json({ limit: '4kb' }), async (req, res) => {
    const { apiKey } = parse(req, 'body', signInBody);
    const session = await deps.sessions.open(apiKey, ttl);
    if (!session) throw new HttpError(401, 'unauthenticated', 'invalid API key');
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: req.secure,
      path: '/',
      maxAge: ttl,
    });
    res.status(201).json({ csrfToken: session.csrfToken, expiresAt: session.expiresAt });
  });

  router.get('/session', async (req, res) => {
    const token = sessionToken(req);
    const session = token && (await deps.sessions.find(token));
    if (!session) throw new HttpError(401, 'unauthenticated', 'not signed in');
    const tenant = await deps.tenants.get(session.tenantId);
    res.json({
      tenant: { id: session.tenantId, name: tenant?.name ?? '' },
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
      temporal: { uiUrl: deps.temporalUiUrl, namespace: deps.namespace },
    });
  });

  router.post('/logout', async (req, res) => {
    const token = sessionToken(req);
    const session = token && (await deps.sessions.find(token));
    if (token && session) {
      if (!csrfMatches(req, session)) throw new HttpError(403, 'csrf_failed', 'missing or wrong x-csrf-token header');
      await deps.sessions.close(token);
    }
    res.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: req.secure });
    res.status(204).end();
  });
  return router;
}
