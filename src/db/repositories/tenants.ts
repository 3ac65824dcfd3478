import { type SecretBox, secretContext } from '../../secrets';
import type { Pool } from '../pool';
import { createApiKeysRepo, hashApiKey, KEY_IS_ACTIVE } from './api-keys';

export { generateApiKey, hashApiKey } from './api-keys';

export interface TenantRow {
  id: string;
  name: string;
  settings: Record<string, unknown>;
  createdAt: string;
}

export type TenantsRepo = ReturnType<typeof createTenantsRepo>;

const COLUMNS = 't.id, t.name, t.settings, t.created_at AS "createdAt"';

/**
 * Tenants. `secrets` opens and seals tenants' own Meta app secrets (sealed at rest, bound to the tenant's id);
 * without it those operations throw, so a process that never handles them need not hold the key.
 */
export function createTenantsRepo(pool: Pool, secrets?: SecretBox) {
  const keys = createApiKeysRepo(pool);
  const box = (): SecretBox => {
    if (!secrets) throw new Error('tenant app secrets need the SecretBox (createTenantsRepo(pool, secrets))');
    return secrets;
  };

  return {
    /** Creates a tenant and its first API key; `metaAppSecret` is sealed into its own column, never in settings. */
    async create(
      name: string,
      settings: Record<string, unknown> = {},
      opts: { metaAppSecret?: string } = {},
    ): Promise<{ tenant: TenantRow; apiKey: string }> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const t = await client.query(
          `INSERT INTO tenants (name, settings) VALUES ($1, $2) RETURNING id, name, settings, created_at AS "createdAt"`,
          [name, settings],
        );
        const tenant = t.rows[0] as TenantRow;
        if (opts.metaAppSecret !== undefined) {
          await client.query('UPDATE tenants SET meta_app_secret_enc = $2 WHERE id = $1', [
            tenant.id,
            box().seal(opts.metaAppSecret, secretContext.tenantAppSecret(tenant.id)),
          ]);
        }
        const { apiKey } = await keys.insertWith(client, tenant.id, 'initial');
        await client.query('INSERT INTO registry_versions (tenant_id) VALUES ($1)', [tenant.id]);
        await client.query('COMMIT');
        return { tenant, apiKey };
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      } finally {
        client.release();
      }
    },

    /** The tenant a key belongs to, while the key is active (not revoked, or inside its rotation grace period). */
    async findByApiKey(key: string): Promise<TenantRow | undefined> {
      const res = await pool.query(
        `SELECT ${COLUMNS} FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
          WHERE k.key_hash = $1 AND ${KEY_IS_ACTIVE.replaceAll('revoked_at', 'k.revoked_at')}`,
        [hashApiKey(key)],
      );
      return res.rows[0] as TenantRow | undefined;
    },

    /**
     * A tenant's own Meta app secret (for verifying webhooks signed by the tenant's app), opened from its sealed
     * column; undefined when the tenant has none. Stable contract (docs/security.md, "Tenant app secrets").
     */
    async appSecretOf(tenantId: string): Promise<string | undefined> {
      const res = await pool.query('SELECT meta_app_secret_enc AS s FROM tenants WHERE id = $1', [tenantId]);
      const sealed = res.rows[0]?.s as string | null | undefined;
      return sealed ? box().open(sealed, secretContext.tenantAppSecret(tenantId)) : undefined;
    },

    /** Every tenant that has its own app secret, with the secret opened (webhook verification). */
    async appSecrets(): Promise<{ tenantId: string; secret: string }[]> {
      const res = await pool.query(
        'SELECT id, meta_app_secret_enc AS s FROM tenants WHERE meta_app_secret_enc IS NOT NULL ORDER BY id',
      );
      return (res.rows as { id: string; s: string }[]).map((r) => ({
        tenantId: r.id,
        secret: box().open(r.s, secretContext.tenantAppSecret(r.id)),
      }));
    },

    /** Every tenant's own app secret by tenant id (the webhook route's secret cache loads this at once). */
    async appSecretsByTenant(): Promise<Map<string, string>> {
      return new Map((await this.appSecrets()).map((s) => [s.tenantId, s.secret]));
    },

    async get(id: string): Promise<TenantRow | undefined> {
      const res = await pool.query(`SELECT ${COLUMNS} FROM tenants t WHERE t.id = $1`, [id]);
      return res.rows[0] as TenantRow | undefined;
    },
  };
}
