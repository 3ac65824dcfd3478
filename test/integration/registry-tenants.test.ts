import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { httpClient } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const W11 = FESTIVE.wabas[0]!;
const P111 = FESTIVE.phones[W11]![0]!;
const ASHA = FESTIVE.customers.asha;

describe("tenant isolation: one tenant never sees or changes another's registry, messages or contacts", () => {
  let stack: Stack;
  let tenantB: ReturnType<typeof httpClient>;
  let messageId: string;

  before(async () => {
    stack = await startStack();
    await registerWabas(stack, [W11]);
    await optIn(stack, ASHA);
    const view = await sendAndSettle(stack, {
      to: `+${ASHA}`,
      template: 'festive_text',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
    });
    assert.ok(['delivered', 'read'].includes(view.status), view.status);
    messageId = view.id;
    const created = await stack.admin('POST', '/v1/tenants', { name: 'tenant B' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    tenantB = httpClient(stack.apiUrl, created.body.apiKey);
  });
  after(() => stack.stop());

  it("when tenant B reads the registry, then it sees none of tenant A's WABAs, numbers or templates", async () => {
    for (const path of ['/v1/wabas', '/v1/phone-numbers', '/v1/templates']) {
      const r = await tenantB('GET', path);
      assert.equal(r.status, 200);
      assert.deepEqual(r.body.data, [], path);
      assert.ok((await stack.api('GET', path)).body.data.length > 0, `tenant A does see ${path}`);
    }
    const health = (await tenantB('GET', '/v1/health')).body;
    assert.deepEqual([health.wabas, health.phoneNumbers, health.templates], [[], [], []]);
  });

  it("when tenant B addresses tenant A's WABA, number, message or contact by id, then it gets 404 and nothing changes", async () => {
    const notFound = [
      await tenantB('POST', `/v1/wabas/${W11}/sync`),
      await tenantB('PATCH', `/v1/phone-numbers/${P111}`, { enabled: false }),
      await tenantB('GET', `/v1/messages/${messageId}`),
      await tenantB('POST', `/v1/messages/${messageId}/cancel`, {}),
      await tenantB('GET', `/v1/contacts/+${ASHA}`),
    ];
    for (const r of notFound) {
      assert.equal(r.status, 404, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'not_found');
    }
    const phone = (await stack.api('GET', '/v1/phone-numbers')).body.data.find((p: { id: string }) => p.id === P111);
    assert.equal(phone.enabled, true, "tenant A's number is untouched");
    assert.equal((await stack.api('GET', `/v1/messages/${messageId}`)).status, 200);
  });

  it("when tenant B registers the same Meta WABA, then each tenant's rows, controls and consent stay their own", async () => {
    const reg = await tenantB('POST', '/v1/wabas', { id: W11, accessToken: FESTIVE.token(W11) });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal((await tenantB('PATCH', `/v1/phone-numbers/${P111}`, { enabled: false })).status, 200);
    const enabledOf = async (api: ReturnType<typeof httpClient>) =>
      (await api('GET', '/v1/phone-numbers')).body.data.find((p: { id: string }) => p.id === P111).enabled;
    assert.equal(await enabledOf(tenantB), false);
    assert.equal(await enabledOf(stack.api), true);

    // Asha opted in with tenant A only: tenant B may not message her.
    const sent = await tenantB('POST', '/v1/messages', {
      to: `+${ASHA}`,
      template: 'festive_text',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
    });
    assert.equal(sent.status, 202, JSON.stringify(sent.body));
    let view: any;
    for (let i = 0; i < 100 && view?.status !== 'failed'; i++) {
      view = (await tenantB('GET', `/v1/messages/${sent.body.id}`)).body;
      if (view.status !== 'failed') await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(view.status, 'failed');
    assert.equal(view.failure.reason, 'no_opt_in');
    assert.equal((await stack.api('GET', `/v1/messages/${sent.body.id}`)).status, 404, 'and A cannot see B’s message');
  });

  it('when a request carries no key or an unknown key, then every /v1 route answers 401', async () => {
    const anonymous = httpClient(stack.apiUrl);
    const routes: [string, string, unknown?][] = [
      ['GET', '/v1/wabas'],
      ['POST', '/v1/wabas', { id: W11, accessToken: FESTIVE.token(W11) }],
      ['POST', `/v1/wabas/${W11}/sync`],
      ['GET', '/v1/phone-numbers'],
      ['PATCH', `/v1/phone-numbers/${P111}`, { enabled: false }],
      ['GET', '/v1/templates'],
      ['PUT', '/v1/template-groups/festive', { members: [{ wabaId: W11, name: 'festive_text', language: 'en_US' }] }],
      ['GET', '/v1/health'],
      ['GET', `/v1/messages/${messageId}`],
      ['POST', '/v1/messages', { to: `+${ASHA}`, template: 'festive_text', language: 'en_US' }],
      ['GET', `/v1/contacts/+${ASHA}`],
    ];
    for (const [method, path, body] of routes) {
      for (const key of [null, 'not-a-real-key']) {
        const r = await anonymous(method, path, body, { key });
        assert.equal(r.status, 401, `${method} ${path} with key ${key}`);
        assert.equal(r.body.error.code, 'unauthenticated');
      }
    }
    const phone = (await stack.api('GET', '/v1/phone-numbers')).body.data.find((p: { id: string }) => p.id === P111);
    assert.equal(phone.enabled, true);
  });
});
