import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildSessionMessages } from '../../src/domain/session-builder';
import type { TemplateSendParameters } from '../../src/domain/template-model';
import { buildTemplateMessage } from '../../src/domain/template-payload';
import { createMetaClient } from '../../src/meta/client';

/**
 * Every body Lifeline sends to `POST /{Phone-Number-ID}/messages`, validated against Meta's published OpenAPI
 * `Message` schema (test/fixtures/meta-openapi/message.schema.json, a verbatim copy). Where the spec contradicts
 * Meta's documentation, `adapt` corrects exactly that, and a test below proves each contradiction is real
 * (docs/templates.md, "Conformance with Meta's OpenAPI").
 */
type Json = Record<string, any>;
const FIXTURE = path.join(__dirname, '../fixtures/meta-openapi/message.schema.json');
const published = (): Json => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** The documented corrections, applied to a copy; the fixture itself stays as Meta publishes it. */
function adapt(doc: Json): Json {
  const s = doc.components.schemas as Record<string, Json>;
  // 1. `additionalProperties: false` inside an allOf branch rejects the base properties (to, recipient_type…):
  //    closed over the whole composition instead, as JSON Schema 2020-12 expresses it.
  for (const schema of Object.values(s)) {
    const branches = (schema.allOf ?? []) as Json[];
    if (branches.some((b) => b.additionalProperties === false)) {
      for (const b of branches) delete b.additionalProperties;
      schema.unevaluatedProperties = false;
    }
  }
  // 2. biz_opaque_callback_data (documented, ≤ 512) is missing from the common properties.
  s.BaseMessageProperties!.properties.biz_opaque_callback_data = { type: 'string', maxLength: 512 };
  // 3. The button index pattern ^[2-6, 11-14]$ is one character of "2-6, 1"; Meta documents "0"-"9".
  s.TemplateComponent!.properties.index.pattern = '^[0-9]$';
  s.ButtonComponent!.allOf[1].properties.index.pattern = '^[0-9]$';
  // 4. Interactive cta_url is missing.
  s.InteractiveObject!.properties.type.enum.push('cta_url');
  s.ActionObject!.oneOf.push({
    required: ['name', 'parameters'],
    properties: {
      name: { type: 'string', enum: ['cta_url'] },
      parameters: {
        type: 'object',
        required: ['display_text', 'url'],
        additionalProperties: false,
        properties: { display_text: { type: 'string', maxLength: 20 }, url: { type: 'string', format: 'url' } },
      },
    },
  });
  // 5. Copy-code buttons (sub_type copy_code, parameter coupon_code ≤ 15) are missing.
  s.TemplateComponent!.properties.sub_type.enum.push('copy_code');
  s.ButtonComponent!.allOf[1].properties.sub_type.enum.push('copy_code');
  s.ButtonParameterObject!.properties.type.enum.push('coupon_code');
  s.ButtonParameterObject!.discriminator.mapping.coupon_code = '#/components/schemas/ButtonCouponCodeParameter';
  s.ButtonCouponCodeParameter = {
    allOf: [
      ref('ButtonParameterObject'),
      {
        type: 'object',
        required: ['coupon_code'],
        properties: { type: { enum: ['coupon_code'] }, coupon_code: { type: 'string', maxLength: 15 } },
      },
    ],
  };
  // 6. `discriminator` is OpenAPI, not JSON Schema: a validator ignores it, so a text parameter without `text`
  //    would pass. Each mapping is applied as if/then with the mapped schema's own branch.
  for (const schema of Object.values(s)) {
    const d = schema.discriminator as { propertyName: string; mapping: Record<string, string> } | undefined;
    if (!d || schema.oneOf) continue;
    schema.allOf = Object.entries(d.mapping).map(([value, target]) => ({
      if: { properties: { [d.propertyName]: { const: value } }, required: [d.propertyName] },
      then: (s[target.split('/').pop()!]!.allOf as Json[])[1],
    }));
  }
  return doc;
}

