/**
 * The campaign benchmark's simulator scenario: one unlimited portfolio, two WABAs with two HIGH-throughput
 * numbers each (1,000 messages/s per number, Meta's upgraded tier) and one marketing template in both.
 */
export const BENCH = {
  portfolio: '100000000000800',
  template: 'bench_offer',
  wabas: [
    { id: '200000000000801', token: 'EAAG-bench-801', phones: ['300000000000811', '300000000000812'] },
    { id: '200000000000802', token: 'EAAG-bench-802', phones: ['300000000000821', '300000000000822'] },
  ],
};

export const benchScenario = {
  name: 'campaign-bench',
  portfolios: [{ id: BENCH.portfolio, name: 'Bench Co', tier: 'TIER_UNLIMITED' }],
  wabas: BENCH.wabas.map((w) => ({
    id: w.id,
    portfolioId: BENCH.portfolio,
    name: `Bench ${w.id}`,
    accessToken: w.token,
  })),
  phoneNumbers: BENCH.wabas.flatMap((w) =>
    w.phones.map((id) => ({
      id,
      wabaId: w.id,
      displayPhoneNumber: `+44 7000 ${id.slice(-3)}`,
      verifiedName: 'Bench Co',
      throughput: 'HIGH',
    })),
  ),
  templates: BENCH.wabas.map((w, i) => ({
    id: `4000000008${i}1`,
    wabaId: w.id,
    name: BENCH.template,
    language: 'en_US',
    category: 'MARKETING',
    components: [{ type: 'BODY', text: 'Hello {{1}}, the festive sale is on.' }],
  })),
  customers: [],
};
