import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OUTBOUND_PROBLEMS } from '../../src/services/safe-http';
import { waitFor } from '../helpers/http';
import { productionLikePolicy, startHttpsReceiver } from '../helpers/https-receiver';
import { startStack, type Stack } from '../helpers/stack';
import { envelope, inboundValue, postWebhook } from '../helpers/webhooks';

const WABA = '200000000000900';
const PHONE = '300000000000901';

describe('escalation forwarding under the production outbound policy', () => {
  let stack: Stack;
  let desk: Awaited<ReturnType<typeof startHttpsReceiver>>;
  before(async () => {
    desk = await startHttpsReceiver((_hit, _n, res) => res.writeHead(200).end());
    // desk.test resolves to 127.0.0.1 (as an attacker's public name would); the policy is production's.
    stack = await startStack({
      scenario: 'minimal',
      withoutWorker: true,
      tenantSettings: { escalationWebhookUrl: desk.url('/desk') },
      app: { outbound: productionLikePolicy },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  });
  after(async () => {
    await stack.stop();
    await desk.close();
  });

  it('when the URL resolves to loopback, then nothing is sent and the tenant sees a generic reason', async () => {
    const body = envelope(
      WABA,
      'messages',
      inboundValue(PHONE, '447700900001', { type: 'text', text: { body: 'agent' } }),
    );
    assert.equal((await postWebhook(stack, body)).status, 200);
    const [e] = await waitFor(async () => {
      const list = (await stack.api('GET', '/v1/escalations')).body.data;
      return list[0]?.forwarding.attempts > 0 ? list : undefined;
    }, 'a forwarding attempt');
    assert.equal(e.forwarding.forwardedAt, null);
    assert.equal(e.forwarding.error, OUTBOUND_PROBLEMS.refusedAddress);
    assert.equal(desk.hits.length, 0, 'the receiver on loopback was never called');
  });

  it('when a tenant asks for an internal escalation URL, then the tenant is not created', async () => {
    for (const url of ['http://127.0.0.1:3000/x', 'https://169.254.169.254/latest', 'file:///etc/passwd']) {
      const r = await stack.admin('POST', '/v1/tenants', { name: 'ssrf', settings: { escalationWebhookUrl: url } });
      assert.equal(r.status, 400, url);
      assert.ok(
        r.body.error.details.some((d: { field: string }) => d.field === 'body.settings.escalationWebhookUrl'),
        JSON.stringify(r.body),
      );
    }
  });
});
