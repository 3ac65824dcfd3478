import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildSessionMessages,
  type SessionBuildInput,
  type SessionBuildResult,
} from '../../src/domain/session-builder';
import type { TemplateSendParameters } from '../../src/domain/template-model';

// --- Template factories (Meta management format) ---
const HEADER_TEXT = { type: 'HEADER', format: 'TEXT', text: 'Festive {{1}}' };
const header = (format: string) => ({ type: 'HEADER', format });
const BODY = { type: 'BODY', text: 'Hi {{1}}, get {{2}} off' };
const FOOTER = { type: 'FOOTER', text: 'Reply STOP to opt out' };
const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
const SHOP = { type: 'URL', text: 'Shop now', url: 'https://shop.example/{{1}}' };
const TRACK = { type: 'URL', text: 'Track', url: 'https://track.example/orders' };
const PHONE = { type: 'PHONE_NUMBER', text: 'Call us', phone_number: '+15550001111' };
const CODE = { type: 'COPY_CODE', example: 'SALE20' };
const buttons = (...b: object[]) => ({ type: 'BUTTONS', buttons: b });
const template = (...components: object[]) => ({ name: 'festive_offer', language: 'en_US', components });

const BODY_PARAMS = ['Ana', '20%'];
const IMAGE = { type: 'image', link: 'https://cdn.example/festive.jpg' } as const;

function build(components: object[], parameters: TemplateSendParameters): Extract<SessionBuildResult, { ok: true }> {
  const input: SessionBuildInput = { template: template(...components), parameters };
  const result = buildSessionMessages(input);
  assert.ok(result.ok, JSON.stringify(result));
  return result;
}

