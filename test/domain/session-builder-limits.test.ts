import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSessionMessages,
  type InteractiveSessionMessage,
  type SessionBuildResult,
  type SessionMessage,
} from '../../src/domain/session-builder';
import type { TemplateSendParameters } from '../../src/domain/template-model';

const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
const url = (text: string, u: string) => ({ type: 'URL', text, url: u });
const buttons = (...b: object[]) => ({ type: 'BUTTONS', buttons: b });
const body = (text: string) => ({ type: 'BODY', text });
const IMAGE = { type: 'image', link: 'https://cdn.example/a.jpg' } as const;

function build(
  components: object[],
  parameters: TemplateSendParameters = {},
): Extract<SessionBuildResult, { ok: true }> {
  const r = buildSessionMessages({ template: { components }, parameters });
  assert.ok(r.ok, JSON.stringify(r));
  return r;
}
function interactive(m: SessionMessage | undefined): InteractiveSessionMessage['interactive'] {
  assert.ok(m?.type === 'interactive', `expected interactive, got ${m?.type}`);
  return m.interactive;
}
const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

void describe('session builder limits: counts', () => {
  void test('when there are 3 quick replies, then all 3 are reply buttons', () => {
    const i = interactive(build([body('Hi'), buttons(qr('A'), qr('B'), qr('C'))]).messages[0]);
    assert.ok(i.type === 'button');
    assert.equal(i.action.buttons.length, 3);
  });
  void test('when there are 4 quick replies, then a list replaces the buttons (max 3 buttons)', () => {
    assert.equal(build([body('Hi'), buttons(qr('A'), qr('B'), qr('C'), qr('D'))]).scenario, 4);
  });
  void test('when there are 10 quick replies, then the list has exactly 10 rows', () => {
    const qrs = Array.from({ length: 10 }, (_, i) => qr(`Option ${i}`));
    const i = interactive(build([body('Hi'), buttons(...qrs)]).messages[0]);
    assert.ok(i.type === 'list');
    assert.equal(i.action.sections.flatMap((s) => s.rows).length, 10);
  });
  void test('when there are 11 quick replies, then the template is rejected as invalid, not sent', () => {
    const qrs = Array.from({ length: 11 }, (_, i) => qr(`Option ${i}`));
    const r = buildSessionMessages({ template: { components: [body('Hi'), buttons(...qrs)] }, parameters: {} });
    assert.deepEqual(r, { ok: false, reason: 'invalid_template', detail: '11 quick replies (Meta allows 10)' });
  });
});

void describe('session builder limits: lengths', () => {
  void test('when a quick reply is 25 characters, then the button title is cut to 20 at a word with an ellipsis', () => {
    const r = build([body('Hi'), buttons(qr('Claim my festive offer!!'))]);
    const i = interactive(r.messages[0]);
    assert.ok(i.type === 'button');
    assert.equal(i.action.buttons[0]?.reply.title, 'Claim my festive…');
    assert.deepEqual(r.truncated, [
      { path: 'messages[0].interactive.action.buttons[0].reply.title', originalLength: 24, length: 17, limit: 20 },
    ]);
  });
  void test('when a row title exceeds 24, then it is cut and the full text becomes the row description', () => {
    const r = build([body('Hi'), buttons(qr('A'), qr('B'), qr('C'), qr('Send me the whole catalog'))]);
    const i = interactive(r.messages[0]);
    assert.ok(i.type === 'list');
    assert.deepEqual(i.action.sections[0]?.rows[3], {
      id: 'Send me the whole catalog',
      title: 'Send me the whole…',
      description: 'Send me the whole catalog',
    });
  });
  void test('when body plus URL lines exceed 1024 in an interactive message, then the body is cut and URLs kept', () => {
    const r = build([body(words(200)), buttons(qr('Yes'), url('Shop', 'https://shop.example/x'))]);
    const text = interactive(r.messages[0]).body.text;
    assert.ok(text.length <= 1024, String(text.length));
    assert.ok(text.endsWith('…\n\nShop: https://shop.example/x'), text.slice(-60));
    assert.equal(r.truncated[0]?.path, 'messages[0].interactive.body.text');
  });
  void test('when a list body exceeds 1024, then it is cut to 1024 (the safe list limit)', () => {
    const i = interactive(build([body(words(300)), buttons(qr('A'), qr('B'), qr('C'), qr('D'))]).messages[0]);
    assert.ok(i.type === 'list' && i.body.text.length <= 1024 && i.body.text.endsWith('…'));
  });
  void test('when a text message would exceed 4096, then its body is cut and the links survive', () => {
    const r = build([body(words(700)), buttons(url('A', 'https://a.example'), url('B', 'https://b.example'))]);
    assert.ok(r.messages[0].type === 'text');
    const text = r.messages[0].text.body;
    assert.ok(text.length <= 4096 && text.length > 4000, String(text.length));
    assert.ok(text.endsWith('…\n\nA: https://a.example\nB: https://b.example'));
  });
  void test('when a caption would exceed 1024, then it is cut to 1024', () => {
    const r = build([{ type: 'HEADER', format: 'IMAGE' }, body(words(200))], { header: IMAGE });
    assert.ok(r.messages[0].type === 'image');
    const caption = r.messages[0].image.caption ?? '';
    assert.ok(caption.length <= 1024 && caption.endsWith('…'));
    assert.equal(r.truncated[0]?.path, 'messages[0].image.caption');
  });
  void test('when two long URLs alone exceed the caption, then the whole caption is cut rather than dropping the body', () => {
    const long = (c: string) => `https://${c.repeat(600)}.example`;
    const r = build(
      [{ type: 'HEADER', format: 'IMAGE' }, body('Hello'), buttons(url('A', long('a')), url('B', long('b')))],
      {
        header: IMAGE,
      },
    );
    assert.ok(r.messages[0].type === 'image');
    const caption = r.messages[0].image.caption ?? '';
    assert.ok(caption.startsWith('Hello\n\nA: https://aaa') && caption.length <= 1024 && caption.endsWith('…'));
  });
  void test('when the header text exceeds 60, then it is cut to 60', () => {
    const r = build([{ type: 'HEADER', format: 'TEXT', text: words(15) }, body('Hi'), buttons(qr('Yes'))]);
    const h = interactive(r.messages[0]).header;
    assert.ok(h?.type === 'text' && h.text.length <= 60 && h.text.endsWith('…'));
  });
  void test('when the footer exceeds 60, then the interactive footer is cut to 60', () => {
    const r = build([body('Hi'), { type: 'FOOTER', text: words(12) }, buttons(qr('Yes'))]);
    const f = interactive(r.messages[0]).footer?.text ?? '';
    assert.ok(f.length <= 60 && f.endsWith('…'), f);
  });
  void test('when the URL label exceeds 20, then the cta display_text is cut to 20', () => {
    const i = interactive(build([body('Hi'), buttons(url('See all festive offers', 'https://x.example'))]).messages[0]);
    assert.ok(i.type === 'cta_url');
    assert.equal(i.action.parameters.display_text, 'See all festive…');
  });
  void test('when the list button label exceeds 20, then it is cut to 20', () => {
    const r = buildSessionMessages({
      template: { components: [body('Hi'), buttons(qr('A'), qr('B'), qr('C'), qr('D'))] },
      parameters: {},
      labels: { listButton: 'Escolha uma das opções abaixo' },
    });
    assert.ok(r.ok);
    const i = interactive(r.messages[0]);
    assert.ok(i.type === 'list' && i.action.button.length <= 20, i.type === 'list' ? i.action.button : '');
  });
});

