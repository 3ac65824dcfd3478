import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ACCOUNT_REVIEW_STATUSES,
  BAN_STATES,
  CAN_SEND_MESSAGE_VALUES,
  MESSAGING_TIERS,
  PHONE_STATUSES,
  QUALITY_RATINGS,
  RESTRICTION_TYPES,
  TEMPLATE_CATEGORIES,
  TEMPLATE_STATUSES,
  THROUGHPUT_LEVELS,
  type PhoneNumber,
  type Portfolio,
  type RegistrySnapshot,
  type Template,
  type Waba,
} from '../../src/domain/registry';
import type { Combination, ResolveRequest, ResolveResult, UsageSnapshot } from '../../src/domain/resolver';

/** Factories (healthy defaults, override what a test is about) and fast-check arbitraries for the domain. */

export const NOW = '2026-05-01T12:00:00.000Z';
export const NOW_MS = Date.parse(NOW);
/** An ISO instant `offsetMs` from NOW. */
export const at = (offsetMs: number): string => new Date(NOW_MS + offsetMs).toISOString();
export const HOUR = 3_600_000;

export const buildPortfolio = (o: Partial<Portfolio> = {}): Portfolio => ({
  id: 'pf1',
  messagingTier: 'TIER_10K',
  ...o,
});

export const buildWaba = (o: Partial<Waba> = {}): Waba => ({
  id: 'w1',
  portfolioId: 'pf1',
  name: 'WABA',
  accountReviewStatus: 'APPROVED',
  banState: 'NONE',
  restrictions: [],
  deleted: false,
  offboarded: false,
  canSendMessage: 'AVAILABLE',
  ...o,
});

export const buildPhone = (o: Partial<PhoneNumber> = {}): PhoneNumber => ({
  id: 'p1',
  wabaId: 'w1',
  displayPhoneNumber: '+1 555-000-0001',
  status: 'CONNECTED',
  qualityRating: 'GREEN',
  throughputLevel: 'STANDARD',
  canSendMessage: 'AVAILABLE',
  enabled: true,
  priority: 0,
  ...o,
});

export const buildTemplate = (o: Partial<Template> = {}): Template => ({
  id: 't1',
  wabaId: 'w1',
  name: 'offer',
  language: 'en_US',
  category: 'MARKETING',
  status: 'APPROVED',
  qualityScore: 'GREEN',
  canSendMessage: 'AVAILABLE',
  components: [],
  ...o,
});

export const emptyUsage = (): UsageSnapshot => ({ portfolios: {}, phones: {} });

export const buildRequest = (o: Partial<ResolveRequest> = {}): ResolveRequest => ({
  requestId: 'msg-1',
  templateKey: 'offer',
  language: 'en_US',
  ...o,
});

export interface GridOptions {
  wabas: number;
  phonesPerWaba: number;
  templatesPerWaba?: number;
  /** Portfolio id of the i-th WABA (default: one portfolio per WABA). */
  portfolioOf?: (i: number) => string;
  tier?: Portfolio['messagingTier'];
}

/**
 * A registry of healthy resources: WABAs `w1..wN` (portfolio `pf<i>` by default), phones `w<i>p<j>`, and in each
 * WABA the template `offer` (id `w<i>t1`) plus `extra2..` fillers (other names, so not equivalent).
 */
export function grid(o: GridOptions): RegistrySnapshot {
  const portfolioOf = o.portfolioOf ?? ((i: number) => `pf${i}`);
  const wabas: Waba[] = [];
  const phoneNumbers: PhoneNumber[] = [];
  const templates: Template[] = [];
  const portfolioIds = new Set<string>();
  for (let i = 1; i <= o.wabas; i++) {
    const wabaId = `w${i}`;
    portfolioIds.add(portfolioOf(i));
    wabas.push(buildWaba({ id: wabaId, portfolioId: portfolioOf(i), name: `WABA ${i}` }));
    for (let j = 1; j <= o.phonesPerWaba; j++) {
      phoneNumbers.push(buildPhone({ id: `${wabaId}p${j}`, wabaId, displayPhoneNumber: `+1 555-${i}-${j}` }));
    }
    for (let j = 1; j <= (o.templatesPerWaba ?? 1); j++) {
      templates.push(buildTemplate({ id: `${wabaId}t${j}`, wabaId, name: j === 1 ? 'offer' : `extra${j}` }));
    }
  }
  const portfolios = [...portfolioIds].map((id) => buildPortfolio({ id, messagingTier: o.tier ?? 'TIER_10K' }));
  return { portfolios, wabas, phoneNumbers, templates, groups: [] };
}

type Patches = {
  wabas?: Record<string, Partial<Waba>>;
  phones?: Record<string, Partial<PhoneNumber>>;
  templates?: Record<string, Partial<Template>>;
  portfolios?: Record<string, Partial<Portfolio>>;
};