void describe('session builder: the 8 scenarios of docs/smart-utility-fallback.md', () => {
  void test('when there is no media, no quick reply and two URLs, then scenario 1 sends one text with everything', () => {
    const r = build([HEADER_TEXT, BODY, FOOTER, buttons(SHOP, TRACK, PHONE, CODE)], {
      header: { type: 'text', text: 'sale' },
      body: BODY_PARAMS,
      buttons: [
        { index: 0, text: 'p/42' },
        { index: 3, couponCode: 'SALE20' },
      ],
    });
    assert.equal(r.scenario, 1);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'text',
        text: {
          body:
            'Festive sale\n\nHi Ana, get 20% off\n\n' +
            'Shop now: https://shop.example/p/42\nTrack: https://track.example/orders\nCall: +15550001111\nCode: SALE20' +
            '\n\nReply STOP to opt out',
          preview_url: true,
        },
      },
    ]);
    assert.deepEqual([r.minSpacingMs, r.choices, r.truncated, r.renamed], [0, [], [], []]);
  });

  void test('when there is no media, no button at all, then scenario 1 sends the body as text', () => {
    const r = build([BODY], { body: BODY_PARAMS });
    assert.equal(r.scenario, 1);
    assert.deepEqual(r.messages, [
      { messaging_product: 'whatsapp', type: 'text', text: { body: 'Hi Ana, get 20% off', preview_url: true } },
    ]);
  });

  void test('when there is no media, no quick reply and one URL, then scenario 2 sends a cta_url', () => {
    const r = build([HEADER_TEXT, BODY, FOOTER, buttons(SHOP, PHONE)], {
      header: { type: 'text', text: 'sale' },
      body: BODY_PARAMS,
      buttons: [{ index: 0, text: 'p/42' }],
    });
    assert.equal(r.scenario, 2);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          header: { type: 'text', text: 'Festive sale' },
          body: { text: 'Hi Ana, get 20% off\n\nCall: +15550001111' },
          footer: { text: 'Reply STOP to opt out' },
          action: { name: 'cta_url', parameters: { display_text: 'Shop now', url: 'https://shop.example/p/42' } },
        },
      },
    ]);
  });

  void test('when there is no media and 1-3 quick replies, then scenario 3 sends reply buttons with URLs as text', () => {
    const r = build([HEADER_TEXT, BODY, FOOTER, buttons(qr('Yes please'), qr('No thanks'), SHOP, PHONE)], {
      header: { type: 'text', text: 'sale' },
      body: BODY_PARAMS,
      buttons: [
        { index: 0, payload: 'OFFER_YES:m-1' },
        { index: 2, text: 'p/42' },
      ],
    });
    assert.equal(r.scenario, 3);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'text', text: 'Festive sale' },
          body: { text: 'Hi Ana, get 20% off\n\nShop now: https://shop.example/p/42\nCall: +15550001111' },
          footer: { text: 'Reply STOP to opt out' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'OFFER_YES:m-1', title: 'Yes please' } },
              { type: 'reply', reply: { id: 'No thanks', title: 'No thanks' } },
            ],
          },
        },
      },
    ]);
    assert.deepEqual(r.choices, [
      { id: 'OFFER_YES:m-1', title: 'Yes please', payload: 'OFFER_YES:m-1', buttonIndex: 0 },
      { id: 'No thanks', title: 'No thanks', payload: 'No thanks', buttonIndex: 1 },
    ]);
  });

  void test('when there is no media and 4-10 quick replies, then scenario 4 sends a list with one row each', () => {
    const r = build([HEADER_TEXT, BODY, buttons(qr('Red'), qr('Green'), qr('Blue'), qr('Gold'), TRACK)], {
      header: { type: 'text', text: 'sale' },
      body: BODY_PARAMS,
      buttons: [{ index: 3, payload: 'COLOR:gold' }],
    });
    assert.equal(r.scenario, 4);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'list',
          header: { type: 'text', text: 'Festive sale' },
          body: { text: 'Hi Ana, get 20% off\n\nTrack: https://track.example/orders' },
          action: {
            button: 'Choose an option',
            sections: [
              {
                rows: [
                  { id: 'Red', title: 'Red' },
                  { id: 'Green', title: 'Green' },
                  { id: 'Blue', title: 'Blue' },
                  { id: 'COLOR:gold', title: 'Gold' },
                ],
              },
            ],
          },
        },
      },
    ]);
  });

  void test('when there is media, no quick reply and two URLs, then scenario 5 sends the media with a caption', () => {
    const r = build([header('IMAGE'), BODY, FOOTER, buttons(SHOP, TRACK, PHONE)], {
      header: IMAGE,
      body: BODY_PARAMS,
      buttons: [{ index: 0, text: 'p/42' }],
    });
    assert.equal(r.scenario, 5);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'image',
        image: {
          link: 'https://cdn.example/festive.jpg',
          caption:
            'Hi Ana, get 20% off\n\nShop now: https://shop.example/p/42\nTrack: https://track.example/orders\n' +
            'Call: +15550001111\n\nReply STOP to opt out',
        },
      },
    ]);
  });

  void test('when there is media and no button, then scenario 5 sends the media with the body as caption', () => {
    const r = build([header('DOCUMENT'), BODY], {
      header: { type: 'document', link: 'https://cdn.example/terms.pdf', filename: 'terms.pdf' },
      body: BODY_PARAMS,
    });
    assert.equal(r.scenario, 5);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'document',
        document: { link: 'https://cdn.example/terms.pdf', caption: 'Hi Ana, get 20% off', filename: 'terms.pdf' },
      },
    ]);
  });

  void test('when there is media, no quick reply and one URL, then scenario 6 sends a cta_url with a media header', () => {
    const r = build([header('VIDEO'), BODY, FOOTER, buttons(TRACK)], {
      header: { type: 'video', link: 'https://cdn.example/ad.mp4' },
      body: BODY_PARAMS,
    });
    assert.equal(r.scenario, 6);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'cta_url',
          header: { type: 'video', video: { link: 'https://cdn.example/ad.mp4' } },
          body: { text: 'Hi Ana, get 20% off' },
          footer: { text: 'Reply STOP to opt out' },
          action: { name: 'cta_url', parameters: { display_text: 'Track', url: 'https://track.example/orders' } },
        },
      },
    ]);
  });

  void test('when there is media and 1-3 quick replies, then scenario 7 sends reply buttons with a media header', () => {
    const r = build([header('DOCUMENT'), BODY, buttons(qr('Yes'), qr('No'), qr('Later'), CODE)], {
      header: { type: 'document', link: 'https://cdn.example/c.pdf', filename: 'catalogue.pdf' },
      body: BODY_PARAMS,
      buttons: [
        { index: 0, payload: 'Y' },
        { index: 1, payload: 'N' },
        { index: 2, payload: 'L' },
        { index: 3, couponCode: 'SALE20' },
      ],
    });
    assert.equal(r.scenario, 7);
    assert.deepEqual(r.messages, [
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'button',
          header: { type: 'document', document: { link: 'https://cdn.example/c.pdf', filename: 'catalogue.pdf' } },
          body: { text: 'Hi Ana, get 20% off\n\nCode: SALE20' },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'Y', title: 'Yes' } },
              { type: 'reply', reply: { id: 'N', title: 'No' } },
              { type: 'reply', reply: { id: 'L', title: 'Later' } },
            ],
          },
        },
      },
    ]);
  });

  void test('when there is media and 4-10 quick replies, then scenario 8 sends the media, then a list, 6 s apart', () => {
    const r = build([header('IMAGE'), BODY, FOOTER, buttons(qr('S'), qr('M'), qr('L'), qr('XL'))], {
      header: IMAGE,
      body: BODY_PARAMS,
    });
    assert.equal(r.scenario, 8);
    assert.equal(r.minSpacingMs, 6000);
    assert.deepEqual(r.messages, [
      { messaging_product: 'whatsapp', type: 'image', image: { link: 'https://cdn.example/festive.jpg' } },
      {
        messaging_product: 'whatsapp',
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Hi Ana, get 20% off' },
          footer: { text: 'Reply STOP to opt out' },
          action: {
            button: 'Choose an option',
            sections: [
              {
                rows: [
                  { id: 'S', title: 'S' },
                  { id: 'M', title: 'M' },
                  { id: 'L', title: 'L' },
                  { id: 'XL', title: 'XL' },
                ],
              },
            ],
          },
        },
      },
    ]);
  });
});
