import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { startStack, type Stack } from '../helpers/stack';

const [W11, W12] = FESTIVE.wabas as [string, string];
const [P111, P112, P113] = FESTIVE.phones[W11]! as [string, string, string];
const T_TEXT_11 = FESTIVE.template(W11, '02'); // festive_text
const T_DIWALI_12 = '40000000001211';

/** festive-campaign plus one template whose name differs from its equivalent in WABA 11 (same shape as festive_text). */
const scenario = {
  name: 'festive-with-diwali-text',
  extends: 'festive-campaign',
  templates: [
    {
      id: T_DIWALI_12,
      wabaId: W12,
      name: 'diwali_text',
      language: 'en_US',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Diwali Sale' },
        { type: 'BODY', text: 'Hello {{1}}, take {{2}} off everything this Diwali.' },
        { type: 'FOOTER', text: 'While stocks last' },
      ],
    },
  ],
};

let recipients = 0;
/** A fresh recipient per message: no sticky number from an earlier message colours the resolution. */
const nextRecipient = () => `9198111${String(++recipients).padStart(5, '0')}`;

describe('operator controls and template groups steer the resolver', () => {
  let stack: Stack;
  const send = async (template: string, extra: Record<string, unknown> = {}) => {
    const to = nextRecipient();
    await optIn(stack, to);
    const view = await sendAndSettle(stack, {
      to: `+${to}`,
      template,
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
      ...extra,
    });
    assert.ok(['delivered', 'read'].includes(view.status), JSON.stringify(view.failure ?? view.status));
    return { view, inbox: await stack.control.inbox(to) };
  };
  const patchPhone = async (id: string, body: Record<string, unknown>) => {
    const r = await stack.api('PATCH', `/v1/phone-numbers/${id}`, body);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body, { id, ...body });
  };

  before(async () => {
    stack = await startStack({ scenario });
    // WABA 11 alone at first, so its YELLOW number is the only alternative left to the disabled ones.
    await registerWabas(stack, [W11]);
  });
  after(() => stack.stop());

  it('when an operator disables numbers, then the resolver never sends from them, even when the request prefers one', async () => {
    await patchPhone(P111, { enabled: false });
    await patchPhone(P112, { enabled: false });
    const phones = (await stack.api('GET', '/v1/phone-numbers')).body.data;
    assert.deepEqual(
      phones.filter((p: { enabled: boolean }) => !p.enabled).map((p: { id: string }) => p.id),
      [P111, P112],
    );

    // The only number left in WABA 11 is the YELLOW one, which the resolver would otherwise rank last.
    for (const extra of [{}, { prefer: { wabaId: W11, phoneNumberId: P111 } }]) {
      const { view, inbox } = await send('festive_text', extra);
      assert.deepEqual(
        view.attempts.map((a: { phoneNumberId: string }) => a.phoneNumberId),
        [P113],
        JSON.stringify(extra),
      );
      assert.equal(view.deliveredVia.phoneNumberId, P113);
      assert.equal(inbox[0]!.fromPhoneNumberId, P113);
    }
    assert.equal((await stack.control.sends({ phoneNumberId: P111 })).length, 0);
    assert.equal((await stack.control.sends({ phoneNumberId: P112 })).length, 0);

    // Controls survive a sync, and re-enabling with a better priority makes the number the primary again.
    assert.equal((await stack.api('POST', `/v1/wabas/${W11}/sync`)).status, 200);
    const synced = (await stack.api('GET', '/v1/phone-numbers')).body.data.find((p: { id: string }) => p.id === P112);
    assert.equal(synced.enabled, false);
    await patchPhone(P111, { enabled: true, priority: -1 });
    const { view } = await send('festive_text');
    assert.equal(view.deliveredVia.phoneNumberId, P111);
  });

  it('when a template group maps a key to differently named templates, then a message resolves to the first healthy member', async () => {
    const put = async (members: { wabaId: string; name: string; language: string }[]) => {
      const r = await stack.api('PUT', '/v1/template-groups/season_text', { members });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { key: 'season_text', members });
    };
    await registerWabas(stack, [W12]);
    const festive = { wabaId: W11, name: 'festive_text', language: 'en_US' };
    const diwali = { wabaId: W12, name: 'diwali_text', language: 'en_US' };
    await put([festive, diwali]);

    const first = await send('season_text');
    assert.equal(first.view.deliveredVia.templateId, T_TEXT_11);
    assert.equal(first.inbox[0]!.templateName, 'festive_text');
    assert.equal(first.view.template, 'season_text', 'the message keeps its logical key');

    await stack.control.pauseTemplate(T_TEXT_11);
    assert.equal((await stack.api('POST', `/v1/wabas/${W11}/sync`)).status, 200);
    const second = await send('season_text');
    assert.equal(second.view.deliveredVia.wabaId, W12);
    assert.equal(second.view.deliveredVia.templateId, T_DIWALI_12);
    assert.equal(second.inbox[0]!.templateName, 'diwali_text');
    assert.equal(second.view.attempts.length, 1, 'avoided by resolution, not by a failed send');

    // The map's order is the preference: reversed, the Diwali template leads even with both healthy.
    await stack.control.reinstateTemplate(T_TEXT_11);
    assert.equal((await stack.api('POST', `/v1/wabas/${W11}/sync`)).status, 200);
    await put([diwali, festive]);
    const third = await send('season_text');
    assert.equal(third.view.deliveredVia.templateId, T_DIWALI_12);

    // Without a group, the key is a template name: diwali_text exists only in WABA 12, festive_text in both.
    const plain = await send('festive_text');
    assert.equal(plain.inbox[0]!.templateName, 'festive_text');
  });
});
