import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { startStack, type Stack } from '../helpers/stack';

const [W11, W12] = FESTIVE.wabas as [string, string];
const P111 = '300000000000111';
const ASHA = FESTIVE.customers.asha;
export const FAST_TIMING = { statusTimeout: '15s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' };

const festiveText = (extra: Record<string, unknown> = {}) => ({
  to: `+${ASHA}`,
  template: 'festive_text',
  language: 'en_US',
  parameters: { body: ['Asha', '20%'] },
  ...extra,
});

describe('message lifecycle: automatic failover (MLAM in motion)', () => {
  let stack: Stack;
  beforeEach(async () => {
    stack = await startStack({ tenantSettings: { timing: FAST_TIMING } });
    await registerWabas(stack);
    await optIn(stack, ASHA, FESTIVE.customers.gita);
  });
  afterEach(() => stack.stop());

  const received = () => stack.control.inbox(ASHA);

  it('when the primary combination is healthy, then it delivers via the primary and the customer receives exactly one message', async () => {
    const view = await sendAndSettle(stack, festiveText());
    assert.ok(['delivered', 'read'].includes(view.status), view.status);
    assert.equal(view.deliveredVia.wabaId, W11);
    assert.equal(view.deliveredVia.templateId, FESTIVE.template(W11, '02'));
    assert.ok(FESTIVE.phones[W11]!.includes(view.deliveredVia.phoneNumberId));
    assert.equal(view.attempts.length, 1);
    assert.equal((await received()).length, 1);
  });

  it('when the primary WABA is banned before the send, then the equivalent template of another WABA delivers it', async () => {
    await stack.control.banWaba(W11);
    const view = await sendAndSettle(stack, festiveText());
    assert.ok(['delivered', 'read'].includes(view.status), JSON.stringify(view.failure));
    assert.notEqual(view.deliveredVia.wabaId, W11);
    const inbox = await received();
    assert.equal(inbox.length, 1);
    assert.notEqual(inbox[0]!.wabaId, W11);
    assert.equal(inbox[0]!.templateName, 'festive_text');
  });

  for (const [fault, code] of [
    ['paused', 132015],
    ['disabled', 132016],
  ] as const) {
    it(`when the template is ${fault} (${code}), then the message switches to the equivalent template`, async () => {
      const primaryTemplate = FESTIVE.template(W11, '02');
      if (fault === 'paused') await stack.control.pauseTemplate(primaryTemplate);
      else await stack.control.disableTemplate(primaryTemplate);
      const view = await sendAndSettle(stack, festiveText({ prefer: { wabaId: W11 } }));
      assert.ok(['delivered', 'read'].includes(view.status), JSON.stringify(view.failure));
      assert.notEqual(view.deliveredVia.templateId, primaryTemplate);
      assert.equal((await received()).length, 1);
      const health = await stack.api('GET', '/v1/health');
      const t = health.body.templates.find((x: { id: string }) => x.id === primaryTemplate);
      assert.equal(t.verdict, 'unhealthy', 'every other message now avoids the template');
    });
  }

  it('when the preferred number turns RED, then another number sends', async () => {
    await stack.control.setPhoneQuality(P111, 'RED');
    await stack.api('POST', `/v1/wabas/${W11}/sync`);
    const view = await sendAndSettle(stack, festiveText({ prefer: { phoneNumberId: P111 } }));
    assert.ok(['delivered', 'read'].includes(view.status));
    assert.notEqual(view.deliveredVia.phoneNumberId, P111);
    assert.ok(view.attempts.every((a: { phoneNumberId: string }) => a.phoneNumberId !== P111));
  });

  for (const code of [131048, 130429]) {
    it(`when the preferred number answers ${code}, then another number delivers the message once`, async () => {
      await stack.control.injectErrors({ scope: { phoneNumberId: P111 }, code, mode: 'sync' });
      const view = await sendAndSettle(stack, festiveText({ prefer: { phoneNumberId: P111 } }));
      assert.ok(['delivered', 'read'].includes(view.status), JSON.stringify(view));
      assert.notEqual(view.deliveredVia.phoneNumberId, P111);
      assert.equal(view.attempts[0].phoneNumberId, P111);
      assert.equal(view.attempts[0].errorCode, code);
      assert.equal((await received()).length, 1);
    });
  }

  it('when the recipient is not on WhatsApp (131026), then the message fails without any failover', async () => {
    const view = await sendAndSettle(stack, festiveText({ to: `+${FESTIVE.customers.gita}` }));
    assert.equal(view.status, 'failed');
    assert.equal(view.failure.code, 131026);
    assert.equal(view.attempts.length, 1);
  });

  it('when the contact has opted out, then nothing is sent on any number', async () => {
    await stack.api('POST', `/v1/contacts/+${ASHA}/opt-out`, { source: 'test' });
    const view = await sendAndSettle(stack, festiveText());
    assert.equal(view.status, 'failed');
    assert.equal(view.failure.reason, 'opted_out');
    assert.equal(view.attempts.length, 0);
    assert.equal((await received()).length, 0);
  });

  it('when the second WABA is preferred, then the other WABA is only a fallback', async () => {
    const view = await sendAndSettle(stack, festiveText({ prefer: { wabaId: W12 } }));
    assert.equal(view.deliveredVia.wabaId, W12);
  });
});
