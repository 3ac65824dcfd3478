import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack';

describe('operations endpoints', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ scenario: 'minimal', withoutWorker: true });
  });
  after(() => stack.stop());

  it('when probed, then /healthz and /readyz answer 200 without a key', async () => {
    assert.equal((await stack.api('GET', '/healthz', undefined, { key: null })).status, 200);
    assert.equal((await stack.api('GET', '/readyz', undefined, { key: null })).status, 200);
  });

  it('when scraped, then /metrics exposes the webhook and message counters in Prometheus format', async () => {
    await stack.api('POST', '/webhooks/whatsapp', undefined, { key: null, raw: '{}' });
    const res = await fetch(`${stack.apiUrl}/metrics`);
    const text = await res.text();
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(text, /lifeline_webhooks_rejected_total\{reason="unsigned"\} 1/);
    assert.match(text, /# TYPE lifeline_http_request_duration_seconds histogram/);
  });

  it('when /openapi.json is fetched, then it describes every /v1 route with the request schemas that validate them', async () => {
    const doc = (await stack.api('GET', '/openapi.json', undefined, { key: null })).body;
    assert.equal(doc.openapi, '3.1.0');
    for (const path of [
      '/v1/messages',
      '/v1/wabas',
      '/v1/template-groups/{key}',
      '/v1/costs/summary',
      '/webhooks/whatsapp',
    ]) {
      assert.ok(doc.paths[path], path);
    }
    const body = doc.paths['/v1/messages'].post.requestBody.content['application/json'].schema;
    assert.deepEqual(body.required.sort(), ['language', 'template', 'to']);
    assert.equal(body.additionalProperties, false);
  });
});
