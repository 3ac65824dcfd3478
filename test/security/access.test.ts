import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { httpClient } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const METRICS_TOKEN = 'metrics-token-0123456789';

describe('access: API keys, rate limits, /metrics', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      scenario: 'minimal',
      withoutWorker: true,
      app: { metricsToken: METRICS_TOKEN, rateLimit: { requests: 1000, windowMs: 60_000, store: 'postgres' } },
    });
  });
  after(() => stack.stop());

  it('when keys are listed, added and revoked, then a revoked key gets 401 and the last key cannot be revoked', async () => {
    const listed = await stack.api('GET', '/v1/api-keys');
    assert.equal(listed.status, 200);
    assert.equal(listed.body.data.length, 1);
    const first = listed.body.data[0];
    assert.equal(first.revokedAt, null);
    assert.equal('apiKey' in first || 'keyHash' in first, false, 'a listing never shows a key');
    assert.equal((await stack.api('POST', `/v1/api-keys/${first.id}/revoke`)).status, 409, 'the last active key');

    const added = await stack.api('POST', '/v1/api-keys', { label: 'ci' });
    assert.equal(added.status, 201);
    const second = httpClient(stack.apiUrl, added.body.apiKey);
    assert.equal((await second('GET', '/v1/escalations')).status, 200);
    const revoked = await stack.api('POST', `/v1/api-keys/${added.body.id}/revoke`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    assert.equal((await second('GET', '/v1/escalations')).status, 401, 'a revoked key is refused');
  });

  it('when a key is rotated, then the new key works and the old one stops after its grace period', async () => {
    const keys = (await stack.api('GET', '/v1/api-keys')).body.data;
    const active = keys.find((k: { revokedAt: string | null }) => k.revokedAt === null);
    const rotated = await stack.api('POST', `/v1/api-keys/${active.id}/rotate`, { graceSeconds: 60 });
    assert.equal(rotated.status, 201, JSON.stringify(rotated.body));
    const fresh = httpClient(stack.apiUrl, rotated.body.apiKey);
    assert.equal((await fresh('GET', '/v1/escalations')).status, 200);
    assert.equal((await stack.api('GET', '/v1/escalations')).status, 200, 'the old key works during the grace period');
    assert.ok(Date.parse(rotated.body.replaced.revokedAt) > Date.now());

    const again = await fresh('POST', `/v1/api-keys/${rotated.body.id}/rotate`, {});
    assert.equal(again.status, 201);
    assert.equal((await fresh('GET', '/v1/escalations')).status, 401, 'no grace: revoked at once');
    const newest = httpClient(stack.apiUrl, again.body.apiKey);
    const page = await newest('GET', '/v1/api-keys?limit=2');
    assert.equal(page.body.data.length, 2);
    assert.ok(page.body.nextCursor);
    const rest = await newest('GET', `/v1/api-keys?limit=2&cursor=${page.body.nextCursor}`);
    assert.equal(page.body.data.length + rest.body.data.length, 4);
    assert.equal(rest.body.nextCursor, null);
    assert.equal((await newest('GET', '/v1/api-keys?cursor=bogus')).status, 400);

    // Another tenant's key ids are not found, whatever the caller does with them.
    const other = await stack.admin('POST', '/v1/tenants', { name: 'other' });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey);
    assert.equal((await otherApi('POST', `/v1/api-keys/${again.body.id}/revoke`)).status, 404);
    assert.equal((await otherApi('POST', `/v1/api-keys/${crypto.randomUUID()}/rotate`, {})).status, 404);
    assert.equal((await newest('GET', '/v1/escalations')).status, 200);
  });

  it('when /metrics is behind a token, then it answers 401 without it and 200 with it', async () => {
    assert.equal((await fetch(`${stack.apiUrl}/metrics`)).status, 401);
    const wrong = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    const ok = await fetch(`${stack.apiUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /lifeline_http_request_duration_seconds/);
  });
});

describe('per-tenant rate limits', () => {
  for (const store of ['postgres', 'memory'] as const) {
    it(`when a tenant exceeds its budget (${store} store), then 429 with Retry-After; other tenants are unaffected`, async () => {
      const stack = await startStack({
        scenario: 'minimal',
        withoutWorker: true,
        app: { rateLimit: { requests: 3, windowMs: 60_000, store } },
      });
      try {
        const statuses = [];
        for (let i = 0; i < 4; i++) statuses.push((await stack.api('GET', '/v1/escalations')).status);
        assert.deepEqual(statuses, [200, 200, 200, 429]);
        const limited = await stack.api('GET', '/v1/escalations');
        assert.equal(limited.body.error.code, 'rate_limited');
        const retryAfter = Number(limited.headers.get('retry-after'));
        assert.ok(retryAfter >= 1 && retryAfter <= 60, String(retryAfter));
        const other = await stack.admin('POST', '/v1/tenants', { name: 'other' });
        assert.equal((await httpClient(stack.apiUrl, other.body.apiKey)('GET', '/v1/escalations')).status, 200);
      } finally {
        await stack.stop();
      }
    });
  }
});
