/**
 * The resolver benchmark's inputs (src/bench/resolver.ts), seeded so every run — and every version of the resolver
 * run side by side — measures the same registries, requests and usage.
 */
import type { PhoneNumber, Portfolio, RegistrySnapshot, Template, TemplateGroup, Waba } from '../domain/registry';
import type { ResolveRequest, RoutingPolicy, UsageSnapshot } from '../domain/resolver';

export const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();

/** Seeded PRNG (mulberry32) so every run measures the same inputs. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Shape {
  wabas: number;
  phones: number;
  templates: number;
}

/** Ten WABAs per portfolio; template k of every WABA belongs to group `tpl<k>`; ~5% unhealthy, ~10% YELLOW. */
export function buildRegistry({ wabas, phones, templates }: Shape, rnd: () => number): RegistrySnapshot {
  const s = {
    portfolios: [] as Portfolio[],
    wabas: [] as Waba[],
    phoneNumbers: [] as PhoneNumber[],
    templates: [] as Template[],
  };
  const tiers = ['TIER_10K', 'TIER_100K', 'TIER_2K', 'TIER_UNLIMITED'] as const;
  for (let p = 0; p < Math.ceil(wabas / 10); p++)
    s.portfolios.push({ id: `pf${p}`, messagingTier: tiers[p % tiers.length]! });
  for (let w = 0; w < wabas; w++) {
    const wabaId = `1000${w}`;
    s.wabas.push({
      id: wabaId,
      portfolioId: `pf${Math.floor(w / 10)}`,
      name: `WABA ${w}`,
      accountReviewStatus: 'APPROVED',
      banState: 'NONE',
      restrictions: rnd() < 0.05 ? [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: iso(3_600_000) }] : [],
      deleted: false,
      offboarded: false,
      canSendMessage: rnd() < 0.05 ? 'LIMITED' : 'AVAILABLE',
    });
    for (let n = 0; n < phones; n++) {
      const r = rnd();
      s.phoneNumbers.push({
        id: `2000${w}0${n}`,
        wabaId,
        displayPhoneNumber: `+1 555-${w}-${n}`,
        status: r < 0.03 ? 'FLAGGED' : 'CONNECTED',
        qualityRating: r < 0.05 ? 'RED' : r < 0.15 ? 'YELLOW' : 'GREEN',
        throughputLevel: rnd() < 0.2 ? 'HIGH' : 'STANDARD',
        canSendMessage: 'AVAILABLE',
        enabled: rnd() > 0.02,
        priority: n < 2 ? 0 : 1,
        throttledUntil: rnd() < 0.03 ? iso(2_000) : null,
        breaker: rnd() < 0.02 ? { openUntil: iso(60_000), reason: 'send errors' } : null,
      });
    }
    for (let t = 0; t < templates; t++) {
      const r = rnd();
      s.templates.push({
        id: `3000${w}0${t}`,
        wabaId,
        name: `tpl${t}`,
        language: 'en_US',
        category: 'MARKETING',
        status: r < 0.03 ? 'PAUSED' : 'APPROVED',
        qualityScore: r < 0.1 ? 'YELLOW' : r < 0.15 ? 'UNKNOWN' : 'GREEN',
        canSendMessage: 'AVAILABLE',
        components: [{ type: 'BODY', text: 'Hello {{1}}' }],
      });
    }
  }
  const groups: TemplateGroup[] = Array.from({ length: templates }, (_, t) => ({
    key: `tpl${t}`,
    members: s.wabas.map((w) => ({ wabaId: w.id, name: `tpl${t}`, language: 'en_US' })),
  }));
  return { ...s, groups };
}

export const SCENARIOS = ['steady', 'primary down', 'none', 'none (phones)'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** `primary down`: every group's first WABA banned, so candidates come from the other WABAs (rank 4). */
export function scenarioSnapshot(base: RegistrySnapshot, scenario: Scenario): RegistrySnapshot {
  if (scenario !== 'primary down') return base;
  return { ...base, wabas: base.wabas.map((w, i) => (i === 0 ? { ...w, banState: 'DISABLE' as const } : w)) };
}

/** Requests and their usage (one usage record set for all of them, as in a batch; recipients vary). */
export function buildInputs(
  s: RegistrySnapshot,
  scenario: Scenario,
  routing: RoutingPolicy,
  count: number,
  rnd: () => number,
) {
  const portfolios = Object.fromEntries(
    s.portfolios.map((p) => [p.id, { uniqueRecipients24h: Math.floor(rnd() * 1_900) }]),
  );
  const busy = scenario === 'none (phones)';
  const phones = Object.fromEntries(
    s.phoneNumbers.map((p) => [p.id, { sentLastSecond: busy ? 1_000 : Math.floor(rnd() * 79) }]),
  );
  const templates = s.groups.length;
  const inputs: { req: ResolveRequest; usage: UsageSnapshot }[] = [];
  for (let i = 0; i < count; i++) {
    const sticky = rnd() < 0.3 ? s.phoneNumbers[Math.floor(rnd() * s.phoneNumbers.length)]?.id : undefined;
    const req: ResolveRequest = {
      requestId: `msg-${i}`,
      templateKey: `tpl${Math.floor(rnd() * templates)}`,
      language: 'en_US',
      stickyPhoneNumberId: scenario === 'steady' ? sticky : null,
      exclude: scenario === 'steady' && rnd() < 0.1 ? { phoneNumberIds: [s.phoneNumbers[0]!.id] } : null,
      category: scenario === 'none' ? 'UTILITY' : null,
      routing,
    };
    const usage: UsageSnapshot = { portfolios, phones, recipientCountedIn: rnd() < 0.2 ? ['pf0'] : [] };
    inputs.push({ req, usage });
  }
  return inputs;
}