/** A copy of `s` with resources overridden by id. */
export function patch(s: RegistrySnapshot, p: Patches): RegistrySnapshot {
  const apply = <T extends { id: string }>(list: readonly T[], by: Record<string, Partial<T>> = {}): T[] =>
    list.map((x) => ({ ...x, ...by[x.id] }));
  return {
    ...s,
    portfolios: apply(s.portfolios, p.portfolios),
    wabas: apply(s.wabas, p.wabas),
    phoneNumbers: apply(s.phoneNumbers, p.phones),
    templates: apply(s.templates, p.templates),
  };
}

/** The combination of a resolved result (fails the test otherwise). */
export function combinationOf(r: ResolveResult): Combination {
  if (r.outcome !== 'resolved')
    assert.fail(`expected a combination, got none: ${JSON.stringify(r.explanation.rejected)}`);
  return r.combination;
}

/** The `none` branch of a result (fails the test otherwise). */
export function noneOf(r: ResolveResult): Extract<ResolveResult, { outcome: 'none' }> {
  if (r.outcome !== 'none') assert.fail(`expected none, got ${JSON.stringify(r.combination)}`);
  return r;
}

// ---- arbitraries -------------------------------------------------------------------------------------------

/** Mostly the healthy value, sometimes any value of the enum. */
const mostly = <T>(healthy: T, all: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(healthy), weight: 10 }, { arbitrary: fc.constantFrom(...all), weight: 1 });
/** The first value half the time (an even split otherwise wastes most cases on unrelated values). */
const often = <T>(first: T, others: readonly T[]): fc.Arbitrary<T> =>
  fc.oneof({ arbitrary: fc.constant(first), weight: 1 }, { arbitrary: fc.constantFrom(first, ...others), weight: 1 });
const rarely = fc.oneof({ arbitrary: fc.constant(false), weight: 12 }, { arbitrary: fc.constant(true), weight: 1 });
const instant = fc.integer({ min: -3, max: 3 }).map((h) => at(h * HOUR + 1));
const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 8 }, { arbitrary: a, weight: 1 });
const breaker = maybe(fc.record({ openUntil: instant, reason: fc.constant('errors') }));

const wabaFields = fc.record({
  accountReviewStatus: mostly('APPROVED' as const, ACCOUNT_REVIEW_STATUSES),
  banState: mostly('NONE' as const, BAN_STATES),
  banDate: maybe(instant),
  restrictions: fc.oneof(
    { arbitrary: fc.constant([]), weight: 4 },
    {
      arbitrary: fc.array(fc.record({ type: fc.constantFrom(...RESTRICTION_TYPES), expiresAt: maybe(instant) }), {
        maxLength: 2,
      }),
      weight: 1,
    },
  ),
  violation: maybe(fc.record({ type: fc.constant('SPAM'), expiresAt: maybe(instant) })),
  deleted: rarely,
  offboarded: rarely,
  canSendMessage: mostly('AVAILABLE' as const, CAN_SEND_MESSAGE_VALUES),
  breaker,
  stale: rarely,
  portfolio: fc.nat(2),
});

const phoneFields = fc.record({
  status: mostly('CONNECTED' as const, PHONE_STATUSES),
  qualityRating: often('GREEN' as const, QUALITY_RATINGS),
  throughputLevel: fc.constantFrom(...THROUGHPUT_LEVELS),
  canSendMessage: mostly('AVAILABLE' as const, CAN_SEND_MESSAGE_VALUES),
  enabled: rarely.map((b) => !b),
  priority: fc.integer({ min: 0, max: 2 }),
  throttledUntil: maybe(instant),
  breaker,
  stale: rarely,
});

const templateFields = fc.record({
  name: often('offer', ['promo']),
  language: often('en_US', ['es']),
  category: often('MARKETING' as const, TEMPLATE_CATEGORIES),
  status: mostly('APPROVED' as const, TEMPLATE_STATUSES),
  qualityScore: often('GREEN' as const, QUALITY_RATINGS),
  canSendMessage: mostly('AVAILABLE' as const, CAN_SEND_MESSAGE_VALUES),
  breaker,
  stale: rarely,
});

/** How many WABAs and phones per WABA a generated registry has (inclusive ranges). */
export interface RegistrySize {
  wabas: readonly [min: number, max: number];
  phonesPerWaba: readonly [min: number, max: number];
}

/** A small tenant registry with every kind of fault, half the time an explicit group for `offer`. */
export const registryArb: fc.Arbitrary<RegistrySnapshot> = registryOfSize({ wabas: [1, 4], phonesPerWaba: [0, 4] });

