import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { httpClient, waitFor } from '../helpers/http';
import { startStack, TEST_APP_SECRET, type Stack } from '../helpers/stack';
const FAST_TIMING = { statusTimeout: '15s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' };

const [W11, W12, W21] = FESTIVE.wabas as [string, string, string];
const ASHA = FESTIVE.customers.asha;

const winterOffer = (text = 'Hi {{1}}, {{2}} off everything this winter.') => ({
  name: 'winter_offer',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'BODY', text, example: { body_text: [['Asha', '20%']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Show me' }] },
  ],
});

describe('templates: author once, submitted to every WABA, reviewed, grouped, sent', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ tenantSettings: { timing: FAST_TIMING } });
    await registerWabas(stack, [W11, W12, W21]);
    await optIn(stack, ASHA);
    await stack.control.setTemplateReview({
      delayMs: 150,
      rules: [{ wabaId: W21, name: 'winter_offer', outcome: 'REJECTED', reason: 'INVALID_FORMAT', count: 1 }],
    });
  });
  after(() => stack.stop());

  const view = async () => (await stack.api('GET', '/v1/templates/winter_offer')).body;
  const settled = (wanted: Record<string, string>) =>
    waitFor(
      async () => {
        const v = await view();
        const statuses = Object.fromEntries(
          v.members.map((m: { wabaId: string; status: string }) => [m.wabaId, m.status]),
        );
        return Object.entries(wanted).every(([w, s]) => statuses[w] === s) ? v : undefined;
      },
      `members ${JSON.stringify(wanted)}`,
    );

  it('when a template is authored, then it goes to 3 WABAs; 2 approved form the group, the rejected one says why', async () => {
    const res = await stack.api('POST', '/v1/templates', winterOffer());
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.headers.get('location'), '/v1/templates/winter_offer');
    assert.deepEqual(res.body, {
      key: 'winter_offer',
      language: 'en_US',
      members: [W11, W12, W21].map((wabaId) => ({ wabaId, status: 'PENDING' })),
    });

    const v = await settled({ [W11]: 'APPROVED', [W12]: 'APPROVED', [W21]: 'REJECTED' });
    assert.deepEqual(v.group.members, [W11, W12]);
    assert.deepEqual(v.shape, {
      category: 'MARKETING',
      headerFormat: 'NONE',
      parameters: { header: 0, body: 2, buttons: 0 },
      parameterCount: 2,
    });
    const rejected = v.members.find((m: { wabaId: string }) => m.wabaId === W21);
    assert.equal(rejected.reason, 'INVALID_FORMAT');
    assert.equal(rejected.usable, false);
    assert.equal(rejected.notUsable[0].code, 'status_rejected');
    const approved = v.members.find((m: { wabaId: string }) => m.wabaId === W11);
    assert.deepEqual([approved.usable, approved.quality, approved.category], [true, 'UNKNOWN', 'MARKETING']);
    assert.match(approved.templateId, /^\d{15}$/);
  });

  it('when the first member WABA is banned, then a message fails over to the other approved member', async () => {
    const message = {
      to: `+${ASHA}`,
      template: 'winter_offer',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
    };
    const first = await sendAndSettle(stack, { ...message, idempotencyKey: 'winter-1' });
    assert.ok(['delivered', 'read'].includes(first.status), JSON.stringify(first.failure));
    assert.equal(first.deliveredVia.wabaId, W11);

    await stack.control.banWaba(W11);
    await waitFor(
      async () =>
        (await stack.api('GET', '/v1/health')).body.wabas.find((w: { id: string }) => w.id === W11)?.verdict ===
        'unhealthy',
      'the ban to reach the registry',
    );
    const second = await sendAndSettle(stack, { ...message, idempotencyKey: 'winter-2' });
    assert.ok(['delivered', 'read'].includes(second.status), JSON.stringify(second.failure));
    assert.equal(second.deliveredVia.wabaId, W12, 'the other approved member, never the rejected WABA');
    const inbox = await stack.control.inbox(ASHA);
    assert.deepEqual(
      inbox.filter((m) => m.templateName === 'winter_offer').map((m) => m.wabaId),
      [W11, W12],
    );
    const banned = (await view()).members.find((m: { wabaId: string }) => m.wabaId === W11);
    assert.ok(
      banned.notUsable.some((r: { code: string }) => r.code.startsWith('waba_')),
      JSON.stringify(banned),
    );
    await stack.control.reinstateWaba(W11);
  });

  it('when the rejected member is fixed and resubmitted, then it is approved and joins the group', async () => {
    const { name: _n, language: _l, ...content } = winterOffer('Hi {{1}}, members save {{2}} this winter.');
    const res = await stack.api('PUT', '/v1/templates/winter_offer', content);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      key: 'winter_offer',
      language: 'en_US',
      revision: 2,
      members: [{ wabaId: W21, status: 'PENDING' }],
    });
    const v = await settled({ [W21]: 'APPROVED' });
    assert.deepEqual(v.group.members, [W11, W12, W21]);
    const fixed = v.members.find((m: { wabaId: string }) => m.wabaId === W21);
    assert.deepEqual([fixed.reason, fixed.revision, fixed.usable], [null, 2, true]);
    const inSim = (await stack.control.state()) as {
      templates: { name: string; wabaId: string; components: unknown }[];
    };
    const simTemplate = inSim.templates.find((t) => t.name === 'winter_offer' && t.wabaId === W21);
    assert.match(JSON.stringify(simTemplate?.components), /members save/);
  });

  it('when a review change reaches Lifeline only through the sync, then the member and the group follow it', async () => {
    const member = (await view()).members.find((m: { wabaId: string }) => m.wabaId === W21);
    await stack.control.configureWebhook({ url: null });
    try {
      await stack.control.pauseTemplate(member.templateId);
      assert.equal((await stack.api('POST', `/v1/wabas/${W21}/sync`)).status, 200);
      const paused = (await view()).members.find((m: { wabaId: string }) => m.wabaId === W21);
      assert.equal(paused.status, 'PAUSED');
      assert.equal(paused.usable, false);
      await stack.control.disableTemplate(member.templateId);
      await stack.control.disableTemplate(member.templateId);
      await stack.api('POST', `/v1/wabas/${W21}/sync`);
      const v = await view();
      assert.equal(v.members.find((m: { wabaId: string }) => m.wabaId === W21).status, 'DISABLED');
      assert.deepEqual(v.group.members, [W11, W12], 'a disabled member leaves the group');
    } finally {
      await stack.control.configureWebhook({ url: `${stack.apiUrl}/webhooks/whatsapp`, appSecret: TEST_APP_SECRET });
    }
  });

  it('when input is bad or belongs to another tenant, then 400 names the field and 404 hides the template', async () => {
    const bad = await stack.api('POST', '/v1/templates', {
      ...winterOffer(),
      name: 'other',
      components: [{ type: 'BODY', text: 'x'.repeat(1025) }],
    });
    assert.equal(bad.status, 400);
    assert.ok(
      bad.body.error.details.some((d: { field: string }) => d.field === 'body.components.0.text'),
      JSON.stringify(bad.body),
    );
    const unknownWaba = await stack.api('POST', '/v1/templates', { ...winterOffer(), name: 'other', wabaIds: ['999'] });
    assert.equal(unknownWaba.status, 422);
    assert.equal(unknownWaba.body.error.details[0].field, 'body.wabaIds.0');
    const again = await stack.api('POST', '/v1/templates', winterOffer());
    assert.equal(again.status, 409);

    const other = await stack.admin('POST', '/v1/tenants', { name: 'other tenant' });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey as string);
    assert.equal((await otherApi('GET', '/v1/templates/winter_offer')).status, 404);
    assert.equal((await otherApi('DELETE', '/v1/templates/winter_offer')).status, 404);
    assert.equal((await otherApi('PUT', '/v1/templates/winter_offer', winterOffer())).status, 400);
    const { name: _n, language: _l, ...content } = winterOffer();
    assert.equal((await otherApi('PUT', '/v1/templates/winter_offer', content)).status, 404);
  });

  it('when an authentication template with an OTP button is authored and sent, then the code is delivered', async () => {
    const res = await stack.api('POST', '/v1/templates', {
      name: 'login_code',
      language: 'en_US',
      category: 'AUTHENTICATION',
      wabaIds: [W12],
      components: [
        { type: 'BODY', add_security_recommendation: true },
        { type: 'FOOTER', code_expiration_minutes: 10 },
        { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
      ],
    });
    assert.equal(res.status, 202, JSON.stringify(res.body));
    await waitFor(async () => {
      const v = (await stack.api('GET', '/v1/templates/login_code')).body;
      return v.members[0].status === 'APPROVED' ? v : undefined;
    }, 'login_code approval');
    const sent = await sendAndSettle(stack, {
      to: `+${ASHA}`,
      template: 'login_code',
      language: 'en_US',
      parameters: { body: ['482913'] },
    });
    assert.ok(['delivered', 'read'].includes(sent.status), JSON.stringify(sent.failure));
    const received = (await stack.control.inbox(ASHA)).find((m) => m.templateName === 'login_code')!;
    assert.match(received.rendered!.body, /^\*482913\* is your verification code\. For your security/);
    const components = (received.payload.template as { components: Record<string, unknown>[] }).components;
    assert.deepEqual(components[1], {
      type: 'button',
      sub_type: 'url',
      index: '0',
      parameters: [{ type: 'text', text: '482913' }],
    });
  });

  it('when Meta is down at submission, then the member says why, and an edit resubmits it once Meta is back', async () => {
    await stack.control.setDown(true);
    const body = { ...winterOffer(), name: 'spring_note', wabaIds: [W12] };
    const res = await stack.api('POST', '/v1/templates', body);
    await stack.control.setDown(false);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.equal(res.body.members[0].status, 'SUBMISSION_FAILED');
    assert.match(res.body.members[0].reason, /131016/);
    const { name: _n, language: _l, wabaIds: _w, ...content } = body;
    const again = await stack.api('PUT', '/v1/templates/spring_note', content);
    assert.deepEqual(again.body.members, [{ wabaId: W12, status: 'PENDING' }]);
    await waitFor(async () => {
      const v = (await stack.api('GET', '/v1/templates/spring_note')).body;
      return v.members[0].status === 'APPROVED' && v.group.members[0] === W12;
    }, 'spring_note approval');
  });

  it('when a template is deleted, then Meta no longer has it and its group is gone', async () => {
    assert.equal((await stack.api('DELETE', '/v1/templates/winter_offer')).status, 204);
    assert.equal((await stack.api('GET', '/v1/templates/winter_offer')).status, 404);
    const inSim = (await stack.control.state()) as { templates: { name: string }[] };
    assert.equal(inSim.templates.filter((t) => t.name === 'winter_offer').length, 0);
    const registry = (await stack.api('GET', '/v1/templates')).body.data as { name: string }[];
    assert.equal(registry.filter((t) => t.name === 'winter_offer').length, 0);
  });
});
