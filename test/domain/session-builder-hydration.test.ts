import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSessionMessages,
  type SessionBuildInput,
  type SessionBuildResult,
} from '../../src/domain/session-builder';
import type { TemplateSendParameters } from '../../src/domain/template-model';

const header = (format: string) => ({ type: 'HEADER', format });
const BODY = { type: 'BODY', text: 'Hi {{1}}, get {{2}} off' };
const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
const buttons = (...b: object[]) => ({ type: 'BUTTONS', buttons: b });
const template = (...components: object[]) => ({ components });
const BODY_PARAMS = ['Ana', '20%'];
const PHONE = { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001111' };
const CODE = { type: 'COPY_CODE', example: 'SALE20' };

function run(components: object[], parameters: TemplateSendParameters): SessionBuildResult {
  return buildSessionMessages({ template: template(...components), parameters });
}
function build(components: object[], parameters: TemplateSendParameters): Extract<SessionBuildResult, { ok: true }> {
  const r = run(components, parameters);
  assert.ok(r.ok, JSON.stringify(r));
  return r;
}
/** The text a customer reads first: text body, caption or interactive body. */
function mainText(r: Extract<SessionBuildResult, { ok: true }>): string {
  const m = r.messages[r.messages.length - 1];
  if (m?.type === 'text') return m.text.body;
  if (m?.type === 'interactive') return m.interactive.body.text;
  if (m?.type === 'image') return m.image.caption ?? '';
  return '';
}

void describe('session builder: hydration', () => {
  void test('when body params are positional, then {{1}}, {{2}} are replaced in order', () => {
    assert.equal(mainText(build([BODY], { body: ['Ana', '20%'] })), 'Hi Ana, get 20% off');
  });
  void test('when the template uses named params and a record is given, then names are replaced', () => {
    const body = { type: 'body', text: 'Hi {{first_name}}, use {{ code }} for {{first_name}}' };
    assert.equal(mainText(build([body], { body: { first_name: 'Ana', code: 'X1' } })), 'Hi Ana, use X1 for Ana');
  });
  void test('when a named template gets an array, then names take values in order of first appearance', () => {
    const body = { type: 'BODY', text: 'Hi {{first_name}}, {{discount}} off' };
    assert.equal(mainText(build([body], { body: ['Ana', '20%'] })), 'Hi Ana, 20% off');
  });
  void test('when a positional template gets a record keyed by number, then it is used', () => {
    assert.equal(mainText(build([BODY], { body: { '1': 'Ana', '2': '5%' } })), 'Hi Ana, get 5% off');
  });
  void test('when a value contains {{2}}, then it is not expanded again', () => {
    assert.equal(mainText(build([BODY], { body: ['{{2}}', '20%'] })), 'Hi {{2}}, get 20% off');
  });
  void test('when the header text and a dynamic URL have variables, then both are hydrated', () => {
    const url = { type: 'url', text: 'Open', url: 'https://shop.example/o/{{1}}' };
    const r = build([{ type: 'header', format: 'text', text: 'For {{1}}' }, BODY, buttons(url)], {
      header: { type: 'text', text: 'Ana' },
      body: BODY_PARAMS,
      buttons: [{ index: 0, text: '987?utm=wa' }],
    });
    const i = r.messages[0];
    assert.ok(i.type === 'interactive' && i.interactive.type === 'cta_url');
    assert.deepEqual(i.interactive.header, { type: 'text', text: 'For Ana' });
    assert.equal(i.interactive.action.parameters.url, 'https://shop.example/o/987?utm=wa');
  });
  void test('when quick replies have a caller payload, a text, or nothing, then ids are payload, text, button text', () => {
    const r = build([BODY, buttons(qr('A'), qr('B'), qr('C'))], {
      body: BODY_PARAMS,
      buttons: [
        { index: 0, payload: 'PAY-A' },
        { index: 1, text: 'TEXT-B' },
      ],
    });
    assert.deepEqual(
      r.choices.map((c) => [c.buttonIndex, c.id]),
      [
        [0, 'PAY-A'],
        [1, 'TEXT-B'],
        [2, 'C'],
      ],
    );
  });
  void test('when a copy-code button has a couponCode, then the code is rendered as text', () => {
    assert.match(
      mainText(build([BODY, buttons(CODE)], { body: BODY_PARAMS, buttons: [{ index: 0, couponCode: 'VIP9' }] })),
      /Code: VIP9$/,
    );
  });
});

void describe('session builder: missing or mismatched parameters', () => {
  const cases: readonly [string, object[], TemplateSendParameters, string][] = [
    ['a body variable has no value', [BODY], { body: ['Ana'] }, 'body variables without a value: 2'],
    ['a body value is empty', [BODY], { body: ['Ana', ''] }, 'body variables without a value: 2'],
    ['no body params at all', [BODY], {}, 'body variables without a value: 1, 2'],
    [
      'the body is blank after hydration',
      [{ type: 'BODY', text: '{{1}}' }],
      { body: [' \n '] },
      'body is blank after hydration',
    ],
    [
      'a media header has no link',
      [header('IMAGE'), BODY],
      { body: BODY_PARAMS },
      'IMAGE header needs a image parameter with a link',
    ],
    [
      'the header media type differs',
      [header('VIDEO'), BODY],
      { header: { type: 'image', link: 'https://x' }, body: BODY_PARAMS },
      'VIDEO header needs a video parameter with a link',
    ],
    [
      'a text header variable has no value',
      [{ type: 'HEADER', format: 'TEXT', text: 'For {{1}}' }, BODY],
      { body: BODY_PARAMS },
      'TEXT header needs its text parameter',
    ],
    [
      'a dynamic URL has no suffix',
      [BODY, buttons({ type: 'URL', text: 'Go', url: 'https://x/{{1}}' })],
      { body: BODY_PARAMS },
      'URL button 0 needs its URL suffix (text)',
    ],
    [
      'a copy code has no code',
      [BODY, buttons(CODE)],
      { body: BODY_PARAMS },
      'COPY_CODE button 0 needs its couponCode',
    ],
  ];
  for (const [name, components, params, detail] of cases) {
    void test(`when ${name}, then the result is invalid_parameters instead of a payload with {{n}}`, () => {
      assert.deepEqual(run(components, params), { ok: false, reason: 'invalid_parameters', detail });
    });
  }
});

void describe('session builder: unsupported and invalid templates', () => {
  const unsupported: readonly [string, object[]][] = [
    ['CAROUSEL component', [BODY, { type: 'CAROUSEL', cards: [] }]],
    ['LIMITED_TIME_OFFER component', [{ type: 'limited_time_offer', limited_time_offer: {} }, BODY]],
    ['CATALOG button', [BODY, buttons({ type: 'CATALOG', text: 'View' })]],
    ['MPM button', [BODY, buttons({ type: 'MPM', text: 'View items' })]],
    ['SPM button', [BODY, buttons({ type: 'spm', text: 'View' })]],
    ['FLOW button', [BODY, buttons(qr('Yes'), { type: 'FLOW', text: 'Book', flow_id: '1' })]],
    ['OTP button', [BODY, buttons({ type: 'OTP', otp_type: 'COPY_CODE' })]],
    ['PRODUCT header', [header('PRODUCT'), BODY]],
  ];
  for (const [detail, components] of unsupported) {
    void test(`when the template has a ${detail}, then it fails with unsupported_template`, () => {
      assert.deepEqual(run(components, { body: BODY_PARAMS }), { ok: false, reason: 'unsupported_template', detail });
    });
  }
  void test('when components are not a list or BODY is missing, then it fails with invalid_template', () => {
    const notList = buildSessionMessages({
      template: { components: 'x' } as unknown as SessionBuildInput['template'],
      parameters: {},
    });
    assert.equal(notList.ok === false && notList.reason, 'invalid_template');
    assert.deepEqual(run([{ type: 'FOOTER', text: 'f' }], {}), {
      ok: false,
      reason: 'invalid_template',
      detail: 'template has no BODY text',
    });
    const noUrl = run([BODY, buttons({ type: 'URL', text: 'Go' })], { body: BODY_PARAMS });
    assert.deepEqual(noUrl, { ok: false, reason: 'invalid_template', detail: 'URL button 0 without url' });
  });
  void test('when a phone button is present, then it never changes the scenario', () => {
    assert.equal(build([BODY, buttons(PHONE)], { body: BODY_PARAMS }).scenario, 1);
  });
});

void describe('session builder: where the table is silent', () => {
  const LOCATION = {
    type: 'location',
    latitude: 1.5,
    longitude: -2.25,
    name: 'Central store',
    address: '1 Main St',
  } as const;

  void test('when the header is a LOCATION, then it is not media and becomes a line above the body', () => {
    const r = build([header('LOCATION'), BODY, buttons(qr('Yes'))], { header: LOCATION, body: BODY_PARAMS });
    assert.equal(r.scenario, 3);
    const message = r.messages[0];
    assert.ok(message.type === 'interactive' && message.interactive.type === 'button');
    assert.equal(message.interactive.header, undefined);
    assert.equal(
      message.interactive.body.text,
      'Central store, 1 Main St: https://maps.google.com/?q=1.5,-2.25\n\nHi Ana, get 20% off',
    );
  });

  void test('when a LOCATION header has no location parameter, then the line is dropped rather than failing', () => {
    const r = build([header('location'), BODY], { body: BODY_PARAMS });
    assert.equal(r.scenario, 1);
    assert.deepEqual(r.messages[0], {
      messaging_product: 'whatsapp',
      type: 'text',
      text: { body: 'Hi Ana, get 20% off', preview_url: true },
    });
  });

  void test('when labels are given in the template language, then they replace Call/Code/list button', () => {
    const input: SessionBuildInput = {
      template: template(BODY, buttons(qr('A'), qr('B'), qr('C'), qr('D'), PHONE, CODE)),
      parameters: { body: BODY_PARAMS, buttons: [{ index: 5, couponCode: 'X1' }] },
      labels: { call: 'Ligue', code: 'Cupom', listButton: 'Escolha' },
    };
    const r = buildSessionMessages(input);
    assert.ok(r.ok && r.messages[0].type === 'interactive' && r.messages[0].interactive.type === 'list');
    assert.equal(r.messages[0].interactive.body.text, 'Hi Ana, get 20% off\n\nLigue: +15550001111\nCupom: X1');
    assert.equal(r.messages[0].interactive.action.button, 'Escolha');
  });
});