/** `registryArb` of another size (e.g. big enough that a `none` rejects more candidates than it lists). */
export function registryOfSize(size: RegistrySize): fc.Arbitrary<RegistrySnapshot> {
  return fc
    .record({
      tiers: fc.array(often('TIER_10K' as const, MESSAGING_TIERS), { minLength: 3, maxLength: 3 }),
      wabas: sized(size.wabas[0], size.wabas[1], () =>
        fc.record({
          fields: wabaFields,
          phones: sized(size.phonesPerWaba[0], size.phonesPerWaba[1], () => phoneFields),
          templates: fc.uniqueArray(templateFields, {
            minLength: 1,
            maxLength: 3,
            selector: (t) => `${t.name} ${t.language}`,
          }),
        }),
      ),
    })
    .map(({ tiers, wabas }): RegistrySnapshot => {
      const snapshot = {
        portfolios: tiers.map((messagingTier, i) => ({ id: `pf${i}`, messagingTier })),
        wabas: [] as Waba[],
        phoneNumbers: [] as PhoneNumber[],
        templates: [] as Template[],
        groups: [],
      };
      wabas.forEach((w, i) => {
        const wabaId = `w${i}`;
        const { portfolio, ...fields } = w.fields;
        snapshot.wabas.push(buildWaba({ ...fields, id: wabaId, portfolioId: `pf${portfolio}` }));
        w.phones.forEach((p, j) => snapshot.phoneNumbers.push(buildPhone({ ...p, id: `${wabaId}p${j}`, wabaId })));
        w.templates.forEach((t, j) => snapshot.templates.push(buildTemplate({ ...t, id: `${wabaId}t${j}`, wabaId })));
      });
      return snapshot;
    })
    .chain((s) =>
      fc
        .oneof(
          fc.constant(null),
          fc.tuple(fc.shuffledSubarray([...s.templates]), fc.boolean()).map(([members, unknown]) => ({
            key: 'offer',
            members: [
              ...(unknown ? [{ wabaId: 'w9', name: 'offer', language: 'en_US' }] : []),
              ...members.map(({ wabaId, name, language }) => ({ wabaId, name, language })),
            ],
          })),
        )
        .map((group) => ({ ...s, groups: group ? [group] : [] })),
    );
}

/** An array of `min..max` elements, the length uniform (fast-check's default favours very short arrays). */
function sized<T>(min: number, max: number, element: () => fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  const lengths = Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return fc.constantFrom(...lengths).chain((n) => fc.array(element(), { minLength: n, maxLength: n }));
}

/** One of `ids` (or an id the registry does not know), or null. */
const oneOf = (ids: readonly string[]): fc.Arbitrary<string | null> =>
  fc.oneof(fc.constant(null), fc.constantFrom('unknown', ...ids));
const someOf = (ids: readonly string[]) => fc.subarray([...ids], { maxLength: Math.min(2, ids.length) });
const usageOf = <V>(ids: readonly string[], value: fc.Arbitrary<V>): fc.Arbitrary<Record<string, V>> =>
  ids.length === 0 ? fc.constant({}) : fc.dictionary(fc.constantFrom(...ids), value);

/** A request and usage that refer to the registry's own ids most of the time. */
export function requestAndUsageFor(s: RegistrySnapshot): fc.Arbitrary<{ req: ResolveRequest; usage: UsageSnapshot }> {
  const wabaIds = s.wabas.map((w) => w.id);
  const phoneIds = s.phoneNumbers.map((p) => p.id);
  const portfolioIds = s.portfolios.map((p) => p.id);
  const known = s.templates.map((t) => ({ templateKey: t.name, language: t.language }));
  const keyAndLanguage = fc.oneof(
    fc.record({ templateKey: often('offer', ['promo']), language: often('en_US', ['es']) }),
    fc.constantFrom({ templateKey: 'offer', language: 'en_US' }, ...known),
  );
  const req = fc.record({
    requestId: fc.string({ maxLength: 8 }),
    category: maybe(fc.constantFrom(...TEMPLATE_CATEGORIES)),
    prefer: maybe(fc.record({ wabaId: oneOf(wabaIds), phoneNumberId: oneOf(phoneIds) })),
    stickyPhoneNumberId: oneOf(phoneIds),
    maxAlternatives: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 3 })),
    exclude: maybe(
      fc.record({
        wabaIds: someOf(wabaIds),
        phoneNumberIds: someOf(phoneIds),
        templateIds: someOf(s.templates.map((t) => t.id)),
      }),
    ),
  });
  const usage = fc.record({
    portfolios: usageOf(
      portfolioIds,
      fc.record({ uniqueRecipients24h: fc.constantFrom(0, 10, 49, 50, 249, 250, 9_999, 10_000) }),
    ),
    phones: usageOf(phoneIds, fc.record({ sentLastSecond: often(0, [40, 79, 80, 999, 1000]) })),
    recipientCountedIn: someOf(portfolioIds),
    openWindows: someOf(phoneIds),
  });
  return fc.record({ req: fc.tuple(keyAndLanguage, req).map(([k, r]) => ({ ...r, ...k })), usage });
}

/** A registry with a request and usage about it. */
export const scenarioArb = registryArb.chain((s) => requestAndUsageFor(s).map(({ req, usage }) => ({ s, req, usage })));
