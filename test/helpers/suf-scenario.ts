/**
 * A simulator scenario for Smart Utility Fallback: one marketing template per session-conversion scenario of
 * docs/smart-utility-fallback.md (1-8), the UTILITY consent template, and customers capped at 0 marketing messages (every marketing
 * template fails with 131049) who answer prompts yes, no, STOP, or not at all.
 */
export const SUF = {
  waba: '200000000000700',
  token: 'EAAG-suf',
  phones: ['300000000000701', '300000000000702'],
  customers: { no: '447700800002', stop: '447700800003', silent: '447700800004', yes2: '447700800005' },
  /**
   * One "yes" customer per conversion scenario: once a customer answers, their service window is open and Meta
   * delivers marketing templates to them directly (no 131049), so each scenario needs a customer without a window.
   */
  yes: (scenario: number) => `4477008001${String(scenario).padStart(2, '0')}`,
};

const img = { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/a.jpg'] } };
const vid = { type: 'HEADER', format: 'VIDEO', example: { header_handle: ['https://cdn.example.com/a.mp4'] } };
const doc = { type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['https://cdn.example.com/a.pdf'] } };
const body = { type: 'BODY', text: 'Hi {{1}}, enjoy {{2}} off this week.' };
const qr = (n: number) => Array.from({ length: n }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i + 1}` }));
const url = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    type: 'URL',
    text: `Link ${i + 1}`,
    url: `https://shop.example.com/l${i + 1}`,
  }));
const buttons = (list: unknown[]) => (list.length ? [{ type: 'BUTTONS', buttons: list }] : []);

/** name → [components, expected session shape: scenario, first message type, interactive type?, message count]. */
export const SUF_TEMPLATES: Record<string, { components: unknown[]; scenario: number; types: string[] }> = {
  suf_text: {
    components: [{ type: 'HEADER', format: 'TEXT', text: 'Big sale' }, body, { type: 'FOOTER', text: 'T&C apply' }],
    scenario: 1,
    types: ['text'],
  },
  suf_cta: { components: [body, ...buttons(url(1))], scenario: 2, types: ['interactive:cta_url'] },
  suf_buttons: { components: [body, ...buttons([...qr(2), ...url(1)])], scenario: 3, types: ['interactive:button'] },
  suf_list: { components: [body, ...buttons(qr(5))], scenario: 4, types: ['interactive:list'] },
  suf_image: { components: [img, body, ...buttons(url(2))], scenario: 5, types: ['image'] },
  suf_image_cta: { components: [img, body, ...buttons(url(1))], scenario: 6, types: ['interactive:cta_url'] },
  suf_video_buttons: { components: [vid, body, ...buttons(qr(3))], scenario: 7, types: ['interactive:button'] },
  suf_doc_list: { components: [doc, body, ...buttons(qr(4))], scenario: 8, types: ['document', 'interactive:list'] },
};

export const SUF_MEDIA: Record<string, { type: 'image' | 'video' | 'document'; link: string }> = {
  suf_image: { type: 'image', link: 'https://cdn.example.com/a.jpg' },
  suf_image_cta: { type: 'image', link: 'https://cdn.example.com/a.jpg' },
  suf_video_buttons: { type: 'video', link: 'https://cdn.example.com/a.mp4' },
  suf_doc_list: { type: 'document', link: 'https://cdn.example.com/a.pdf' },
};

const prompt = (reply: string) => ({ onPrompt: [{ reply, delayMs: 30 }], onMessage: [] });

export const sufScenario = {
  name: 'suf',
  portfolios: [{ id: '100000000000700', name: 'SUF Co', tier: 'TIER_UNLIMITED' }],
  wabas: [{ id: SUF.waba, portfolioId: '100000000000700', name: 'SUF WABA', accessToken: SUF.token }],
  phoneNumbers: SUF.phones.map((id, i) => ({
    id,
    wabaId: SUF.waba,
    displayPhoneNumber: `+1 555-000-070${i + 1}`,
    verifiedName: 'SUF Co',
  })),
  templates: [
    ...Object.entries(SUF_TEMPLATES).map(([name, t], i) => ({
      id: `4000000007${String(i + 1).padStart(2, '0')}`,
      wabaId: SUF.waba,
      name,
      language: 'en_US',
      category: 'MARKETING',
      components: t.components,
    })),
    {
      id: '400000000799',
      wabaId: SUF.waba,
      name: 'offer_consent',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, we have an update about {{2}}. Would you like to see it?' },
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Yes' },
            { type: 'QUICK_REPLY', text: 'No' },
          ],
        },
      ],
    },
  ],
  customers: [
    ...Array.from({ length: 8 }, (_, i) => ({
      waId: SUF.yes(i + 1),
      name: `Yes ${i + 1}`,
      marketingCap: 0,
      behaviour: prompt('yes'),
    })),
    { waId: SUF.customers.yes2, name: 'Yuki', marketingCap: 0, behaviour: prompt('yes') },
    { waId: SUF.customers.no, name: 'Nora', marketingCap: 0, behaviour: prompt('no') },
    { waId: SUF.customers.stop, name: 'Stefan', marketingCap: 0, behaviour: prompt('stop') },
    { waId: SUF.customers.silent, name: 'Silvia', marketingCap: 0 },
  ],
};

/** A POST /v1/messages body for one of the SUF templates, with the consent prompt configured. */
export function sufMessage(template: string, to: string, extra: Record<string, unknown> = {}) {
  const media = SUF_MEDIA[template];
  return {
    to: `+${to}`,
    template,
    language: 'en_US',
    parameters: { ...(media ? { header: media } : {}), body: ['Asha', '20%'] },
    smartUtilityFallback: {
      enabled: true,
      consentTemplate: 'offer_consent',
      consentParameters: { body: ['Asha', 'your festive offer'] },
      waitFor: '20s',
    },
    ...extra,
  };
}
