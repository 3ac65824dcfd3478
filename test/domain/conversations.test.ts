import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { csvLine } from '../../src/api/csv';
import { acknowledgementText } from '../../src/domain/conversations/acknowledgement';
import { escalationSettingsSchema } from '../../src/domain/conversations/escalation-settings';
import { replyWindow, windowOpenFor, windowsOf } from '../../src/domain/conversations/service-window';
import { sessionPayload } from '../../src/domain/conversations/session-payload';

const H = 3_600_000;
const T0 = Date.UTC(2026, 11, 1, 10);

describe('service window (pure)', () => {
  const last = { a: new Date(T0 - 2 * H).toISOString(), b: new Date(T0 - 30 * H).toISOString() };

  it('when the customer wrote to two numbers, then the reply window is the most recent one', () => {
    assert.deepEqual(
      windowsOf(last, T0).map((w) => [w.phoneNumberId, w.open]),
      [
        ['a', true],
        ['b', false],
      ],
    );
    assert.equal(replyWindow(last, T0)?.closesAt, new Date(T0 + 22 * H).toISOString());
  });

  it('when exactly 24 h have passed, then the window is closed; a millisecond before, it is open', () => {
    const at = { a: new Date(T0).toISOString() };
    assert.equal(windowOpenFor(at, 'a', T0 + 24 * H - 1), true);
    assert.equal(windowOpenFor(at, 'a', T0 + 24 * H), false);
    assert.equal(windowOpenFor(at, 'other', T0), false);
    assert.equal(replyWindow({}, T0), undefined);
  });
});

describe('escalation acknowledgement (pure)', () => {
  const settings = (extra: Record<string, unknown>) => escalationSettingsSchema.parse({ enabled: true, ...extra });

  it('when the tenant configured human paths, then every one is in the acknowledgement, in the language asked', () => {
    const s = settings({
      humanPath: {
        agentHandoff: true,
        phone: '+15550001234',
        email: 'help@shop.example',
        webForm: 'https://shop.example/h',
      },
    });
    const en = acknowledgementText(s, 'en');
    for (const part of [
      'connecting you with a person',
      'reply in this chat',
      '+15550001234',
      'help@shop.example',
      'https://shop.example/h',
    ])
      assert.ok(en.includes(part), `${part} in ${en}`);
    assert.match(acknowledgementText(s, 'es'), /^Gracias/);
    assert.match(acknowledgementText(s, 'hi'), /धन्यवाद/);
    assert.match(acknowledgementText(s, 'de'), /^Thanks/, 'no built-in German: English');
  });

  it('when the tenant wrote its own opening, then it replaces the built-in one and the paths still follow', () => {
    const s = settings({
      humanPath: { phone: '+15550001234' },
      acknowledgement: { default: 'Hold on!', es: '¡Un momento!' },
    });
    assert.equal(acknowledgementText(s, 'en'), 'Hold on!\nCall us: +15550001234');
    assert.equal(acknowledgementText(s, 'es'), '¡Un momento!\nLlámanos: +15550001234');
  });

  it('when escalation is enabled without any human path, then the settings are refused naming humanPath', () => {
    const r = escalationSettingsSchema.safeParse({ enabled: true });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['humanPath']);
    assert.equal(escalationSettingsSchema.safeParse({ enabled: false }).success, true);
  });
});

describe('session payloads (pure)', () => {
  it('when each content type is converted, then it is the Cloud API shape', () => {
    assert.deepEqual(sessionPayload({ type: 'text', text: 'hi' }), {
      messaging_product: 'whatsapp',
      type: 'text',
      text: { body: 'hi', preview_url: false },
    });
    assert.deepEqual(sessionPayload({ type: 'document', link: 'https://x/a.pdf', filename: 'a.pdf' }).type, 'document');
    const buttons = sessionPayload({
      type: 'buttons',
      header: { type: 'image', link: 'https://x/a.jpg' },
      body: 'b',
      buttons: [{ id: 'y', title: 'Yes' }],
    });
    assert.deepEqual(buttons, {
      messaging_product: 'whatsapp',
      type: 'interactive',
      interactive: {
        type: 'button',
        header: { type: 'image', image: { link: 'https://x/a.jpg' } },
        body: { text: 'b' },
        action: { buttons: [{ type: 'reply', reply: { id: 'y', title: 'Yes' } }] },
      },
    });
    const cta = sessionPayload({ type: 'cta_url', body: 'b', footer: 'f', displayText: 'Go', url: 'https://x' });
    assert.deepEqual((cta as { interactive: unknown }).interactive, {
      type: 'cta_url',
      body: { text: 'b' },
      footer: { text: 'f' },
      action: { name: 'cta_url', parameters: { display_text: 'Go', url: 'https://x' } },
    });
  });
});

describe('CSV lines', () => {
  it('when a field has commas, quotes, line breaks or starts like a formula, then it is quoted or defused', () => {
    assert.equal(csvLine(['a', 'b,c', 'say "hi"', 'x\ny', null, 3]), 'a,"b,c","say ""hi""","x\ny",,3');
    assert.equal(csvLine(['=HYPERLINK("x")', '+1', '@me']), `"'=HYPERLINK(""x"")",'+1,'@me`);
  });
});
