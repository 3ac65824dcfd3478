import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateOutbound } from '../../src/simulator';

const to = '447700900001';
const interactive = (i: object) => ({ messaging_product: 'whatsapp', to, type: 'interactive', interactive: i });
const buttons = (n: number, title = (i: number) => `Option ${i}`) => ({
  type: 'button',
  body: { text: 'Pick one' },
  action: {
    buttons: Array.from({ length: n }, (_, i) => ({ type: 'reply', reply: { id: `id-${i}`, title: title(i) } })),
  },
});
const list = (rowsPerSection: number[], extra: object = {}) => ({
  type: 'list',
  body: { text: 'Pick a plan' },
  action: {
    button: 'See plans',
    sections: rowsPerSection.map((n, s) => ({
      title: `S${s}`,
      rows: Array.from({ length: n }, (_, r) => ({ id: `r${s}-${r}`, title: `Row ${r}` })),
    })),
  },
  ...extra,
});
const cta = (display: string, header?: object) => ({
  type: 'cta_url',
  ...(header ? { header } : {}),
  body: { text: 'Catalogue' },
  action: { name: 'cta_url', parameters: { display_text: display, url: 'https://example.com/c?x=1' } },
});

function failsWith(body: unknown, code: number, field?: RegExp): void {
  const result = validateOutbound(body);
  assert.equal(result.ok, false, 'expected a failure');
  if (result.ok) return;
  assert.equal(result.code, code, result.details);
  if (field) assert.match(result.details, field);
}

describe('validateOutbound (pure): Meta limits of §3', () => {
  it('when reply buttons are 1-3 with short unique titles, then the message is valid', () => {
    for (const n of [1, 2, 3]) assert.equal(validateOutbound(interactive(buttons(n))).ok, true);
  });

  it('when there are 4 reply buttons, then 131009 naming interactive.action.buttons', () => {
    failsWith(interactive(buttons(4)), 131009, /interactive\.action\.buttons/);
  });

  it('when a button title exceeds 20 characters or repeats, then 131009', () => {
    failsWith(interactive(buttons(2, () => 'x'.repeat(21))), 131009, /title/);
    failsWith(interactive(buttons(2, () => 'Same')), 131009, /duplicate button title/);
  });

  it('property: any reply-button message with more than 3 buttons is rejected, with 1-3 accepted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (n) => validateOutbound(interactive(buttons(n))).ok === n <= 3),
    );
  });

  it('when a list has more than 10 rows in total, then 131009', () => {
    assert.equal(validateOutbound(interactive(list([5, 5]))).ok, true);
    failsWith(interactive(list([6, 5])), 131009, /at most 10 rows/);
  });

  it('when a list has a media header, then 131009 (lists take text headers only)', () => {
    failsWith(
      interactive(list([2], { header: { type: 'image', image: { link: 'https://x.example/a.jpg' } } })),
      131009,
      /header/,
    );
  });

  it('when list row ids repeat, a row title exceeds 24 or the button label exceeds 20, then 131009', () => {
    const dup = list([1, 1]);
    dup.action.sections[1]!.rows[0]!.id = 'r0-0';
    failsWith(interactive(dup), 131009, /duplicate row id/);
    const long = list([1]);
    long.action.sections[0]!.rows[0]!.title = 'x'.repeat(25);
    failsWith(interactive(long), 131009, /rows\.0\.title/);
    failsWith(
      interactive({ ...list([1]), action: { ...list([1]).action, button: 'x'.repeat(21) } }),
      131009,
      /action\.button/,
    );
  });

  it('when several sections lack titles, then 131008', () => {
    const untitled = list([1, 1]);
    for (const s of untitled.action.sections) delete (s as { title?: string }).title;
    failsWith(interactive(untitled), 131008);
  });

  it('when a cta_url has a media header, then it is valid (Meta allows it); display text over 20 is 131009', () => {
    assert.equal(
      validateOutbound(interactive(cta('Open', { type: 'image', image: { link: 'https://x.example/a.jpg' } }))).ok,
      true,
    );
    failsWith(interactive(cta('x'.repeat(21))), 131009, /display_text/);
  });

  it('when the interactive body is missing or over 1024, then 131008 / 131009', () => {
    const { body: _body, ...noBody } = buttons(1);
    failsWith(interactive(noBody), 131008, /interactive\.body/);
    failsWith(interactive({ ...buttons(1), body: { text: 'x'.repeat(1025) } }), 131009);
  });

  it('when a header text exceeds 60 characters, then 131009', () => {
    failsWith(interactive({ ...buttons(1), header: { type: 'text', text: 'x'.repeat(61) } }), 131009, /header\.text/);
  });

  it('when an unsupported interactive type is sent, then 131009', () => {
    failsWith(interactive({ type: 'carousel', body: { text: 'x' } }), 131009);
  });

  it('when a text body exceeds 4096 characters, then 131009; when it is missing, then 131008', () => {
    assert.equal(
      validateOutbound({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x'.repeat(4096) } }).ok,
      true,
    );
    failsWith({ messaging_product: 'whatsapp', to, type: 'text', text: { body: 'x'.repeat(4097) } }, 131009);
    failsWith({ messaging_product: 'whatsapp', to, type: 'text' }, 131008);
  });

  it('when media has neither id nor link, both, or a caption on audio, then it is rejected', () => {
    failsWith({ messaging_product: 'whatsapp', to, type: 'image', image: {} }, 131008);
    failsWith(
      { messaging_product: 'whatsapp', to, type: 'image', image: { id: '1', link: 'https://x.example/a.jpg' } },
      131009,
    );
    failsWith(
      { messaging_product: 'whatsapp', to, type: 'audio', audio: { id: '1', caption: 'no' } },
      131009,
      /caption/,
    );
    failsWith(
      {
        messaging_product: 'whatsapp',
        to,
        type: 'image',
        image: { link: 'https://x.example/a.jpg', caption: 'x'.repeat(1025) },
      },
      131009,
    );
  });

  it('when messaging_product is missing or wrong, or to is not a number, then 131008 / 100', () => {
    failsWith({ to, type: 'text', text: { body: 'x' } }, 131008, /messaging_product/);
    failsWith({ messaging_product: 'sms', to, type: 'text', text: { body: 'x' } }, 100);
    failsWith({ messaging_product: 'whatsapp', to: 'abc', type: 'text', text: { body: 'x' } }, 100, /to/);
  });

  it('when the window is closed in the context, then free-form is 131047 but a template is checked on its own', () => {
    const closed = { windowOpen: false };
    const result = validateOutbound(interactive(buttons(1)), closed);
    assert.equal(result.ok ? 0 : result.code, 131047);
    const template = {
      messaging_product: 'whatsapp',
      to,
      type: 'template',
      template: { name: 'x', language: { code: 'en' } },
    };
    assert.equal(validateOutbound(template, closed).ok, true);
    const checked = validateOutbound(template, { ...closed, templates: [] });
    assert.equal(checked.ok ? 0 : checked.code, 132001);
  });

  it('when the recipient is the sender in the context, then 131021', () => {
    const result = validateOutbound(interactive(buttons(1)), { senderWaId: to });
    assert.equal(result.ok ? 0 : result.code, 131021);
  });
});
