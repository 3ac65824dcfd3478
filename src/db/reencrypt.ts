import { type SecretBox, secretContext } from '../secrets';
import type { Pool } from './pool';

/** Each column that holds a sealed secret, with how to name its row's identity (the associated data). */
const SEALED_COLUMNS = [
  {
    table: 'wabas',
    column: 'access_token_enc',
    key: ['tenant_id', 'id'],
    context: (k: string[]) => secretContext.wabaToken(k[0]!, k[1]!),
  },
  {
    table: 'escalation_signing_keys',
    column: 'secret_enc',
    key: ['tenant_id'],
    context: (k: string[]) => secretContext.escalationSigningKey(k[0]!),
  },
  {
    table: 'tenants',
    column: 'meta_app_secret_enc',
    key: ['id'],
    context: (k: string[]) => secretContext.tenantAppSecret(k[0]!),
  },
] as const;

/**
 * Moves tenants' app secrets still stored in plaintext settings (before they were sealed) into the sealed column
 * and out of settings. Idempotent; the API runs it at start-up.
 */
export async function sealLegacyAppSecrets(pool: Pool, box: SecretBox): Promise<number> {
  const res = await pool.query(
    "SELECT id, settings->>'metaAppSecret' AS s FROM tenants WHERE settings ? 'metaAppSecret' ORDER BY id",
  );
  for (const r of res.rows as { id: string; s: string | null }[]) {
    const sealed = r.s ? box.seal(r.s, secretContext.tenantAppSecret(r.id)) : null;
    await pool.query(
      `UPDATE tenants SET meta_app_secret_enc = COALESCE(meta_app_secret_enc, $2), settings = settings - 'metaAppSecret'
        WHERE id = $1`,
      [r.id, sealed],
    );
  }
  return res.rowCount ?? 0;
}

/**
 * The re-encrypt path of a key rotation: every sealed secret not sealed with the current key (or in the legacy
 * format without associated data) is opened with whichever configured key sealed it and sealed again with the
 * current one. Pages by primary key, and updates a row only if its value is still the one read (a concurrent
 * write wins). Afterwards the retired key can leave ENCRYPTION_OLD_KEYS.
 */
export async function reencryptSecrets(pool: Pool, box: SecretBox, pageSize = 500): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of SEALED_COLUMNS) {
    counts[c.table] = 0;
    const keyList = c.key.join(', ');
    let after: string[] | undefined;
    for (;;) {
      const where = after ? `AND (${keyList}) > (${c.key.map((_, i) => `$${i + 1}`).join(', ')})` : '';
      const res = await pool.query(
        `SELECT ${c.key.map((k) => `${k}::text AS "${k}"`).join(', ')}, ${c.column} AS sealed FROM ${c.table}
          WHERE ${c.column} IS NOT NULL ${where} ORDER BY ${keyList} LIMIT ${pageSize}`,
        after ?? [],
      );
      const rows = res.rows as Record<string, string>[];
      for (const row of rows) {
        if (!box.needsReseal(row.sealed!)) continue;
        const key = c.key.map((k) => row[k]!);
        const fresh = box.seal(box.open(row.sealed!, c.context(key)), c.context(key));
        const match = c.key.map((k, i) => `${k} = $${i + 3}`).join(' AND ');
        const upd = await pool.query(`UPDATE ${c.table} SET ${c.column} = $1 WHERE ${c.column} = $2 AND ${match}`, [
          fresh,
          row.sealed,
          ...key,
        ]);
        counts[c.table]! += upd.rowCount ?? 0;
      }
      if (rows.length < pageSize) break;
      after = c.key.map((k) => rows[rows.length - 1]![k]!);
    }
  }
  return counts;
}
