import type { RequestHandler } from 'express';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Pool } from '../db/pool';
import { tenantOf } from './auth';
import { HttpError } from './errors';

export interface RateLimitSettings {
  /** Requests a tenant may make per window. */
  requests: number;
  windowMs: number;
  /** `postgres`: one budget shared by every API process; `memory`: per process (single-process deployments, tests). */
  store: 'postgres' | 'memory';
}

/**
 * Per-tenant request budgets (docs/security.md, "Rate limits") with rate-limiter-flexible. The PostgreSQL store
 * (table `rate_limits`, migration 030) makes the budget hold across API replicas; an in-memory limiter insures it,
 * so a database hiccup degrades to per-process counting instead of failing requests.
 */
export function createTenantRateLimiter(pool: Pool, settings: RateLimitSettings): RateLimiterAbstract {
  const duration = Math.max(1, Math.ceil(settings.windowMs / 1000));
  const memory = new RateLimiterMemory({ keyPrefix: 'tenant', points: settings.requests, duration });
  if (settings.store === 'memory') return memory;
  return new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    keyPrefix: 'tenant',
    points: settings.requests,
    duration,
    insuranceLimiter: memory,
  });
}

/** After requireTenant: one point per request; over budget → 429 with Retry-After (seconds). */
export function rateLimitTenant(limiter: RateLimiterAbstract): RequestHandler {
  return async (_req, res, next) => {
    const tenantId = tenantOf(res).id;
    try {
      const r = await limiter.consume(tenantId);
      res.setHeader('RateLimit-Remaining', String(r.remainingPoints));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      res.setHeader('Retry-After', String(seconds));
      throw new HttpError(429, 'rate_limited', `too many requests; retry after ${seconds} s`);
    }
    next();
  };
}
