import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ID, startSim, TOKEN_A, TOKEN_B, type TestSim, WA, waitFor } from './support';

/**
 * Template management as Meta documents it: `POST /{waba}/message_templates` answers `{id, status: PENDING,
 * category}`, review decides asynchronously and says so by `message_template_status_update` (APPROVED, or
 * REJECTED with a reason), a reassigned category by `template_category_update`; authentication templates get
 * Meta's fixed wording and their OTP button becomes a URL button whose `{{1}}` is the code.
 */
const offer = (name = 'spring_offer') => ({
  name,
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text: 'Hi {{1}}, {{2}} off this spring.', example: { body_text: [['Ann', '20%']] } },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Show me' }] },
  ],
});
const otp = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [
    { type: 'BODY', add_security_recommendation: true },
    { type: 'FOOTER', code_expiration_minutes: 10 },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
  ],
};

describe('simulator: template creation and review', () => {
  let t: TestSim;
  const post = async (path: string, body: unknown, token = TOKEN_A) => {
    const res = await fetch(`${t.url}/v23.0/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  const node = async (id: string) => (await t.get(`${id}?fields=name,status,category,rejected_reason,components`)).body;
  const statusEvents = (id: string) =>
    t.sim.state
      .webhooks()
      .filter((w) => w.field === 'message_template_status_update')
      .map((w) => w.payload.entry[0]!.changes[0]!.value as Record<string, unknown>)
      .filter((v) => String(v.message_template_id) === id);

  before(async () => {
    t = await startSim({ templateReviewDelayMs: 150 });
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  it('when a template is submitted, then it is PENDING and, after the review delay, APPROVED by webhook', async () => {
    await t.control.setTemplateReview({ delayMs: 300 });
    const created = await post(`${ID.wabaA}/message_templates`, offer());
    assert.equal(created.status, 200);
    assert.equal(created.body.status, 'PENDING');
    assert.equal(created.body.category, 'MARKETING');
    const id = created.body.id as string;
    assert.match(id, /^\d{15}$/);
    assert.equal((await node(id)).status, 'PENDING');
    const listed = await t.get(`${ID.wabaA}/message_templates?status=PENDING&name=spring_offer`);
    assert.deepEqual(
      (listed.body.data as { id: string }[]).map((d) => d.id),
      [id],
    );

    const [event] = await waitFor(() => (statusEvents(id).length ? statusEvents(id) : undefined));
    assert.equal(event!.event, 'APPROVED');
    assert.equal(typeof event!.message_template_id, 'number', 'template ids are JSON numbers in webhooks');
    assert.equal(event!.message_template_name, 'spring_offer');
    assert.equal(event!.reason, 'NONE');
    assert.equal((await node(id)).status, 'APPROVED');
    const sent = await t.send(ID.phoneA1, {
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: WA.yes,
      type: 'template',
      template: {
        name: 'spring_offer',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [{ type: 'body', parameters: ['Ann', '20%'].map((text) => ({ type: 'text', text })) }],
      },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
  });

  it('when review is scripted to reject once, then REJECTED carries the reason; an edit is reviewed again and approved', async () => {
    await t.control.setTemplateReview({
      rules: [{ wabaId: ID.wabaA, name: 'spring_offer', outcome: 'REJECTED', reason: 'PROMOTIONAL', count: 1 }],
    });
    const id = (await post(`${ID.wabaA}/message_templates`, offer())).body.id as string;
    const [rejected] = await waitFor(() => (statusEvents(id).length ? statusEvents(id) : undefined));
    assert.equal(rejected!.event, 'REJECTED');
    assert.equal(rejected!.reason, 'PROMOTIONAL');
    assert.deepEqual(Object.keys(rejected!.rejection_info as object).sort(), ['reason', 'recommendation']);
    const n = await node(id);
    assert.equal(n.status, 'REJECTED');
    assert.equal(n.rejected_reason, 'PROMOTIONAL');

    const send = await t.send(ID.phoneA1, {
      messaging_product: 'whatsapp',
      to: WA.yes,
      type: 'template',
      template: { name: 'spring_offer', language: { code: 'en_US' } },
    });
    assert.equal(send.body.error?.code, 132001, 'a rejected template cannot be sent');

    const fixed = offer().components.map((c) =>
      c.type === 'BODY' ? { ...c, text: 'Hi {{1}}, your {{2}} member discount is ready.' } : c,
    );
    const edit = await post(id, { components: fixed });
    assert.deepEqual(edit.body, { success: true });
    assert.equal((await node(id)).status, 'PENDING');
    await waitFor(() => statusEvents(id).length === 2);
    assert.equal(statusEvents(id)[1]!.event, 'APPROVED');
    const after = await node(id);
    assert.equal(after.rejected_reason, 'NONE');
    assert.match(JSON.stringify(after.components), /member discount/);
  });

  it('when review reassigns the category, then template_category_update precedes APPROVED with the new category', async () => {
    await t.control.setTemplateReview({ rules: [{ category: 'MARKETING' }] });
    const created = await post(`${ID.wabaA}/message_templates`, { ...offer('order_note'), category: 'UTILITY' });
    const id = created.body.id as string;
    assert.equal(created.body.category, 'UTILITY');
    await waitFor(() => statusEvents(id).length === 1);
    const fields = t.sim.state
      .webhooks()
      .filter(
        (w) =>
          (w.payload.entry[0]!.changes[0]!.value as { message_template_id?: number }).message_template_id ===
          Number(id),
      )
      .map((w) => w.field);
    assert.deepEqual(fields, ['template_category_update', 'message_template_status_update']);
    const recat = t.sim.state.webhooks().find((w) => w.field === 'template_category_update')!;
    const value = recat.payload.entry[0]!.changes[0]!.value as Record<string, unknown>;
    assert.equal(value.previous_category, 'UTILITY');
    assert.equal(value.new_category, 'MARKETING');
    assert.equal(statusEvents(id)[0]!.message_template_category, 'MARKETING');
    assert.equal((await node(id)).category, 'MARKETING');
  });

  it('when an authentication template is created, then Meta wording is stored and its OTP button takes the code', async () => {
    const id = (await post(`${ID.wabaA}/message_templates`, otp)).body.id as string;
    await waitFor(() => statusEvents(id).length === 1);
    const components = (await node(id)).components as Record<string, any>[];
    assert.deepEqual(components[0], {
      type: 'BODY',
      text: '*{{1}}* is your verification code. For your security, do not share this code.',
    });
    assert.deepEqual(components[1], { type: 'FOOTER', text: 'This code expires in 10 minutes.' });
    assert.equal(components[2]!.buttons[0].type, 'URL');
    assert.match(components[2]!.buttons[0].url, /otp_type=COPY_CODE&code=otp\{\{1\}\}$/);

    const body = (buttons: object[]) => ({
      messaging_product: 'whatsapp',
      to: WA.yes,
      type: 'template',
      template: {
        name: 'login_code',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: '482913' }] }, ...buttons],
      },
    });
    const otpButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] };
    const ok = await t.send(ID.phoneA1, body([otpButton]));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const missing = await t.send(ID.phoneA1, body([]));
    assert.equal(missing.body.error?.code, 132000, 'the OTP button parameter is required');
  });

  it('when a submission breaks Meta rules, then it is refused with the field named and nothing is stored', async () => {
    const before = t.sim.state.stats().requests;
    const cases: [unknown, number, RegExp, number?][] = [
      [{ ...offer(), components: [{ type: 'BODY', text: 'Hi {{1}}' }] }, 100, /BODY\.example/],
      [{ ...offer(), name: 'Bad Name' }, 100, /name/],
      [{ ...otp, components: otp.components.slice(0, 2) }, 100, /OTP button/],
      [{ ...offer(), components: [{ type: 'BODY', text: 'x'.repeat(1025) }] }, 100, /components/],
    ];
    for (const [bodyIn, code, details] of cases) {
      const res = await post(`${ID.wabaA}/message_templates`, bodyIn);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, code);
      assert.match(res.body.error.error_data.details, details);
    }
    assert.ok(t.sim.state.stats().requests >= before);
    const pending = (await t.get(`${ID.wabaA}/message_templates?name=spring_offer`)).body.data as unknown[];
    assert.equal(pending.length, 0, JSON.stringify(pending));

    assert.equal((await post(`${ID.wabaA}/message_templates`, offer())).status, 200);
    const dup = await post(`${ID.wabaA}/message_templates`, offer());
    assert.equal(dup.body.error.code, 100);
    assert.equal(dup.body.error.error_subcode, 2388024);
    const foreign = await post(`${ID.wabaA}/message_templates`, offer('other'), TOKEN_B);
    assert.equal(foreign.body.error.error_subcode, 33, "another WABA's token cannot create here");
  });

  it('when a template is deleted by name and id, then it is gone and its review never fires', async () => {
    const id = (await post(`${ID.wabaA}/message_templates`, offer())).body.id as string;
    const res = await fetch(`${t.url}/v23.0/${ID.wabaA}/message_templates?name=spring_offer&hsm_id=${id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    assert.deepEqual(await res.json(), { success: true });
    assert.equal((await t.get(id)).body.error?.code, 100);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(statusEvents(id).length, 0);
  });
});
