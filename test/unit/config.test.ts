import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, parseConfig } from '../../src/config';

describe('config', () => {
  it('when nothing is set, then the embedded development defaults apply', () => {
    const c = parseConfig({});
    assert.equal(c.TEMPORAL_ADDRESS, 'localhost:7233');
    assert.equal(c.PORT, 3000);
    assert.equal(c.META_GRAPH_URL, 'https://graph.facebook.com');
  });

  it('when a variable is malformed, then start-up fails naming it', () => {
    assert.throws(
      () => parseConfig({ PORT: 'eighty', ENCRYPTION_KEY: 'short', DATABASE_URL: 'not a url' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        const text = err.issues.join('\n');
        for (const name of ['PORT', 'ENCRYPTION_KEY', 'DATABASE_URL']) assert.match(text, new RegExp(`^${name}:`, 'm'));
        return true;
      },
    );
  });

  it('when a flag says "false", then it is false (not Boolean("false"))', () => {
    assert.equal(parseConfig({ MIGRATE_ON_BOOT: 'false' }).MIGRATE_ON_BOOT, false);
    assert.equal(parseConfig({ MIGRATE_ON_BOOT: 'true' }).MIGRATE_ON_BOOT, true);
  });

  it('when a variable is empty, then it counts as unset', () => {
    assert.equal(parseConfig({ TEMPORAL_NAMESPACE: '' }).TEMPORAL_NAMESPACE, 'default');
  });
});
