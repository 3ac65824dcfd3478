import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorTemplateBodySchema } from '../../src/domain/template-authoring/schema';
import { shapeOf } from '../../src/domain/template-authoring/shape';

type Body = Record<string, any>;
const clone = <T>(v: T): T => structuredClone(v);

const marketing: Body = {
  name: 'spring_offer',
  language: 'en_US',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/h.jpg'] } },
    { type: 'BODY', text: 'Hi {{1}}, take {{2}} off today.', example: { body_text: [['Ann', '20%']] } },
    { type: 'FOOTER', text: 'Reply STOP to opt out' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Show me' },
        { type: 'QUICK_REPLY', text: 'Not now' },
        {
          type: 'URL',
          text: 'Shop',
          url: 'https://shop.example.com/s/{{1}}',
          example: ['https://shop.example.com/s/a'],
        },
        { type: 'COPY_CODE', example: 'SPRING20' },
      ],
    },
  ],
};
const utility: Body = {
  name: 'order_update',
  language: 'en',
  category: 'utility',
  components: [
    { type: 'header', format: 'text', text: 'Order {{1}}', example: { header_text: ['A-1'] } },
    { type: 'body', text: 'Your order {{1}} ships {{2}}.', example: { body_text: [['A-1', 'today']] } },
    { type: 'buttons', buttons: [{ type: 'phone_number', text: 'Call us', phone_number: '+14155550100' }] },
  ],
};
const authentication: Body = {
  name: 'login_code',
  language: 'en_US',
  category: 'AUTHENTICATION',
  components: [
    { type: 'BODY', add_security_recommendation: true },
    { type: 'FOOTER', code_expiration_minutes: 10 },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
  ],
};

