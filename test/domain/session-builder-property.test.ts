import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { validateOutbound } from '../../src/simulator';
import { buildSessionMessages } from '../../src/domain/session-builder';
import type { TemplateSendParameters } from '../../src/domain/template-model';

// ---------------------------------------------------------------------------------------------------------------
// An independent reading of docs/meta-cloud-api.md#content-limits (numbers written out here on purpose).

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Every WhatsApp rule a session payload breaks; empty when Meta would accept its shape. */
function checkSessionLimits(payload: unknown): string[] {
  const errors: string[] = [];
  const p = obj(payload);
  const text = (path: string, v: unknown, max: number, required = true) => {
    const s = str(v);
    if (s === undefined) {
      if (required) errors.push(`${path}: missing`);
      return;
    }
    if (s.length === 0) errors.push(`${path}: empty`);
    if (s.length > max) errors.push(`${path}: ${s.length} > ${max}`);
    if (LONE_SURROGATE.test(s)) errors.push(`${path}: split surrogate pair`);
  };
  const unique = (path: string, values: (string | undefined)[], fold: (s: string) => string = (s) => s) => {
    const seen = values.map((v) => fold(v ?? ''));
    if (new Set(seen).size !== seen.length) errors.push(`${path}: not unique`);
  };
  if (p.messaging_product !== 'whatsapp') errors.push('messaging_product');
  if ('to' in p) errors.push('to must be left to the sender');
  const type = str(p.type);
  if (type === 'text') {
    text('text.body', obj(p.text).body, 4096);
    if (typeof obj(p.text).preview_url !== 'boolean') errors.push('text.preview_url');
  } else if (type === 'image' || type === 'video' || type === 'document') {
    const m = obj(p[type]);
    text(`${type}.link`, m.link, 2000);
    text(`${type}.caption`, m.caption, 1024, false);
    if (type !== 'document' && 'filename' in m) errors.push(`${type}.filename`);
  } else if (type === 'interactive') {
    const i = obj(p.interactive);
    text('body.text', obj(i.body).text, 1024);
    if ('footer' in i) text('footer.text', obj(i.footer).text, 60);
    const h = obj(i.header);
    const headerType = str(h.type);
    if ('header' in i) {
      const allowed = i.type === 'list' ? ['text'] : ['text', 'image', 'video', 'document'];
      if (!allowed.includes(headerType ?? '')) errors.push(`header type ${headerType} on ${String(i.type)}`);
      if (headerType === 'text') text('header.text', h.text, 60);
      else text(`header.${headerType}.link`, obj(h[headerType ?? '']).link, 2000);
    }
    const action = obj(i.action);
    if (i.type === 'button') {
      const buttons = arr(action.buttons).map(obj);
      if (buttons.length < 1 || buttons.length > 3) errors.push(`buttons: ${buttons.length}`);
      const replies = buttons.map((b) => obj(b.reply));
      buttons.forEach((b, n) => {
        if (b.type !== 'reply') errors.push(`buttons[${n}].type`);
        text(`buttons[${n}].title`, replies[n]?.title, 20);
        text(`buttons[${n}].id`, replies[n]?.id, 256);
      });
      unique(
        'button titles',
        replies.map((r) => str(r.title)),
        (s) => s.trim().toLowerCase(),
      );
      unique(
        'button ids',
        replies.map((r) => str(r.id)),
      );
    } else if (i.type === 'list') {
      text('action.button', action.button, 20);
      const sections = arr(action.sections).map(obj);
      if (sections.length < 1 || sections.length > 10) errors.push(`sections: ${sections.length}`);
      sections.forEach((s, n) => text(`sections[${n}].title`, s.title, 24, sections.length > 1));
      const rows = sections.flatMap((s) => arr(s.rows).map(obj));
      if (rows.length < 1 || rows.length > 10) errors.push(`rows: ${rows.length}`);
      rows.forEach((r, n) => {
        text(`rows[${n}].title`, r.title, 24);
        text(`rows[${n}].id`, r.id, 200);
        text(`rows[${n}].description`, r.description, 72, false);
      });
      unique(
        'row titles',
        rows.map((r) => str(r.title)),
        (s) => s.trim().toLowerCase(),
      );
      unique(
        'row ids',
        rows.map((r) => str(r.id)),
      );
    } else if (i.type === 'cta_url') {
      if (action.name !== 'cta_url') errors.push('action.name');
      text('display_text', obj(action.parameters).display_text, 20);
      text('url', obj(action.parameters).url, 4096);
    } else errors.push(`interactive.type ${String(i.type)}`);
  } else errors.push(`type ${String(type)}`);
  return errors;
}

