import fc from 'fast-check';

/**
 * Generators for the fuzz suite: values that are almost right (so validation passes often and the code behind it
 * runs) mixed with hostile ones (NUL, lone surrogates, huge numbers, deep nesting, wrong types).
 */
export const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    '',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    '\ud83d',
    '%00',
    '../../etc/passwd',
    '0000-01-01T00:00:00Z',
  ),
  fc.constantFrom(
    '9'.repeat(400) + 'd',
    '1e999',
    'NaN',
    '-1',
    '24h',
    '999999999999999999999',
    "'; DROP TABLE tenants;--",
  ),
  fc.string({ maxLength: 3000 }).map((s) => s.repeat(3)),
);

export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 1, 0.5),
);

const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(hostileString, tie('value'), { maxKeys: 4, noNullPrototype: true }),
})).value;

/** Either a plausible value from `good` or something hostile in its place. */
export const maybe = <T>(good: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: good }, { weight: 1, arbitrary: hostileValue });

const phone = fc.oneof(fc.constantFrom('+447700900001', '447700900002', '+14155550123'), hostileString);
const template = fc.oneof(fc.constantFrom('hello_offer', 'offer_consent', 'missing_tpl'), hostileString);
const duration = fc.oneof(fc.constantFrom('24h', '90s', '7d', '1ms', 0, 1000), hostileString, hostileNumber);
const isoDate = fc.oneof(
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  hostileString,
);

const parameters = fc.record(
  {
    header: maybe(
      fc.oneof(
        fc.record({ type: fc.constant('text'), text: hostileString }),
        fc.record({ type: fc.constantFrom('image', 'video', 'document'), link: fc.webUrl() }),
      ),
    ),
    body: maybe(
      fc.oneof(
        fc.array(hostileString, { maxLength: 3 }),
        fc.dictionary(hostileString, hostileString, { noNullPrototype: true }),
      ),
    ),
    buttons: maybe(fc.array(fc.record({ index: maybe(fc.nat(12)), text: maybe(hostileString) }, { requiredKeys: [] }))),
  },
  { requiredKeys: [] },
);

export const messageBody = fc.record(
  {
    to: maybe(phone),
    template: maybe(template),
    language: maybe(fc.oneof(fc.constantFrom('en_US', 'en', 'pt_BR'), hostileString)),
    parameters: maybe(parameters),
    idempotencyKey: maybe(fc.oneof(fc.constantFrom('fz-1', 'fz-2', 'fz-3', '\ud800', '\ud801'), hostileString)),
    campaignId: maybe(hostileString),
    prefer: maybe(
      fc.record({ wabaId: maybe(hostileString), phoneNumberId: maybe(hostileString) }, { requiredKeys: [] }),
    ),
    smartUtilityFallback: maybe(
      fc.record(
        {
          enabled: maybe(fc.boolean()),
          consentTemplate: maybe(template),
          waitFor: duration,
          consentParameters: maybe(parameters),
        },
        { requiredKeys: [] },
      ),
    ),
  },
  { requiredKeys: [] },
);

export const tenantSettings = fc.record(
  {
    requireOptIn: maybe(fc.boolean()),
    timing: maybe(fc.record({ statusTimeout: duration, deadline: duration }, { requiredKeys: [] })),
    maxAttempts: maybe(fc.nat(30)),
    escalationWebhookUrl: maybe(
      fc.oneof(
        fc.constantFrom(
          'https://127.0.0.1/x',
          'http://desk.example.com',
          'https://desk.example.com/h',
          'file:///etc/passwd',
        ),
        fc.webUrl(),
      ),
    ),
    metaAppSecret: maybe(hostileString),
    optOutKeywords: maybe(fc.array(hostileString, { maxLength: 3 })),
    rateCard: maybe(
      fc.dictionary(hostileString, fc.dictionary(hostileString, hostileNumber, { noNullPrototype: true }), {
        noNullPrototype: true,
      }),
    ),
  },
  { requiredKeys: [] },
);

export { duration, isoDate, phone, template };