function validatorOf(doc: Json) {
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  ajv.addFormat('url', /^https?:\/\/\S+$/); // the spec's own name: "HTTP/HTTPS only"
  ajv.addVocabulary(['discriminator', 'components']);
  ajv.addSchema(doc, 'meta');
  const validate = ajv.getSchema('meta#/components/schemas/Message')!;
  return (body: unknown) =>
    validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The exact JSON the Meta client puts on the wire, as activities/send.ts calls it. */
async function wireBody(payload: Record<string, unknown>): Promise<Json> {
  let sent: Json | undefined;
  const meta = createMetaClient({
    graphUrl: 'http://graph.invalid',
    apiVersion: 'v23.0',
    timeoutMs: 1000,
    fetch: (async (_url: string, init: RequestInit) => {
      sent = JSON.parse(String(init.body)) as Json;
      return new Response(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.X' }] }));
    }) as typeof fetch,
  });
  await meta.sendMessage('300000000000111', 'token', {
    to: '919800000001',
    biz_opaque_callback_data: 'att-1',
    ...payload,
  });
  return sent!;
}

const BODY = { type: 'BODY', text: 'Hi {{1}}, {{2}} off' };
const qr = (text: string) => ({ type: 'QUICK_REPLY', text });
const SHOP = { type: 'URL', text: 'Shop now', url: 'https://shop.example/{{1}}' };
const buttons = (...b: object[]) => ({ type: 'BUTTONS', buttons: b });
const IMAGE = { type: 'image', link: 'https://cdn.example/festive.jpg' } as const;

const TEMPLATE_SENDS: [string, { name: string; language: string; components: unknown[] }, TemplateSendParameters][] = [
  [
    'MARKETING (media header, quick reply, dynamic URL, coupon code)',
    {
      name: 'festive_offer',
      language: 'en_US',
      components: [
        { type: 'HEADER', format: 'IMAGE' },
        BODY,
        buttons(qr('Yes'), SHOP, { type: 'COPY_CODE', example: 'SALE20' }),
      ],
    },
    {
      header: IMAGE,
      body: ['Asha', '20%'],
      buttons: [
        { index: 0, payload: 'YES:1' },
        { index: 1, text: 'p/1' },
        { index: 2, couponCode: 'SALE20' },
      ],
    },
  ],
  [
    'UTILITY (text header, named body)',
    {
      name: 'order_update',
      language: 'en',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
        { type: 'BODY', text: 'Ships {{when}}' },
      ],
    },
    { header: { type: 'text', text: 'A-1' }, body: { when: 'today' } },
  ],
  [
    'AUTHENTICATION (OTP as Meta stores it)',
    {
      name: 'login_code',
      language: 'en_US',
      components: [
        { type: 'BODY', text: '*{{1}}* is your verification code.' },
        buttons({
          type: 'URL',
          text: 'Copy code',
          url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}',
        }),
      ],
    },
    { body: ['482913'] },
  ],
  [
    'AUTHENTICATION (OTP as authored)',
    {
      name: 'login_code',
      language: 'en_US',
      components: [{ type: 'BODY', add_security_recommendation: true }, buttons({ type: 'OTP', otp_type: 'ONE_TAP' })],
    },
    { body: ['482913'], buttons: [{ index: 0, text: '482913' }] },
  ],
];

