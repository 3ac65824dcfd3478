import crypto from 'node:crypto';
import type { Pool } from '../pool';

export interface TenantRow {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export function hashApiKey(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex');
}

/** Keys are 256-bit random, so a fast hash is enough (no password stretching needed); only the hash is stored. */
export function generateApiKey(): { key: string; prefix: string } {
  const prefix = crypto.randomBytes(4).toString('hex');
  return { key: `ll_${prefix}_${crypto.randomBytes(32).toString('base64url')}`, prefix };
}

export type TenantsRepo = ReturnType<typeof createTenantsRepo>;

export function createTenantsRepo(pool: Pool) {
  return {
    async create(name: string, settings: Record<string, unknown> = {}): Promise<{ tenant: TenantRow; apiKey: string }> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const t = await client.query(
          `INSERT INTO tenants (name, settings) VALUES ($1, $2)
           RETURNING id, name, settings, created_at AS "createdAt"`,
          [name, settings],
        );
        const { key, prefix } = generateApiKey();
        await client.query('INSERT INTO api_keys (tenant_id, key_hash, prefix) VALUES ($1, $2, $3)', [
          t.rows[0].id,
          hashApiKey(key),
          prefix,
        ]);
        await client.query('INSERT INTO registry_versions (tenant_id) VALUES ($1)', [t.rows[0].id]);
        await client.query('COMMIT');
        return { tenant: t.rows[0] as TenantRow, apiKey: key };
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },

    async findByApiKey(key: string): Promise<TenantRow | undefined> {
      const res = await pool.query(
        `SELECT t.id, t.name, t.settings, t.created_at AS "createdAt"
           FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
          WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
        [hashApiKey(key)],
      );
      return res.rows[0] as TenantRow | undefined;
    },

    /** Tenants' own Meta app secrets (settings.metaAppSecret), for webhook signatures. */
    async metaAppSecrets(): Promise<string[]> {
      const res = await pool.query(
        "SELECT DISTINCT settings->>'metaAppSecret' AS s FROM tenants WHERE settings ? 'metaAppSecret'",
      );
      return res.rows.map((r: { s: string }) => r.s);
    },

    async get(id: string): Promise<TenantRow | undefined> {
      const res = await pool.query('SELECT id, name, settings, created_at AS "createdAt" FROM tenants WHERE id = $1', [
        id,
      ]);
      return res.rows[0] as TenantRow | undefined;
    },
  };
}
