import crypto from 'node:crypto';

/**
 * AES-256-GCM for secrets at rest (docs/security.md, "Secrets at rest").
 *
 * Format `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url parts). The key id is derived from the key, so a
 * configuration lists keys only: the current one seals, every listed one opens. The associated data is the row's
 * identity (`secretContext`), so a ciphertext copied into another row — another tenant's WABA — fails to open.
 * `v1.<iv>.<tag>.<ciphertext>` (no key id, no associated data) is still opened, for rows sealed before rotation
 * existed; `needsReseal` tells the re-encrypt path which rows to rewrite.
 */
export function keyId(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

function parseKey(hex: string): Buffer {
  const key = Buffer.from(hex, 'hex');
  if (key.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes (64 hex characters)');
  return key;
}

/** The identities secrets are bound to: one per kind of row that holds one. */
export const secretContext = {
  wabaToken: (tenantId: string, wabaId: string) => `wabas.access_token:${tenantId}:${wabaId}`,
  escalationSigningKey: (tenantId: string) => `escalation_signing_keys.secret:${tenantId}`,
  tenantAppSecret: (tenantId: string) => `tenants.meta_app_secret:${tenantId}`,
};

export function createSecretBox(currentHexKey: string, oldHexKeys: readonly string[] = []) {
  const current = parseKey(currentHexKey);
  const currentId = keyId(current);
  const ring = new Map<string, Buffer>([[currentId, current]]);
  for (const hex of oldHexKeys) {
    const k = parseKey(hex);
    if (!ring.has(keyId(k))) ring.set(keyId(k), k);
  }

  function decrypt(key: Buffer, iv: string, tag: string, data: string, aad?: string): string {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  return {
    keyId: currentId,
    /** Seals with the current key, bound to `context` (the row's identity, from `secretContext`). */
    seal(plain: string, context: string): string {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v2', currentId, ...[iv, cipher.getAuthTag(), data].map((p) => p.toString('base64url'))].join('.');
    },
    /** Opens with whichever configured key sealed it; throws when the context (row) or the key does not match. */
    open(sealed: string, context: string): string {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const key = ring.get(parts[1]!);
        if (!key) throw new Error(`sealed with unknown key ${parts[1]} (add it to ENCRYPTION_OLD_KEYS)`);
        return decrypt(key, parts[2]!, parts[3]!, parts[4]!, context);
      }
      if (parts[0] === 'v1' && parts.length === 4) {
        for (const key of ring.values()) {
          try {
            return decrypt(key, parts[1]!, parts[2]!, parts[3]!);
          } catch {
            // try the next key
          }
        }
        throw new Error('no configured key opens this legacy (v1) secret');
      }
      throw new Error('unrecognised sealed secret');
    },
    /** True when a sealed value is legacy or sealed with a retired key: the re-encrypt path rewrites it. */
    needsReseal(sealed: string): boolean {
      const parts = sealed.split('.');
      return !(parts[0] === 'v2' && parts[1] === currentId);
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;

/** The box a process builds from its configuration (current key plus retired ones). */
export function secretBoxFromConfig(config: { ENCRYPTION_KEY: string; ENCRYPTION_OLD_KEYS: string[] }): SecretBox {
  return createSecretBox(config.ENCRYPTION_KEY, config.ENCRYPTION_OLD_KEYS);
}