const SESSION_SCENARIOS: [string, object[], TemplateSendParameters][] = [
  ['text (1)', [BODY], { body: ['Asha', '20%'] }],
  ['cta_url (2)', [BODY, buttons(SHOP)], { body: ['Asha', '20%'], buttons: [{ index: 0, text: 'p/1' }] }],
  ['reply buttons (3)', [BODY, buttons(qr('Yes'), qr('No'))], { body: ['Asha', '20%'] }],
  ['list (4)', [BODY, buttons(qr('A'), qr('B'), qr('C'), qr('D'))], { body: ['Asha', '20%'] }],
  ['media (5)', [{ type: 'HEADER', format: 'IMAGE' }, BODY], { header: IMAGE, body: ['Asha', '20%'] }],
  [
    'cta_url with media (6)',
    [{ type: 'HEADER', format: 'VIDEO' }, BODY, buttons(SHOP)],
    {
      header: { type: 'video', link: 'https://cdn.example/v.mp4' },
      body: ['Asha', '20%'],
      buttons: [{ index: 0, text: 'p/1' }],
    },
  ],
  [
    'buttons with media (7)',
    [{ type: 'HEADER', format: 'DOCUMENT' }, BODY, buttons(qr('Yes'))],
    { header: { type: 'document', link: 'https://cdn.example/d.pdf', filename: 'd.pdf' }, body: ['Asha', '20%'] },
  ],
  [
    'media then list (8)',
    [{ type: 'HEADER', format: 'IMAGE' }, BODY, buttons(qr('A'), qr('B'), qr('C'), qr('D'))],
    { header: IMAGE, body: ['Asha', '20%'] },
  ],
];

describe("conformance: every body Lifeline sends fits Meta's OpenAPI Message schema", () => {
  const check = validatorOf(adapt(published()));

  for (const [kind, template, params] of TEMPLATE_SENDS) {
    it(`when a ${kind} template is sent, then its body conforms`, async () => {
      const body = await wireBody(buildTemplateMessage(template, params));
      assert.equal(body.recipient_type, 'individual');
      assert.deepEqual(check(body), []);
    });
  }

  for (const [kind, components, params] of SESSION_SCENARIOS) {
    it(`when a session ${kind} is sent, then every message conforms`, async () => {
      const built = buildSessionMessages({
        template: { name: 'festive_offer', language: 'en_US', components },
        parameters: params,
      });
      assert.ok(built.ok, JSON.stringify(built));
      for (const message of built.messages)
        assert.deepEqual(check(await wireBody({ ...message })), [], JSON.stringify(message));
    });
  }

  it('when a body lacks recipient_type or carries an unknown field, then the schema refuses it (the test can fail)', async () => {
    const body = await wireBody({ type: 'text', text: { body: 'hi' } });
    const { recipient_type: _omitted, ...without } = body;
    assert.ok(check(without).some((e) => e.includes('recipient_type')));
    assert.notDeepEqual(check({ ...body, surprise: 1 }), []);
    assert.notDeepEqual(check({ ...body, text: { body: 'hi', extra: true } }), []);
    const template = await wireBody(buildTemplateMessage(TEMPLATE_SENDS[0]![1], { body: ['Asha', '20%'] }));
    const noText = structuredClone(template);
    delete noText.template.components[0].parameters[0].text;
    assert.notDeepEqual(check(noText), [], 'a text parameter needs its text');
  });

  describe("the spec's contradictions with Meta's documentation are real (why adapt() exists)", () => {
    const verbatim = validatorOf(published());
    it('closed allOf branches reject every message, even a plain text', async () => {
      assert.ok(
        verbatim(await wireBody({ type: 'text', text: { body: 'hi' } })).some((e) =>
          e.includes('additional properties'),
        ),
      );
    });
    it('the button index pattern refuses "0" and "10" but takes ","', () => {
      const pattern = new RegExp(
        published().components.schemas.ButtonComponent.allOf[1].properties.index.pattern as string,
      );
      assert.deepEqual(
        [pattern.test('0'), pattern.test('10'), pattern.test(','), pattern.test('3')],
        [false, false, true, true],
      );
    });
    it('cta_url and biz_opaque_callback_data are not in it', () => {
      const s = published().components.schemas;
      assert.equal(s.InteractiveObject.properties.type.enum.includes('cta_url'), false);
      assert.equal('biz_opaque_callback_data' in s.BaseMessageProperties.properties, false);
      assert.equal(s.ButtonComponent.allOf[1].properties.sub_type.enum.includes('copy_code'), false);
    });
  });
});
