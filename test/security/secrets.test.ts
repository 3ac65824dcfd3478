import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { reencryptSecrets, sealLegacyAppSecrets } from '../../src/db/reencrypt';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createLogger } from '../../src/logger';
import { createSecretBox, secretContext } from '../../src/secrets';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const OLD = crypto.randomBytes(32).toString('hex');
const NEW = crypto.randomBytes(32).toString('hex');

/** A sealed value in the format used before rotation existed (no key id, no associated data). */
function legacySeal(hexKey: string, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', Buffer.from(hexKey, 'hex'), iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

describe('secrets at rest', () => {
  it("when a sealed token is copied into another row (another tenant's WABA), then it does not open there", () => {
    const box = createSecretBox(NEW);
    const sealed = box.seal('EAAG-token-of-A', secretContext.wabaToken('tenant-a', 'waba-1'));
    assert.equal(box.open(sealed, secretContext.wabaToken('tenant-a', 'waba-1')), 'EAAG-token-of-A');
    assert.throws(() => box.open(sealed, secretContext.wabaToken('tenant-b', 'waba-1')));
    assert.throws(() => box.open(sealed, secretContext.wabaToken('tenant-a', 'waba-2')));
  });

  it('when the key is rotated, then old ciphertexts open through ENCRYPTION_OLD_KEYS and are flagged for re-sealing', () => {
    const ctx = secretContext.tenantAppSecret('t1');
    const sealedOld = createSecretBox(OLD).seal('app-secret', ctx);
    const rotated = createSecretBox(NEW, [OLD]);
    assert.equal(rotated.open(sealedOld, ctx), 'app-secret');
    assert.equal(rotated.needsReseal(sealedOld), true);
    assert.equal(rotated.needsReseal(rotated.seal('x', ctx)), false);
    assert.throws(() => createSecretBox(NEW).open(sealedOld, ctx), /unknown key/);
    assert.equal(rotated.open(legacySeal(OLD, 'legacy'), ctx), 'legacy');
  });

  describe('in the database', () => {
    let db: TestDatabase;
    before(async () => {
      db = await createTestDatabase();
    });
    after(() => db.drop());

    it('when a tenant is created with its own app secret, then it is sealed in its column and never in settings', async () => {
      const box = createSecretBox(OLD);
      const tenants = createTenantsRepo(db.pool, box);
      const { tenant } = await tenants.create(
        'sealed',
        { requireOptIn: true },
        { metaAppSecret: 'tenant-app-secret-1' },
      );
      const row = (await db.pool.query('SELECT settings, meta_app_secret_enc FROM tenants WHERE id = $1', [tenant.id]))
        .rows[0];
      assert.equal('metaAppSecret' in row.settings, false);
      assert.match(row.meta_app_secret_enc, /^v2\./);
      assert.doesNotMatch(row.meta_app_secret_enc, /tenant-app-secret-1/);
      assert.equal(await tenants.appSecretOf(tenant.id), 'tenant-app-secret-1');
      assert.equal(await tenants.appSecretOf(crypto.randomUUID()), undefined);
    });

    it('when settings still hold a plaintext app secret, then start-up moves it into the sealed column', async () => {
      const box = createSecretBox(OLD);
      const tenants = createTenantsRepo(db.pool, box);
      const { tenant } = await tenants.create('legacy');
      await db.pool.query(`UPDATE tenants SET settings = '{"metaAppSecret":"plain-legacy-secret"}' WHERE id = $1`, [
        tenant.id,
      ]);
      assert.equal(await sealLegacyAppSecrets(db.pool, box), 1);
      assert.equal(await tenants.appSecretOf(tenant.id), 'plain-legacy-secret');
      const settings = (await db.pool.query('SELECT settings FROM tenants WHERE id = $1', [tenant.id])).rows[0]
        .settings;
      assert.deepEqual(settings, {});
      assert.equal(await sealLegacyAppSecrets(db.pool, box), 0);
    });

    it('when re-encryption runs after a rotation, then every row opens with the new key alone', async () => {
      const { tenant } = await createTenantsRepo(db.pool, createSecretBox(OLD)).create(
        'rotating',
        {},
        {
          metaAppSecret: 'rotate-me-please',
        },
      );
      await db.pool.query(
        `INSERT INTO wabas (tenant_id, id, portfolio_id, name, access_token_enc) VALUES ($1, 'w1', 'p1', 'w', $2)`,
        [tenant.id, legacySeal(OLD, 'EAAG-legacy-token')],
      );
      const rotated = createSecretBox(NEW, [OLD]);
      const counts = await reencryptSecrets(db.pool, rotated, 1);
      assert.ok(counts.tenants! >= 1 && counts.wabas === 1, JSON.stringify(counts));
      const onlyNew = createSecretBox(NEW);
      assert.equal(await createTenantsRepo(db.pool, onlyNew).appSecretOf(tenant.id), 'rotate-me-please');
      const w = (await db.pool.query(`SELECT access_token_enc FROM wabas WHERE tenant_id = $1`, [tenant.id])).rows[0];
      assert.equal(onlyNew.open(w.access_token_enc, secretContext.wabaToken(tenant.id, 'w1')), 'EAAG-legacy-token');
      assert.deepEqual(Object.values(await reencryptSecrets(db.pool, rotated)), [0, 0, 0], 'idempotent');
    });
  });

  it('when a log line carries secrets, then they are redacted', () => {
    let out = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const log = createLogger('info', 'test', sink);
    log.info(
      {
        secret: 's1',
        metaAppSecret: 's2',
        token: 's3',
        accessToken: 's4',
        settings: { metaAppSecret: 's5' },
        headers: { authorization: 'Bearer s6', cookie: 's7', 'x-hub-signature-256': 'sha256=s8' },
        req: { headers: { authorization: 'Bearer s9' } },
        nested: { secret: 's10' },
      },
      'hello',
    );
    for (let i = 1; i <= 10; i++) assert.doesNotMatch(out, new RegExp(`\\bs${i}\\b`), `s${i} leaked: ${out}`);
    assert.match(out, /\[redacted\]/);
  });
});