void describe('session builder limits: ids and uniqueness', () => {
  const longPayload = 'P'.repeat(300);
  void test('when a payload exceeds 256, then the reply id is cut to 256 without ellipsis', () => {
    const r = build([body('Hi'), buttons(qr('Yes'))], { buttons: [{ index: 0, payload: longPayload }] });
    assert.equal(r.choices[0]?.id, 'P'.repeat(256));
    assert.equal(r.choices[0]?.payload, longPayload);
  });
  void test('when a payload exceeds 200 in a list, then the row id is cut to 200', () => {
    const r = build([body('Hi'), buttons(qr('A'), qr('B'), qr('C'), qr('D'))], {
      buttons: [{ index: 3, payload: longPayload }],
    });
    assert.equal(r.choices[3]?.id, 'P'.repeat(200));
  });
  void test('when a payload would be cut inside an emoji, then the id keeps whole characters', () => {
    const r = build([body('Hi'), buttons(qr('Yes'))], { buttons: [{ index: 0, payload: 'x'.repeat(255) + '😀' }] });
    assert.equal(r.choices[0]?.id, 'x'.repeat(255));
  });
  void test('when two payloads are equal, then the second id gets a deterministic suffix and maps back', () => {
    const r = build([body('Hi'), buttons(qr('Yes'), qr('Sure'))], {
      buttons: [
        { index: 0, payload: 'YES' },
        { index: 1, payload: 'YES' },
      ],
    });
    assert.deepEqual(
      r.choices.map((c) => [c.id, c.payload]),
      [
        ['YES', 'YES'],
        ['YES~2', 'YES'],
      ],
    );
    assert.deepEqual(r.renamed, [
      { path: 'messages[0].interactive.action.buttons[1].reply.id', from: 'YES', to: 'YES~2' },
    ]);
  });
  void test('when two long payloads share their first 256 characters, then ids stay unique within 256', () => {
    const r = build([body('Hi'), buttons(qr('A'), qr('B'))], {
      buttons: [
        { index: 0, payload: longPayload + '1' },
        { index: 1, payload: longPayload + '2' },
      ],
    });
    const [a, b] = r.choices.map((c) => c.id);
    assert.ok(a !== b && (a?.length ?? 0) <= 256 && (b?.length ?? 0) <= 256);
  });
  void test('when two titles collide after truncation, then the second is disambiguated within 20', () => {
    const r = build([body('Hi'), buttons(qr('Get the summer deal A'), qr('Get the summer deal B'))]);
    const titles = r.choices.map((c) => c.title);
    assert.deepEqual(titles, ['Get the summer deal…', 'Get the summer… (2)']);
  });
  void test('when titles differ only by case, then they are still made unique', () => {
    const r = build([body('Hi'), buttons(qr('Yes'), qr('YES'))]);
    assert.deepEqual(
      r.choices.map((c) => c.title),
      ['Yes', 'YES (2)'],
    );
  });
});
