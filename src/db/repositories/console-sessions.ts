import crypto from 'node:crypto';
import type { Pool } from '../pool';
import { hashApiKey, KEY_IS_ACTIVE } from './api-keys';

export interface ConsoleSession {
  tenantId: string;
  csrfToken: string;
  expiresAt: string;
}

const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export type ConsoleSessionsRepo = ReturnType<typeof createConsoleSessionsRepo>;

/**
 * Console sessions (docs/console.md, "Sessions"): opaque random tokens whose hash is stored, each bound to the
 * API key that signed in — a revoked key ends its sessions at the next request.
 */
export function createConsoleSessionsRepo(pool: Pool) {
  return {
    /** A new session for an active API key, or undefined when the key is unknown or revoked. */
    async open(apiKey: string, ttlMs: number): Promise<(ConsoleSession & { token: string }) | undefined> {
      const token = crypto.randomBytes(32).toString('base64url');
      const csrfToken = crypto.randomBytes(24).toString('base64url');
      const res = await pool.query(
        `INSERT INTO console_sessions (token_hash, tenant_id, api_key_id, csrf_token, expires_at)
         SELECT $2, tenant_id, id, $3, now() + ($4::double precision * interval '1 millisecond')
           FROM api_keys WHERE key_hash = $1 AND ${KEY_IS_ACTIVE}
         RETURNING tenant_id AS "tenantId", expires_at AS "expiresAt"`,
        [hashApiKey(apiKey), hashToken(token), csrfToken, ttlMs],
      );
      const row = res.rows[0] as { tenantId: string; expiresAt: Date } | undefined;
      return row && { token, csrfToken, tenantId: row.tenantId, expiresAt: row.expiresAt.toISOString() };
    },

    /** The live session of a token: not expired, and its API key still active. */
    async find(token: string): Promise<ConsoleSession | undefined> {
      const res = await pool.query(
        `SELECT s.tenant_id AS "tenantId", s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt"
           FROM console_sessions s JOIN api_keys k ON k.id = s.api_key_id
          WHERE s.token_hash = $1 AND s.expires_at > now() AND ${KEY_IS_ACTIVE.replaceAll('revoked_at', 'k.revoked_at')}`,
        [hashToken(token)],
      );
      const row = res.rows[0] as (Omit<ConsoleSession, 'expiresAt'> & { expiresAt: Date }) | undefined;
      return row && { ...row, expiresAt: row.expiresAt.toISOString() };
    },

    /** Ends a session (logout), and sweeps expired ones while at it. */
    async close(token: string): Promise<void> {
      await pool.query('DELETE FROM console_sessions WHERE token_hash = $1 OR expires_at <= now()', [hashToken(token)]);
    },
  };
}
