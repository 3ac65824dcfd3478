import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../../src/api/app';
import { createWebhookInboxRepo } from '../../src/db/repositories/webhook-inbox';
import { createLogger } from '../../src/logger';
import { createMetaClient } from '../../src/meta/client';
import { createSecretBox } from '../../src/secrets';
import { waitFor } from '../helpers/http';
import { startStack, TEST_ADMIN_KEY, TEST_APP_SECRET, type Stack } from '../helpers/stack';
import { drained, envelope, inboundValue, inboxCount, metric, postWebhook } from '../helpers/webhooks';

const WABA = '200000000000900';
const REJECTED = 'lifeline_webhooks_rejected_total';
const ACCEPTED = 'lifeline_webhooks_accepted_total';

describe('webhook intake: handshake, signatures, limits, dedupe, crash recovery', () => {
  let stack: Stack;
  const wabaFields = async () =>
    (await stack.db.pool.query('SELECT fields FROM wabas WHERE id = $1', [WABA])).rows[0].fields as Record<string, any>;
  const changesWith = async (key: string) =>
    (
      await stack.db.pool.query(
        "SELECT count(*)::int AS n FROM health_changes WHERE source = 'webhook' AND resource_id = $1 AND change ? $2",
        [WABA, key],
      )
    ).rows[0].n as number;

  before(async () => {
    stack = await startStack({ scenario: 'minimal' });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
  });
  after(() => stack.stop());

  it("when Meta's handshake carries our verify token, then the challenge is echoed; otherwise it is refused", async () => {
    const q = (mode: string, token: string) =>
      `/webhooks/whatsapp?hub.mode=${mode}&hub.verify_token=${token}&hub.challenge=1158201444`;
    const ok = await stack.api('GET', q('subscribe', 'test-verify-token'), undefined, { key: null });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 1158201444);
    assert.match(ok.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal((await stack.api('GET', q('subscribe', 'wrong-token'), undefined, { key: null })).status, 403);
    assert.equal((await stack.api('GET', q('unsubscribe', 'test-verify-token'), undefined, { key: null })).status, 403);
    assert.equal(
      (await stack.api('GET', '/webhooks/whatsapp?hub.mode=subscribe', undefined, { key: null })).status,
      400,
    );
  });

  it('when a request is unsigned, forged, truncated, oversized or not an envelope, then it is refused, counted and changes nothing', async () => {
    const ban = JSON.stringify(
      envelope(WABA, 'account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } }),
    );
    const truncated = ban.slice(0, ban.length - 7);
    const reasons = ['unsigned', 'bad_signature', 'malformed', 'oversized'];
    const before = await Promise.all(reasons.map((reason) => metric(stack, REJECTED, { reason })));
    const stored = await inboxCount(stack);

    assert.equal((await postWebhook(stack, ban, { secret: null })).status, 401);
    assert.equal((await postWebhook(stack, ban, { secret: 'not-the-app-secret' })).status, 401);
    assert.equal((await postWebhook(stack, truncated, { signatureOf: ban })).status, 401, 'signed whole, sent cut');
    const cut = await postWebhook(stack, truncated);
    assert.equal(cut.status, 400, 'signed as cut: not JSON');
    assert.equal(cut.body.error.code, 'invalid_json');
    const notEnvelope = await postWebhook(stack, JSON.stringify({ object: 'page', entry: [] }));
    assert.equal(notEnvelope.status, 400);
    const padded = JSON.stringify({ ...JSON.parse(ban), padding: 'x'.repeat(150_000) });
    const big = await postWebhook(stack, padded);
    assert.equal(big.status, 413);
    assert.equal(big.body.error.code, 'payload_too_large');

    const afterCounts = await Promise.all(reasons.map((reason) => metric(stack, REJECTED, { reason })));
    assert.deepEqual(
      afterCounts.map((n, i) => n - before[i]!),
      [1, 2, 2, 1],
    );
    assert.equal(await inboxCount(stack), stored, 'nothing stored');
    await new Promise((r) => setTimeout(r, 300));
    assert.notEqual((await wabaFields()).banState, 'DISABLE', 'nothing applied');
  });

  it("when a body is signed with a tenant's own app secret, then its own path accepts it; the platform path does not", async () => {
    const created = await stack.admin('POST', '/v1/tenants', {
      name: 'second app',
      settings: { metaAppSecret: 'tenant-two-app-secret' },
    });
    assert.equal(created.status, 201);
    const tenantPath = `/webhooks/whatsapp/t/${created.body.id as string}`;
    const body = JSON.stringify(envelope('200000000000999', 'account_review_update', { decision: 'APPROVED' }));
    assert.equal((await postWebhook(stack, body, { secret: 'tenant-two-app-secret', path: tenantPath })).status, 200);
    const stored = await stack.db.pool.query(
      'SELECT verified_tenant_id AS t FROM webhook_inbox ORDER BY id DESC LIMIT 1',
    );
    assert.equal(stored.rows[0].t, created.body.id, 'the verifying tenant is stored with the body');
    assert.equal(
      (await postWebhook(stack, body + ' ', { secret: 'tenant-two-app-secret' })).status,
      401,
      'platform path',
    );
    assert.equal((await postWebhook(stack, body + ' ', { secret: TEST_APP_SECRET, path: tenantPath })).status, 401);
    assert.equal((await postWebhook(stack, body + ' ', { secret: 'nobody-has-this-secret' })).status, 401);
    const noOwnApp = `/webhooks/whatsapp/t/${stack.tenant.id}`;
    assert.equal((await postWebhook(stack, body + ' ', { secret: TEST_APP_SECRET, path: noOwnApp })).status, 401);
    const bad = await postWebhook(stack, body, { secret: TEST_APP_SECRET, path: '/webhooks/whatsapp/t/not-a-uuid' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].field, 'params.tenantId');
    assert.equal((await postWebhook(stack, body + '  ', { secret: TEST_APP_SECRET })).status, 200, 'platform secret');
  });

  it('when the same body is delivered 5 times, then it is stored once and applied once', async () => {
    const body = JSON.stringify(
      envelope(WABA, 'account_update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SPAM' } }),
    );
    const duplicates = await metric(stack, ACCEPTED, { duplicate: 'yes' });
    const stored = await inboxCount(stack);
    for (let i = 0; i < 5; i++) assert.equal((await postWebhook(stack, body)).status, 200);
    assert.equal(await inboxCount(stack), stored + 1);
    assert.equal((await metric(stack, ACCEPTED, { duplicate: 'yes' })) - duplicates, 4);
    await waitFor(async () => (await wabaFields()).violation?.type === 'SPAM', 'violation applied');
    assert.equal(await changesWith('violation'), 1);
  });

  it('when the same event arrives in 5 different bodies, then it is applied once', async () => {
    const time = Math.floor(Date.now() / 1000);
    const restriction = { event: 'ACCOUNT_RESTRICTION', restriction_info: [] };
    for (let i = 0; i < 5; i++) {
      const body = envelope(WABA, 'account_update', restriction, time);
      body.entry[0]!.changes.push({ field: 'security', value: { batch: i } } as never);
      assert.equal((await postWebhook(stack, body)).status, 200);
    }
    await waitFor(async () => (await changesWith('restrictions')) > 0, 'restriction applied');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await changesWith('restrictions'), 1);
  });

  it('when a signed body carries a NUL character, then it is still stored and processed (jsonb refuses U+0000)', async () => {
    const value = inboundValue('300000000000901', '447700900002', { type: 'text', text: { body: 'hi\u0000there' } });
    assert.equal((await postWebhook(stack, envelope(WABA, 'messages', value))).status, 200);
    await drained(stack);
    const c = await stack.api('GET', '/v1/contacts/+447700900002');
    assert.ok(c.body.lastInbound['300000000000901'], 'processed: the service window is open');
  });

  it('when the API dies between storing and processing, then a fresh process on the same database applies the event', async () => {
    await stack.processor.stop();
    const review = envelope(WABA, 'account_review_update', { decision: 'REJECTED' });
    assert.equal((await postWebhook(stack, review)).status, 200);
    // A second body leased by a process that then died (its lease runs out).
    const tier = envelope(WABA, 'account_update', { event: 'ACCOUNT_OFFBOARDED' });
    assert.equal((await postWebhook(stack, tier)).status, 200);
    const leased = await createWebhookInboxRepo(stack.db.pool).lease(1, 400);
    assert.equal(leased.length, 1);
    await new Promise((r) => setTimeout(r, 300));
    assert.notEqual((await wabaFields()).accountReviewStatus, 'REJECTED', 'not processed while the API is down');

    const fresh = createApp({
      pool: stack.db.pool,
      temporal: stack.temporal.client,
      meta: createMetaClient({ graphUrl: 'http://127.0.0.1:9', apiVersion: 'v23.0', timeoutMs: 1000 }),
      secrets: createSecretBox('a'.repeat(64)),
      log: createLogger('silent'),
      taskQueue: stack.taskQueue,
      adminApiKey: TEST_ADMIN_KEY,
      webhookVerifyToken: 'test-verify-token',
      metaAppSecret: TEST_APP_SECRET,
      webhookMaxBodyBytes: 100_000,
      processor: { retryBaseMs: 100, pollMs: 50 },
    });
    fresh.processor.start();
    try {
      await waitFor(async () => {
        const f = await wabaFields();
        return f.accountReviewStatus === 'REJECTED' && f.offboarded === true;
      }, 'both events applied after restart');
      // Nothing left behind: every stored body ends processed (a row is marked once its batch is applied, so the
      // count can trail the fields for a moment).
      await waitFor(async () => {
        const pending = await stack.db.pool.query(
          'SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL',
        );
        return pending.rows[0].n === 0;
      }, 'every stored body processed');
    } finally {
      await fresh.processor.stop();
      stack.processor.start();
    }
  });
});
