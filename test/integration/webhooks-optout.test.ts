import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { drained, envelope, inboundValue, postWebhook } from '../helpers/webhooks';

const [W11, W12] = FESTIVE.wabas as [string, string];
const A = '300000000000111'; // WABA 11
const B = '300000000000121'; // WABA 12
const JAY = FESTIVE.customers.jay; // offline: messages stay in flight at `sent`
const DEV = '919800000004'; // ignores messages

/** Meta escapes every code unit above U+007F (docs/meta-cloud-api.md#webhooks); so do these hand-made bodies. */
const metaJson = (v: unknown) =>
  JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));

describe('opt-out by webhook: STOP keywords and user_preferences are brand-wide', () => {
  let stack: Stack;
  const contact = async (waId: string) => (await stack.api('GET', `/v1/contacts/+${waId}`)).body;
  const say = (waId: string, text: string, phone = A) =>
    postWebhook(
      stack,
      metaJson(envelope(W11, 'messages', inboundValue(phone, waId, { type: 'text', text: { body: text } }))),
    );
  const festiveText = (to: string, extra: Record<string, unknown>) => ({
    to: `+${to}`,
    template: 'festive_text',
    language: 'en_US',
    parameters: { body: ['Hi', '20%'] },
    ...extra,
  });

  before(async () => {
    stack = await startStack();
    await registerWabas(stack, [W11, W12]);
    await optIn(stack, JAY, DEV);
  });
  after(() => stack.stop());

  it('when a customer sends STOP to number A, then in-flight messages are cancelled and number B cannot message them either', async () => {
    const inFlight = await stack.api('POST', '/v1/messages', festiveText(JAY, { prefer: { phoneNumberId: A } }));
    assert.equal(inFlight.status, 202, JSON.stringify(inFlight.body));
    await waitFor(
      async () => (await stack.api('GET', `/v1/messages/${inFlight.body.id}`)).body.status === 'sent',
      'message in flight',
    );

    await stack.control.customerReply(JAY, { type: 'stop', phoneNumberId: A });
    const c = await waitFor(async () => {
      const v = await contact(JAY);
      return v.optedOutAt ? v : undefined;
    }, 'opt-out recorded');
    assert.equal(c.optOutSource, 'inbound_keyword');
    assert.ok(c.lastInbound[A], 'the service window of number A was recorded too');
    const cancelled = await waitFor(async () => {
      const v = await stack.api('GET', `/v1/messages/${inFlight.body.id}`);
      return v.body.status === 'cancelled' ? v.body : undefined;
    }, 'in-flight message cancelled');
    assert.ok(cancelled.timeline.some((e: { type: string; reason?: string }) => e.reason === 'opted_out'));

    const fromB = await sendAndSettle(stack, festiveText(JAY, { prefer: { wabaId: W12, phoneNumberId: B } }));
    assert.equal(fromB.status, 'failed');
    assert.equal(fromB.failure.reason, 'opted_out');
    assert.equal((await stack.control.sends({ recipient: JAY, phoneNumberId: B })).length, 0, 'nothing left number B');
  });

  it("when a customer uses WhatsApp's stop promotions on number B, then no number of the brand markets to them", async () => {
    await stack.control.customerReply(DEV, { type: 'stop_marketing', phoneNumberId: B });
    const c = await waitFor(async () => {
      const v = await contact(DEV);
      return v.optedOutAt ? v : undefined;
    }, 'opt-out from user_preferences');
    assert.equal(c.optOutSource, 'user_preferences');
    const fromA = await sendAndSettle(stack, festiveText(DEV, { prefer: { wabaId: W11, phoneNumberId: A } }));
    assert.equal(fromA.status, 'failed');
    assert.equal(fromA.failure.reason, 'opted_out');
  });

  it('when the whole message is an opt-out keyword in another language, then it opts out; a sentence containing one does not', async () => {
    const cases: [waId: string, text: string, optsOut: boolean][] = [
      ['919800000101', '  Arrêter ! ', true],
      ['919800000102', 'रोकें', true],
      ['919800000103', 'توقف', true],
      ['919800000104', 'baja', true],
      ['919800000105', 'please stop sending', false],
      ['919800000106', 'stopwatch', false],
    ];
    for (const [waId, text] of cases) assert.equal((await say(waId, text)).status, 200);
    await drained(stack);
    for (const [waId, text, optsOut] of cases) {
      const c = await contact(waId);
      assert.ok(c.lastInbound[A], 'the service window is recorded either way');
      assert.equal(Boolean(c.optedOutAt), optsOut, `${JSON.stringify(text)} opts out: ${optsOut}`);
    }
  });

  it('when the tenant configures its own keywords, then they replace the defaults', async () => {
    await stack.db.pool.query(
      `UPDATE tenants SET settings = settings || '{"optOutKeywords": ["no more please"]}'::jsonb WHERE id = $1`,
      [stack.tenant.id],
    );
    await say('919800000201', 'No more please!');
    await say('919800000202', 'STOP');
    await drained(stack);
    assert.ok((await contact('919800000201')).optedOutAt, 'the tenant keyword opts out');
    assert.equal((await contact('919800000202')).optedOutAt, null, 'STOP is no longer a keyword of this tenant');
  });
});
