import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consentPayloads, parseConsentPayload } from '../../src/domain/consent';
import { classifyText, keywordLists, normaliseKeyword } from '../../src/domain/inbound-keywords';
import { extractEvents } from '../../src/meta/webhook-events';
import { parseWebhookJson } from '../../src/meta/webhook-json';
import { inboundMessageSchema, webhookEnvelopeSchema } from '../../src/meta/webhook-schemas';
import { inboundTexts, toInboundReply } from '../../src/services/webhooks/inbound-content';

const eventsOf = (changes: { field: string; value: unknown }[], time = 1767225600) =>
  extractEvents(
    webhookEnvelopeSchema.parse({ object: 'whatsapp_business_account', entry: [{ id: 'W1', time, changes }] }),
  );
const metadata = { display_phone_number: '15550001111', phone_number_id: 'P1' };
const msg = (extra: Record<string, unknown>) => ({ from: '4477', id: 'wamid.IN1', timestamp: '1767225600', ...extra });

describe('webhook parsing (pure)', () => {
  it('when a template id exceeds 2^53, then it is kept exact as a string', () => {
    const raw = '{"a":{"message_template_id": 12345678901234567891,"entity_id":98765432109876543210},"t":"x"}';
    const parsed = parseWebhookJson(Buffer.from(raw)) as any;
    assert.equal(parsed.a.message_template_id, '12345678901234567891');
    assert.equal(parsed.a.entity_id, '98765432109876543210');
  });

  it('when the key only appears inside a string, then the string is left alone', () => {
    const raw = JSON.stringify({ text: '"message_template_id": 12345678901234567891}' });
    assert.deepEqual(parseWebhookJson(raw), JSON.parse(raw));
  });

  it('when a batch mixes a good and a bad status, then the good one survives and the bad one is malformed', () => {
    const events = eventsOf([
      {
        field: 'messages',
        value: { metadata, statuses: [{ id: 'wamid.1', status: 'delivered', timestamp: '1' }, { status: 'sent' }] },
      },
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['status', 'malformed'],
    );
    assert.equal(events[0]!.key, 'status:wamid.1:delivered');
  });

  it('when fields are unknown, preferences or management changes, then each becomes its own kind', () => {
    const events = eventsOf([
      { field: 'security', value: { x: 1 } },
      {
        field: 'user_preferences',
        value: {
          metadata,
          user_preferences: [{ wa_id: '4477', value: 'stop', category: 'marketing_messages', timestamp: 5 }],
        },
      },
      { field: 'account_review_update', value: { decision: 'APPROVED' } },
      { field: 'account_update', value: { event: 'DISABLED_UPDATE' } },
    ]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['ignored', 'user_preference', 'health', 'malformed'],
    );
    assert.equal(events[1]!.key, 'pref:4477:stop:5');
  });

  it('when the same management event comes at another time, then its key differs (a new fact); at the same time it does not', () => {
    const change = [{ field: 'account_review_update', value: { decision: 'REJECTED' } }];
    assert.equal(eventsOf(change, 1)[0]!.key, eventsOf(change, 1)[0]!.key);
    assert.notEqual(eventsOf(change, 1)[0]!.key, eventsOf(change, 2)[0]!.key);
  });

  it('when an inbound type is new to us, then it parses as other instead of failing', () => {
    const m = inboundMessageSchema.parse(msg({ type: 'reaction', reaction: { emoji: '👍' } }));
    assert.equal(m.type, 'other');
    assert.equal(toInboundReply(m, 'P1').kind, 'other');
    assert.equal(inboundMessageSchema.safeParse(msg({ type: 'text' })).success, false, 'known type, bad shape');
  });

  it('when a customer taps, then the reply carries the payload, title and context', () => {
    const cases: [Record<string, unknown>, string, string | undefined, string | undefined][] = [
      [{ type: 'text', text: { body: 'yes' } }, 'text', 'yes', undefined],
      [{ type: 'button', button: { text: 'Yes', payload: 'CONSENT_YES:x' } }, 'button', 'Yes', 'CONSENT_YES:x'],
      [
        { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b1', title: 'Yes' } } },
        'button_reply',
        'Yes',
        'b1',
      ],
      [
        { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'r2', title: 'Row' } } },
        'list_reply',
        'Row',
        'r2',
      ],
    ];
    for (const [extra, kind, text, payload] of cases) {
      const reply = toInboundReply(inboundMessageSchema.parse(msg({ ...extra, context: { id: 'wamid.OUT' } })), 'P1');
      assert.deepEqual(
        { kind: reply.kind, text: reply.text, payload: reply.payload, ctx: reply.contextWamid },
        { kind, text, payload, ctx: 'wamid.OUT' },
      );
      assert.equal(reply.timestamp, '2026-01-01T00:00:00.000Z');
    }
  });
});

describe('inbound keywords (pure)', () => {
  const defaults = keywordLists({});

  it('when a whole message is a keyword in any listed language or case, then it is recognised', () => {
    for (const t of [
      'STOP',
      'stop',
      ' Stop! ',
      'Unsubscribe.',
      'cancel',
      'PARAR',
      'Arrêter',
      'arreter',
      'ALTO',
      'baja',
      'रोकें',
      'توقف',
      'STOP 🛑',
    ]) {
      assert.equal(classifyText([t], defaults), 'opt_out', t);
    }
    for (const t of ['agent', 'HUMAN', 'Person?', 'representative', 'Agente']) {
      assert.equal(classifyText([t], defaults), 'escalation', t);
    }
  });

  it('when a keyword is only part of the message, then nothing is recognised', () => {
    for (const t of ['please stop', 'stopwatch', "don't cancel my order", 'can an agent call me?', 'a b a j a', '']) {
      assert.equal(classifyText([t], defaults), undefined, t);
    }
  });

  it('when a tap carries the keyword as its title or payload, then it counts', () => {
    assert.equal(classifyText(['Stop promotions', 'STOP'], defaults), 'opt_out');
  });

  it('when a tenant sets its own lists, then they replace the defaults', () => {
    const lists = keywordLists({ optOutKeywords: ['Basta ya'], escalationKeywords: ['Concierge'] });
    assert.equal(classifyText(['basta  YA'], lists), 'opt_out');
    assert.equal(classifyText(['STOP'], lists), undefined);
    assert.equal(classifyText(['concierge!'], lists), 'escalation');
    assert.equal(classifyText(['agent'], lists), undefined);
  });

  it('when a word is in both lists, then opt-out wins', () => {
    assert.equal(classifyText(['stop'], keywordLists({ escalationKeywords: ['stop'] })), 'opt_out');
  });

  it('when normalising, then NFC, trimming, spacing and end punctuation are folded', () => {
    assert.equal(normaliseKeyword('  ARRE\u0302TER !! '), 'arrêter');
    assert.equal(normaliseKeyword('opt    out'), 'opt out');
  });

  it('when a consent payload names a message, then it parses; anything else does not', () => {
    const id = '3f1c2f9e-8a64-4a2b-9c9e-1b2c3d4e5f60';
    assert.deepEqual(parseConsentPayload(consentPayloads(id).yes), { answer: 'yes', messageId: id });
    assert.deepEqual(parseConsentPayload(`consent_no:${id.toUpperCase()}`), { answer: 'no', messageId: id });
    for (const p of [undefined, 'CONSENT_MAYBE:' + id, 'CONSENT_YES:not-a-uuid', 'YES']) {
      assert.equal(parseConsentPayload(p), undefined, String(p));
    }
    assert.deepEqual(inboundTexts(inboundMessageSchema.parse(msg({ type: 'button', button: { text: 'No' } }))), ['No']);
  });
});