void describe('checkSessionLimits (the checker itself)', () => {
  const interactive = (i: Json) => ({ messaging_product: 'whatsapp', type: 'interactive', interactive: i });
  const reply = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
  const good = interactive({ type: 'button', body: { text: 'Hi' }, action: { buttons: [reply('a', 'A')] } });
  const row = (id: string, title: string) => ({ id, title });
  const bad: readonly [string, unknown][] = [
    [
      'a 4097-character text',
      { messaging_product: 'whatsapp', type: 'text', text: { body: 'x'.repeat(4097), preview_url: true } },
    ],
    [
      'a 1025-character caption',
      { messaging_product: 'whatsapp', type: 'image', image: { link: 'l', caption: 'x'.repeat(1025) } },
    ],
    [
      'four reply buttons',
      interactive({
        type: 'button',
        body: { text: 'b' },
        action: { buttons: ['a', 'b', 'c', 'd'].map((x) => reply(x, x)) },
      }),
    ],
    [
      'a 21-character title',
      interactive({ type: 'button', body: { text: 'b' }, action: { buttons: [reply('a', 'x'.repeat(21))] } }),
    ],
    [
      'duplicate titles',
      interactive({ type: 'button', body: { text: 'b' }, action: { buttons: [reply('a', 'Yes'), reply('b', 'yes')] } }),
    ],
    [
      'duplicate ids',
      interactive({ type: 'button', body: { text: 'b' }, action: { buttons: [reply('a', 'A'), reply('a', 'B')] } }),
    ],
    [
      'a split emoji',
      interactive({ type: 'button', body: { text: 'b\ud83d' }, action: { buttons: [reply('a', 'A')] } }),
    ],
    [
      'an image header on a list',
      interactive({
        type: 'list',
        header: { type: 'image', image: { link: 'l' } },
        body: { text: 'b' },
        action: { button: 'B', sections: [{ rows: [row('1', 'r')] }] },
      }),
    ],
    [
      '11 rows',
      interactive({
        type: 'list',
        body: { text: 'b' },
        action: { button: 'B', sections: [{ rows: Array.from({ length: 11 }, (_, n) => row(`${n}`, `r${n}`)) }] },
      }),
    ],
    [
      'a 25-character row title',
      interactive({
        type: 'list',
        body: { text: 'b' },
        action: { button: 'B', sections: [{ rows: [row('1', 'x'.repeat(25))] }] },
      }),
    ],
    [
      'a 201-character row id',
      interactive({
        type: 'list',
        body: { text: 'b' },
        action: { button: 'B', sections: [{ rows: [row('x'.repeat(201), 'r')] }] },
      }),
    ],
    [
      'a 61-character footer',
      interactive({
        type: 'cta_url',
        body: { text: 'b' },
        footer: { text: 'x'.repeat(61) },
        action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'u' } },
      }),
    ],
    [
      'a 21-character display text',
      interactive({
        type: 'cta_url',
        body: { text: 'b' },
        action: { name: 'cta_url', parameters: { display_text: 'x'.repeat(21), url: 'u' } },
      }),
    ],
    [
      'a 1025-character interactive body',
      interactive({
        type: 'cta_url',
        body: { text: 'x'.repeat(1025) },
        action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'u' } },
      }),
    ],
    ['a recipient', { ...good, to: '1555' }],
  ];
  void test('when a payload is valid, then the checker reports nothing', () =>
    assert.deepEqual(checkSessionLimits(good), []));
  for (const [name, payload] of bad) {
    void test(`when a payload has ${name}, then the checker reports it`, () =>
      assert.notDeepEqual(checkSessionLimits(payload), []));
  }
});

// ---------------------------------------------------------------------------------------------------------------
// Arbitrary templates within Meta's template rules (and some text beyond them, which must still be fitted).

const nonBlank = (max: number) =>
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: max, size: 'max' })
    .map((s) => (s.trim() === '' || s.includes('{{') ? `x${s.replace(/\{\{/g, '{')}` : s));
// Mostly Meta's 25-character quick replies; sometimes longer (beyond Meta's rules) so every limit is reachable.
const pooled = fc.oneof(
  { arbitrary: nonBlank(25), weight: 6 },
  { arbitrary: nonBlank(90), weight: 1 },
  { arbitrary: fc.constantFrom('Yes', 'yes', 'Claim my festive offer!!', 'Claim my festive offer??'), weight: 3 },
);
const word = fc.oneof(nonBlank(12), fc.constantFrom('{{1}}', '{{2}}', 'sale', 'https://x.example/very/long'));

