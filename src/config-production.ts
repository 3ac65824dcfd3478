import crypto from 'node:crypto';

/**
 * Secrets that must never protect a production deployment: the embedded development defaults, the values the
 * test harness and the compose file ship with, and placeholders. Compared by hash so the list stays greppable
 * without turning into a dictionary of "good" secrets.
 */
const KNOWN_DEV_SECRETS = new Set(
  [
    'dev-admin-key-change-me',
    '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
    'dev-app-secret',
    'dev-verify-token',
    'test-admin-key-0123456789',
    'test-app-secret',
    'test-verify-token',
    'change-me',
    'changeme',
    'secret',
    'password',
  ].map((s) => digest(s.toLowerCase())),
);

function digest(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

/** True when a value is a known development secret or too uniform to be random (e.g. "aaaa…", "0000…"). */
export function isDevSecret(value: string): boolean {
  if (KNOWN_DEV_SECRETS.has(digest(value.toLowerCase()))) return true;
  return new Set(value.toLowerCase()).size < 6;
}

/** The variables production refuses to run with when they hold a development value. */
export const PRODUCTION_SECRETS = [
  'ADMIN_API_KEY',
  'ENCRYPTION_KEY',
  'META_APP_SECRET',
  'WEBHOOK_VERIFY_TOKEN',
] as const;

/**
 * One issue per secret that still holds a development value (unset counts: the default is a development value).
 * Every old decryption key is checked too: a retired dev key would still open what it sealed.
 */
export function productionSecretIssues(
  config: Record<(typeof PRODUCTION_SECRETS)[number], string> & {
    ENCRYPTION_OLD_KEYS: string[];
  },
): string[] {
  const issues = PRODUCTION_SECRETS.filter((name) => isDevSecret(config[name])).map(
    (name) => `${name}: must be set to a non-default secret when NODE_ENV=production`,
  );
  if (config.ENCRYPTION_OLD_KEYS.some(isDevSecret)) {
    issues.push('ENCRYPTION_OLD_KEYS: holds a development key; re-encrypt and remove it (docs/security.md)');
  }
  return issues;
}
