import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildTemplateMessage } from '../../src/domain/template-payload';

const template = {
  name: 'festive_offer',
  language: 'en_US',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hi {{1}}, {{2}} off' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Yes' },
        { type: 'URL', text: 'Shop', url: 'https://shop.example/{{1}}' },
        { type: 'COPY_CODE', example: 'SALE20' },
      ],
    },
  ],
};

describe('template payload', () => {
  it('when parameters are given, then header, body and each button get their Meta shape', () => {
    const msg = buildTemplateMessage(template, {
      header: { type: 'image', link: 'https://cdn.example/a.jpg' },
      body: ['Asha', '20%'],
      buttons: [
        { index: 0, payload: 'YES:1' },
        { index: 1, text: 'sale' },
        { index: 2, couponCode: 'SALE20' },
      ],
    });
    assert.deepEqual(msg, {
      type: 'template',
      template: {
        name: 'festive_offer',
        language: { code: 'en_US', policy: 'deterministic' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/a.jpg' } }] },
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Asha' },
              { type: 'text', text: '20%' },
            ],
          },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'YES:1' }] },
          { type: 'button', sub_type: 'url', index: '1', parameters: [{ type: 'text', text: 'sale' }] },
          {
            type: 'button',
            sub_type: 'copy_code',
            index: '2',
            parameters: [{ type: 'coupon_code', coupon_code: 'SALE20' }],
          },
        ],
      },
    });
  });

  it('when named body parameters are given, then they carry parameter_name', () => {
    const msg = buildTemplateMessage({ ...template, components: [] }, { body: { first_name: 'Asha' } });
    const t = msg.template as { components: { parameters: unknown[] }[] };
    assert.deepEqual(t.components[0]!.parameters, [{ type: 'text', parameter_name: 'first_name', text: 'Asha' }]);
  });

  it('when there are no parameters, then no components are sent', () => {
    const msg = buildTemplateMessage({ name: 'hello', language: 'en', components: [] });
    assert.deepEqual(msg.template, { name: 'hello', language: { code: 'en', policy: 'deterministic' } });
  });
});

describe('template payload: authentication and location', () => {
  const otpAsStored = {
    name: 'login_code',
    language: 'en_US',
    components: [
      { type: 'BODY', text: '*{{1}}* is your verification code.' },
      {
        type: 'BUTTONS',
        buttons: [
          {
            type: 'URL',
            text: 'Copy code',
            url: 'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=otp{{1}}',
          },
        ],
      },
    ],
  };
  const otpAsAuthored = {
    ...otpAsStored,
    components: [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'ONE_TAP' }] },
    ],
  };
  const codeButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: '482913' }] };
  const componentsOf = (m: Record<string, unknown>) => (m.template as { components: unknown[] }).components;

  it('when an authentication template gets only its code, then the OTP button carries the code too', () => {
    for (const t of [otpAsStored, otpAsAuthored]) {
      assert.deepEqual(componentsOf(buildTemplateMessage(t, { body: ['482913'] })), [
        { type: 'body', parameters: [{ type: 'text', text: '482913' }] },
        codeButton,
      ]);
    }
  });

  it('when the OTP button parameter is given, then it is sent as a url button, not dropped', () => {
    const msg = buildTemplateMessage(otpAsAuthored, { body: ['482913'], buttons: [{ index: 0, text: '482913' }] });
    assert.deepEqual(componentsOf(msg)[1], codeButton);
    assert.equal(componentsOf(msg).length, 2);
  });

  it('when a location header is given, then it is sent as Meta location parameters', () => {
    const t = {
      name: 'store',
      language: 'en',
      components: [
        { type: 'HEADER', format: 'LOCATION' },
        { type: 'BODY', text: 'Here' },
      ],
    };
    const header = { type: 'location' as const, latitude: 12.97, longitude: 77.59, name: 'Store', address: 'MG Road' };
    assert.deepEqual(componentsOf(buildTemplateMessage(t, { header }))[0], {
      type: 'header',
      parameters: [
        { type: 'location', location: { latitude: 12.97, longitude: 77.59, name: 'Store', address: 'MG Road' } },
      ],
    });
  });
});