const templateArb = fc.record({
  header: fc.constantFrom('NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'),
  headerText: nonBlank(70),
  body: fc.array(word, { minLength: 1, maxLength: 260, size: 'max' }).map((w) => w.join(' ')),
  footer: fc.option(nonBlank(80), { nil: undefined }),
  quickReplies: fc.array(
    fc.record({ text: pooled, payload: fc.option(fc.string({ maxLength: 300, size: 'max' }), { nil: undefined }) }),
    { maxLength: 10 },
  ),
  urls: fc.array(
    fc.record({
      text: nonBlank(25),
      path: fc.stringMatching(/^[a-z0-9/]{0,700}$/, { size: 'max' }),
      dynamic: fc.boolean(),
    }),
    { maxLength: 2 },
  ),
  phone: fc.boolean(),
  code: fc.option(nonBlank(15), { nil: undefined }),
  params: fc.tuple(nonBlank(60), nonBlank(60), nonBlank(60)),
});

void describe('session builder: property', () => {
  void test('when any standard template is converted, then every payload satisfies every WhatsApp limit', () => {
    fc.assert(
      fc.property(templateArb, (t) => {
        const buttons: object[] = t.quickReplies.map((q) => ({ type: 'QUICK_REPLY', text: q.text }));
        const params: TemplateSendParameters = { body: [t.params[0], t.params[1]], buttons: [] };
        t.quickReplies.forEach(
          (q, index) => q.payload !== undefined && params.buttons?.push({ index, payload: q.payload }),
        );
        for (const u of t.urls) {
          params.buttons?.push({ index: buttons.length, text: t.params[2] });
          buttons.push({ type: 'URL', text: u.text, url: `https://shop.example/${u.path}${u.dynamic ? '{{1}}' : ''}` });
        }
        if (t.phone) buttons.push({ type: 'PHONE_NUMBER', text: 'Call', phone_number: '+15550001111' });
        if (t.code !== undefined) {
          params.buttons?.push({ index: buttons.length, couponCode: t.code });
          buttons.push({ type: 'COPY_CODE', example: 'X' });
        }
        const components: object[] = [
          { type: 'BODY', text: t.body },
          { type: 'BUTTONS', buttons },
        ];
        if (t.footer !== undefined) components.push({ type: 'FOOTER', text: t.footer });
        if (t.header === 'TEXT') components.unshift({ type: 'HEADER', format: 'TEXT', text: `${t.headerText} {{1}}` });
        else if (t.header !== 'NONE') components.unshift({ type: 'HEADER', format: t.header });
        if (t.header === 'TEXT') params.header = { type: 'text', text: t.params[2] };
        if (t.header === 'LOCATION') params.header = { type: 'location', latitude: 1, longitude: 2, name: t.params[2] };
        if (t.header === 'IMAGE' || t.header === 'VIDEO' || t.header === 'DOCUMENT') {
          params.header = { type: t.header.toLowerCase() as 'image', link: 'https://cdn.example/m', filename: 'f.pdf' };
        }

        const r = buildSessionMessages({ template: { components }, parameters: params });
        assert.ok(r.ok, JSON.stringify(r));
        for (const m of r.messages) assert.deepEqual(checkSessionLimits(m), [], JSON.stringify(m));
        // And the simulator's own implementation of Meta's rules (written independently) accepts every payload.
        for (const m of r.messages) {
          const verdict = validateOutbound({ ...m, to: '447700900001' }, { windowOpen: true });
          assert.ok(verdict.ok, `${JSON.stringify(verdict)} for ${JSON.stringify(m)}`);
        }

        const media = ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(t.header);
        const qr = t.quickReplies.length;
        const expected = qr === 0 ? (t.urls.length === 1 ? 2 : 1) : qr <= 3 ? 3 : 4;
        assert.equal(r.scenario, expected + (media ? 4 : 0));
        assert.equal(r.messages.length, r.scenario === 8 ? 2 : 1);
        assert.deepEqual(
          r.choices.map((c) => c.payload),
          t.quickReplies.map((q) => q.payload || q.text),
        );
      }),
      // Shrinking a large failing template can take minutes: stop after 15 s (a found failure is still reported).
      { numRuns: 300, interruptAfterTimeLimit: 15_000 },
    );
  });
});