/** Each row breaks one rule of a valid body; the 400 must name `field`. */
const RULES: [rule: string, base: Body, mutate: (b: Body) => void, field: string][] = [
  ['name is lowercase with underscores', marketing, (b) => (b.name = 'Spring Offer'), 'name'],
  ['name is at most 512 characters', marketing, (b) => (b.name = 'a'.repeat(513)), 'name'],
  ['language is a locale', marketing, (b) => (b.language = 'english'), 'language'],
  ['category is one of three', marketing, (b) => (b.category = 'PROMO'), 'category'],
  ['unknown fields are refused', marketing, (b) => (b.status = 'APPROVED'), ''],
  ['wabaIds do not repeat', marketing, (b) => (b.wabaIds = ['1', '1']), 'wabaIds'],
  ['components hold a BODY', marketing, (b) => (b.components = [b.components[2]]), 'components'],
  ['one HEADER at most', marketing, (b) => (b.components[2] = clone(b.components[0])), 'components.2.type'],
  ['component types are known', marketing, (b) => (b.components[2].type = 'CAROUSEL'), 'components.2.type'],
  ['header formats are known', marketing, (b) => (b.components[0].format = 'GIF'), 'components.0.format'],
  [
    'a media header needs a sample',
    marketing,
    (b) => delete b.components[0].example,
    'components.0.example.header_handle',
  ],
  ['a media header has no text', marketing, (b) => (b.components[0].text = 'Hi'), 'components.0.text'],
  ['a TEXT header needs text', utility, (b) => delete b.components[0].text, 'components.0.text'],
  ['header text is at most 60', utility, (b) => (b.components[0].text = 'x'.repeat(61)), 'components.0.text'],
  ['a header takes one placeholder', utility, (b) => (b.components[0].text = '{{1}} and {{2}} x'), 'components.0.text'],
  [
    'a header placeholder needs an example',
    utility,
    (b) => delete b.components[0].example,
    'components.0.example.header_text',
  ],
  ['the body needs text', marketing, (b) => delete b.components[1].text, 'components.1.text'],
  ['body text is at most 1024', marketing, (b) => (b.components[1].text = 'x'.repeat(1025)), 'components.1.text'],
  [
    'placeholders are well formed',
    marketing,
    (b) => (b.components[1].text = 'Hi {{1}, take {{2}} off.'),
    'components.1.text',
  ],
  [
    'numbered placeholders have no gaps',
    marketing,
    (b) => (b.components[1].text = 'Hi {{1}}, take {{3}} off.'),
    'components.1.text',
  ],
  [
    'one placeholder style',
    marketing,
    (b) => (b.components[1].text = 'Hi {{1}}, take {{amount}} off.'),
    'components.1.text',
  ],
  [
    'named placeholders need NAMED',
    marketing,
    (b) => (b.components[1].text = 'Hi {{first_name}}, take {{amount}} off.'),
    'components.1.text',
  ],
  ['NAMED needs named placeholders', marketing, (b) => (b.parameterFormat = 'NAMED'), 'components.1.text'],
  [
    'one example per placeholder',
    marketing,
    (b) => (b.components[1].example = { body_text: [['Ann']] }),
    'components.1.example',
  ],
  [
    'no leading placeholder',
    marketing,
    (b) => (b.components[1].text = '{{1}}, take {{2}} off today.'),
    'components.1.text',
  ],
  ['no trailing placeholder', marketing, (b) => (b.components[1].text = 'Hi {{1}}, take {{2}}'), 'components.1.text'],
  [
    'security note is for authentication',
    marketing,
    (b) => (b.components[1].add_security_recommendation = true),
    'components.1.add_security_recommendation',
  ],
  ['footer text is at most 60', marketing, (b) => (b.components[2].text = 'x'.repeat(61)), 'components.2.text'],
  ['a footer takes no placeholder', marketing, (b) => (b.components[2].text = 'Bye {{1}}'), 'components.2.text'],
  [
    'expiry is for authentication',
    marketing,
    (b) => (b.components[2].code_expiration_minutes = 5),
    'components.2.code_expiration_minutes',
  ],
  ['at least one button', marketing, (b) => (b.components[3].buttons = []), 'components.3.buttons'],
  [
    'at most ten buttons',
    marketing,
    (b) => (b.components[3].buttons = Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `B${i}` }))),
    'components.3.buttons',
  ],
  [
    'button types are known',
    marketing,
    (b) => (b.components[3].buttons[0].type = 'FLOW'),
    'components.3.buttons.0.type',
  ],
  [
    'button text is at most 25',
    marketing,
    (b) => (b.components[3].buttons[0].text = 'x'.repeat(26)),
    'components.3.buttons.0.text',
  ],
  ['button texts are unique', marketing, (b) => (b.components[3].buttons[1].text = 'Show me'), 'components.3.buttons'],
  [
    'quick replies are grouped',
    marketing,
    (b) => b.components[3].buttons.push({ type: 'QUICK_REPLY', text: 'Later' }),
    'components.3.buttons',
  ],
  [
    'at most two URL buttons',
    marketing,
    (b) =>
      b.components[3].buttons.push(...['a', 'b'].map((t) => ({ type: 'URL', text: t, url: `https://x.example/${t}` }))),
    'components.3.buttons',
  ],
  [
    'URLs are http(s)',
    marketing,
    (b) => (b.components[3].buttons[2].url = 'ftp://x.example/{{1}}'),
    'components.3.buttons.2.url',
  ],
  [
    'URL placeholder only at the end',
    marketing,
    (b) => (b.components[3].buttons[2].url = 'https://x.example/{{1}}/y'),
    'components.3.buttons.2.url',
  ],
  [
    'a dynamic URL needs an example',
    marketing,
    (b) => delete b.components[3].buttons[2].example,
    'components.3.buttons.2.example',
  ],
  [
    'coupon code is at most 15',
    marketing,
    (b) => (b.components[3].buttons[3].example = 'X'.repeat(16)),
    'components.3.buttons.3.example',
  ],
  [
    'coupon codes are marketing',
    utility,
    (b) => b.components[2].buttons.push({ type: 'COPY_CODE', example: 'A1' }),
    'components.2.buttons.1.type',
  ],
  [
    'at most one phone button',
    utility,
    (b) => b.components[2].buttons.push({ type: 'PHONE_NUMBER', text: 'Other', phone_number: '+14155550101' }),
    'components.2.buttons',
  ],
  [
    'phone numbers are international',
    utility,
    (b) => (b.components[2].buttons[0].phone_number = '555-CALL'),
    'components.2.buttons.0.phone_number',
  ],
  [
    'OTP buttons are authentication',
    utility,
    (b) => (b.components[2].buttons = [{ type: 'OTP', otp_type: 'COPY_CODE' }]),
    'components.2.buttons.0.type',
  ],
  [
    'authentication has no header',
    authentication,
    (b) => b.components.unshift({ type: 'HEADER', format: 'TEXT', text: 'Code' }),
    'components.0.type',
  ],
  [
    'Meta writes the authentication body',
    authentication,
    (b) => (b.components[0].text = 'Your code is {{1}} ok'),
    'components.0.text',
  ],
  [
    'Meta writes the authentication footer',
    authentication,
    (b) => (b.components[1] = { type: 'FOOTER', text: 'Bye' }),
    'components.1.text',
  ],
  [
    'expiry is 1-90 minutes',
    authentication,
    (b) => (b.components[1].code_expiration_minutes = 91),
    'components.1.code_expiration_minutes',
  ],
  ['authentication needs its OTP button', authentication, (b) => b.components.pop(), 'components'],
  [
    'exactly one OTP button',
    authentication,
    (b) => b.components[2].buttons.push({ type: 'QUICK_REPLY', text: 'Help' }),
    'components.2.buttons',
  ],
  [
    'otp_type is known',
    authentication,
    (b) => (b.components[2].buttons[0].otp_type = 'SMS'),
    'components.2.buttons.0.otp_type',
  ],
  [
    'one-tap needs its apps',
    authentication,
    (b) => (b.components[2].buttons[0].otp_type = 'ONE_TAP'),
    'components.2.buttons.0.supported_apps',
  ],
  [
    'app signature hashes are 11 characters',
    authentication,
    (b) =>
      Object.assign(b.components[2].buttons[0], {
        otp_type: 'ONE_TAP',
        supported_apps: [{ package_name: 'com.example.app', signature_hash: 'short' }],
      }),
    'components.2.buttons.0.supported_apps.0.signature_hash',
  ],
  [
    'zero-tap needs the terms accepted',
    authentication,
    (b) =>
      Object.assign(b.components[2].buttons[0], {
        otp_type: 'ZERO_TAP',
        supported_apps: [{ package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' }],
      }),
    'components.2.buttons.0.zero_tap_terms_accepted',
  ],
  [
    'autofill text is for one-tap',
    authentication,
    (b) => (b.components[2].buttons[0].autofill_text = 'Autofill'),
    'components.2.buttons.0.autofill_text',
  ],
  ['authentication is positional', authentication, (b) => (b.parameterFormat = 'NAMED'), 'parameterFormat'],
];

const fieldsOf = (body: Body): string[] => {
  const r = authorTemplateBodySchema.safeParse(body);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('template authoring: every rule the validator knows', () => {
  it('when a body follows the rules, then it passes, in any letter case, for every category', () => {
    for (const body of [marketing, utility, authentication]) assert.deepEqual(fieldsOf(body), [], body.name);
    const parsed = authorTemplateBodySchema.parse(utility);
    assert.equal(parsed.category, 'UTILITY');
    assert.deepEqual(
      parsed.components.map((c) => c.type),
      ['HEADER', 'BODY', 'BUTTONS'],
    );
  });

  for (const [rule, base, mutate, field] of RULES) {
    it(`when a body breaks "${rule}", then the error names ${field || 'the unknown field'}`, () => {
      const body = clone(base);
      mutate(body);
      const fields = fieldsOf(body);
      assert.ok(fields.length > 0, 'must be refused');
      assert.ok(fields.includes(field), `expected ${field} in ${JSON.stringify(fields)}`);
    });
  }

  it('when templates are authored, then their shape records category, parameter count and header format', () => {
    assert.deepEqual(shapeOf(authorTemplateBodySchema.parse(marketing)), {
      category: 'MARKETING',
      headerFormat: 'IMAGE',
      parameters: { header: 1, body: 2, buttons: 2 },
      parameterCount: 5,
    });
    assert.deepEqual(shapeOf(authorTemplateBodySchema.parse(utility)).parameters, { header: 1, body: 2, buttons: 0 });
    assert.deepEqual(shapeOf(authorTemplateBodySchema.parse(authentication)), {
      category: 'AUTHENTICATION',
      headerFormat: 'NONE',
      parameters: { header: 0, body: 1, buttons: 1 },
      parameterCount: 2,
    });
  });
});
