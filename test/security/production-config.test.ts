import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config';
import { isDevSecret } from '../../src/config-production';

const strong = () => ({
  ADMIN_API_KEY: crypto.randomBytes(24).toString('base64url'),
  ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
  META_APP_SECRET: crypto.randomBytes(16).toString('hex'),
  WEBHOOK_VERIFY_TOKEN: crypto.randomBytes(16).toString('base64url'),
});

function issuesOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.issues;
  }
}

describe('production refuses development secrets', () => {
  it('when NODE_ENV=production and the secrets are left at their defaults, then start-up fails naming each', () => {
    const issues = issuesOf({ NODE_ENV: 'production' }).join('\n');
    for (const name of ['ADMIN_API_KEY', 'ENCRYPTION_KEY', 'META_APP_SECRET', 'WEBHOOK_VERIFY_TOKEN']) {
      assert.match(issues, new RegExp(`^${name}: must be set to a non-default secret`, 'm'), name);
    }
  });

  it('when a secret is one of the known development values (compose, test harness), then it is named', () => {
    const issues = issuesOf({
      ...strong(),
      NODE_ENV: 'production',
      META_APP_SECRET: 'test-app-secret',
      ENCRYPTION_KEY: 'a'.repeat(64),
    });
    assert.deepEqual(
      issues.map((i) => i.split(':')[0]),
      ['ENCRYPTION_KEY', 'META_APP_SECRET'],
    );
  });

  it('when a retired development key is still listed for decryption, then production refuses it too', () => {
    const issues = issuesOf({ ...strong(), NODE_ENV: 'production', ENCRYPTION_OLD_KEYS: '0'.repeat(64) });
    assert.match(issues.join('\n'), /^ENCRYPTION_OLD_KEYS:/m);
  });

  it('when every secret is real, then production starts; development keeps its embedded defaults', () => {
    assert.equal(parseConfig({ ...strong(), NODE_ENV: 'production' }).NODE_ENV, 'production');
    assert.equal(parseConfig({}).ADMIN_API_KEY, 'dev-admin-key-change-me');
    assert.equal(isDevSecret(crypto.randomBytes(32).toString('hex')), false);
    assert.equal(isDevSecret('DEV-ADMIN-KEY-CHANGE-ME'), true);
  });

  it('when pool timeouts and rate limits are configured, then they are parsed and bounded', () => {
    const c = parseConfig({
      DATABASE_CONNECT_TIMEOUT_MS: '2500',
      DATABASE_STATEMENT_TIMEOUT_MS: '15000',
      RATE_LIMIT_REQUESTS: '50',
      RATE_LIMIT_WINDOW: '1m',
      RATE_LIMIT_STORE: 'memory',
    });
    assert.deepEqual(
      [c.DATABASE_CONNECT_TIMEOUT_MS, c.DATABASE_STATEMENT_TIMEOUT_MS, c.RATE_LIMIT_REQUESTS, c.RATE_LIMIT_WINDOW],
      [2500, 15000, 50, 60_000],
    );
    assert.match(issuesOf({ RATE_LIMIT_WINDOW: '999999999999d' }).join('\n'), /^RATE_LIMIT_WINDOW:/m);
  });
});
