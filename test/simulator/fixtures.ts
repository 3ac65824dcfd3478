import { type Scenario } from '../../src/simulator';

export const SECRET = 'test-app-secret';
export const TOKEN_A = 'token-waba-a';
export const TOKEN_B = 'token-waba-b';

/** Ids of the test scenario. */
export const ID = {
  portfolio: '100000000000001',
  wabaA: '200000000000001',
  wabaB: '200000000000002',
  phoneA1: '300000000000001',
  phoneA2: '300000000000002',
  phoneB1: '300000000000003',
  promo: '400000000000001',
  promoImage: '400000000000002',
  consent: '400000000000003',
  paused: '400000000000004',
  disabled: '400000000000005',
  pending: '400000000000006',
  promoB: '400000000000007',
} as const;

/** Customers of the test scenario. */
export const WA = {
  yes: '447700900001',
  notOnWhatsApp: '447700900002',
  stopped: '447700900003',
  capOne: '447700900004',
  us: '14155550100',
  quiet: '447700900006',
} as const;

/** A small scenario: one portfolio, WABA A (two numbers) and WABA B (one), templates of every kind. */
export function buildScenario(overrides: Partial<Scenario> = {}): Scenario {
  const body = (text: string) => ({ type: 'BODY' as const, text });
  const quickReplies = (...titles: string[]) => ({
    type: 'BUTTONS' as const,
    buttons: titles.map((text) => ({ type: 'QUICK_REPLY' as const, text })),
  });
  return {
    name: 'test',
    portfolios: [{ id: ID.portfolio, tier: 'TIER_10K' }],
    wabas: [
      { id: ID.wabaA, portfolioId: ID.portfolio, name: 'A', accessToken: TOKEN_A },
      { id: ID.wabaB, portfolioId: ID.portfolio, name: 'B', accessToken: TOKEN_B },
    ],
    phoneNumbers: [
      { id: ID.phoneA1, wabaId: ID.wabaA, displayPhoneNumber: '+44 7700 800001', verifiedName: 'Shop A' },
      { id: ID.phoneA2, wabaId: ID.wabaA, displayPhoneNumber: '+44 7700 800002', verifiedName: 'Shop A' },
      { id: ID.phoneB1, wabaId: ID.wabaB, displayPhoneNumber: '+44 7700 800003', verifiedName: 'Shop B' },
    ],
    templates: [
      {
        id: ID.promo,
        wabaId: ID.wabaA,
        name: 'promo',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'TEXT', text: 'Sale for {{1}}' },
          body('Hi {{1}}, get {{2}} off today.'),
          { type: 'FOOTER', text: 'Reply STOP to opt out' },
          quickReplies('Shop now', 'No thanks'),
        ],
      },
      {
        id: ID.promoImage,
        wabaId: ID.wabaA,
        name: 'promo_image',
        language: 'en_US',
        category: 'MARKETING',
        components: [
          { type: 'HEADER', format: 'IMAGE' },
          body('Hi {{1}}, our lookbook is here.'),
          {
            type: 'BUTTONS',
            buttons: [
              { type: 'URL', text: 'Open', url: 'https://shop.example.com/{{1}}' },
              { type: 'COPY_CODE', example: 'SAVE10' },
            ],
          },
        ],
      },
      {
        id: ID.consent,
        wabaId: ID.wabaA,
        name: 'consent',
        language: 'en_US',
        category: 'UTILITY',
        components: [body('Hi {{1}}, see the offer?'), quickReplies('Yes', 'No')],
      },
      {
        id: ID.paused,
        wabaId: ID.wabaA,
        name: 'paused_tpl',
        language: 'en_US',
        category: 'MARKETING',
        status: 'PAUSED',
        components: [body('Paused')],
      },
      {
        id: ID.disabled,
        wabaId: ID.wabaA,
        name: 'disabled_tpl',
        language: 'en_US',
        category: 'MARKETING',
        status: 'DISABLED',
        components: [body('Disabled')],
      },
      {
        id: ID.pending,
        wabaId: ID.wabaA,
        name: 'pending_tpl',
        language: 'en_US',
        category: 'MARKETING',
        status: 'PENDING',
        components: [body('Pending')],
      },
      {
        id: ID.promoB,
        wabaId: ID.wabaB,
        name: 'promo',
        language: 'en_US',
        category: 'MARKETING',
        components: [body('Hi {{1}}, get {{2}} off today.')],
      },
    ],
    customers: [
      { waId: WA.yes, name: 'Yasmin', behaviour: { onPrompt: [{ reply: 'yes', delayMs: 5 }] } },
      { waId: WA.notOnWhatsApp, onWhatsApp: false },
      { waId: WA.stopped, marketingStopped: true },
      { waId: WA.capOne, marketingCap: 1 },
      { waId: WA.us, name: 'Olivia' },
      { waId: WA.quiet, name: 'Quinn' },
    ],
    ...overrides,
  };
}
