import crypto from 'node:crypto';
import type { Pool, PoolClient } from '../pool';

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Keys are 256-bit random, so a fast hash is enough (no password stretching needed); only the hash is stored. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = crypto.randomBytes(4).toString('hex');
  return { key: `ll_${prefix}_${crypto.randomBytes(32).toString('base64url')}`, prefix };
}

export interface ApiKeyRow {
  id: string;
  prefix: string;
  label: string | null;
  createdAt: string;
  /** When the key stops working (now or later: a rotated key keeps working for its grace period). */
  revokedAt: string | null;
}

const COLUMNS = `id, prefix, label, created_at AS "createdAt", revoked_at AS "revokedAt"`;
/** A key authenticates until its revocation time has passed. */
export const KEY_IS_ACTIVE = '(revoked_at IS NULL OR revoked_at > now())';

export type ApiKeysRepo = ReturnType<typeof createApiKeysRepo>;

/** A tenant's API keys (docs/security.md, "API keys"): listed, added, revoked and rotated; hashes only. */
export function createApiKeysRepo(pool: Pool) {
  async function insert(db: Pool | PoolClient, tenantId: string, label?: string) {
    const { key, prefix } = generateApiKey();
    const res = await db.query(
      `INSERT INTO api_keys (tenant_id, key_hash, prefix, label) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
      [tenantId, hashApiKey(key), prefix, label ?? null],
    );
    return { row: res.rows[0] as ApiKeyRow, apiKey: key };
  }

  return {
    insert: (tenantId: string, label?: string) => insert(pool, tenantId, label),
    insertWith: insert,

    async get(tenantId: string, id: string): Promise<ApiKeyRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM api_keys WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return res.rows[0] as ApiKeyRow | undefined;
    },

    /** The tenant's keys, oldest first, after the cursor (created_at as text, id). */
    async list(
      tenantId: string,
      page: { after?: [string, string]; limit: number },
    ): Promise<(ApiKeyRow & { sortAt: string })[]> {
      const res = await pool.query(
        `SELECT ${COLUMNS}, created_at::text AS "sortAt" FROM api_keys WHERE tenant_id = $1
            AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
          ORDER BY created_at, id LIMIT $4`,
        [tenantId, page.after?.[0] ?? null, page.after?.[1] ?? null, page.limit],
      );
      return res.rows as (ApiKeyRow & { sortAt: string })[];
    },

    /**
     * Revokes a key of the tenant `inMs` from now (0 = at once); an earlier revocation is kept. Refuses (returns
     * 'last_key') when no other key would stay active, so a tenant cannot lock itself out.
     */
    async revoke(tenantId: string, id: string, inMs = 0): Promise<ApiKeyRow | 'last_key' | undefined> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        // Lock the tenant's keys: two concurrent revocations must not both see "another key stays active".
        const keys = await client.query(
          `SELECT id, ${KEY_IS_ACTIVE} AS active FROM api_keys WHERE tenant_id = $1 ORDER BY id FOR UPDATE`,
          [tenantId],
        );
        const target = (keys.rows as { id: string; active: boolean }[]).find((k) => k.id === id);
        if (!target) {
          await client.query('ROLLBACK');
          return undefined;
        }
        const othersActive = keys.rows.some((k: { id: string; active: boolean }) => k.id !== id && k.active);
        if (target.active && inMs === 0 && !othersActive) {
          await client.query('ROLLBACK');
          return 'last_key';
        }
        const res = await client.query(
          `UPDATE api_keys SET revoked_at = LEAST(COALESCE(revoked_at, 'infinity'),
                  now() + ($3::double precision * interval '1 millisecond'))
            WHERE tenant_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
          [tenantId, id, inMs],
        );
        await client.query('COMMIT');
        return res.rows[0] as ApiKeyRow;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
  };
}
