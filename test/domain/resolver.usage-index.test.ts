import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { RegistrySnapshot } from '../../src/domain/registry';
import {
  type ResolveRequest,
  type UsageRecords,
  type UsageSnapshot,
  countSend,
  indexSnapshot,
  indexUsage,
  resolve,
} from '../../src/domain/resolver';
import {
  HOUR,
  NOW,
  NOW_MS,
  at,
  buildRequest,
  combinationOf,
  grid,
  noneOf,
  patch,
  registryOfSize,
  requestAndUsageFor,
  scenarioArb,
} from './arbitraries';

/**
 * The usage index (src/domain/resolver/usage-index.ts, docs/capacity.md "Resolver cost") changes what a decision
 * costs, never what it decides: every result — combination, alternatives, explanation, rejections listed and
 * counted — equals the one read from the usage records number by number.
 */

const records = (usage: UsageSnapshot): UsageRecords => ({
  portfolios: { ...usage.portfolios },
  phones: { ...usage.phones },
});

/** Registries of up to 20 WABAs × 10 numbers, often most numbers at their throughput limit: a `none` then counts more than it lists. */
const bigScenarioArb = registryOfSize({ wabas: [10, 20], phonesPerWaba: [4, 10] }).chain((s) =>
  fc
    .tuple(
      requestAndUsageFor(s),
      fc.array(fc.constantFrom(0, 79, 80, 1_000, 1_000), {
        minLength: s.phoneNumbers.length,
        maxLength: s.phoneNumbers.length,
      }),
      fc.boolean(),
    )
    .map(([{ req, usage }, sent, busy]) => {
      const phones = Object.fromEntries(s.phoneNumbers.map((p, i) => [p.id, { sentLastSecond: sent[i]! }]));
      return { s, req, usage: busy ? { ...usage, phones } : usage };
    }),
);

function assertSameWithIndex(s: RegistrySnapshot, req: ResolveRequest, usage: UsageSnapshot, now = NOW): void {
  const index = indexSnapshot(s);
  const indexed = indexUsage(index, records(usage));
  assert.deepEqual(resolve(req, index, { ...usage, indexed }, now), resolve(req, index, usage, now));
}

/** Both policies share the sums: `spread` always, `primary-first` where no member it takes from them is eligible. */
const ROUTINGS = ['spread', 'primary-first', 'spread', null] as const;

/** What varies from one recipient of a batch to the next (the template stays). */
const pickVaried = (r: ResolveRequest): Partial<ResolveRequest> => ({
  requestId: r.requestId,
  stickyPhoneNumberId: r.stickyPhoneNumberId,
  exclude: r.exclude,
  category: r.category,
  prefer: r.prefer,
  maxAlternatives: r.maxAlternatives,
});

describe('resolve with a usage index', () => {
  it('when resolved with or without the usage index, then the results are identical', () => {
    fc.assert(
      fc.property(scenarioArb, fc.boolean(), ({ s, req, usage }, spread) => {
        assertSameWithIndex(s, { ...req, routing: spread ? 'spread' : 'primary-first' }, usage);
      }),
      { numRuns: 500 },
    );
  });

  it('when a registry rejects more candidates than a none lists, then the results are still identical', () => {
    let full = 0;
    fc.assert(
      fc.property(bigScenarioArb, fc.boolean(), ({ s, req, usage }, spread) => {
        const request: ResolveRequest = { ...req, routing: spread ? 'spread' : 'primary-first' };
        assertSameWithIndex(s, request, usage);
        const r = resolve(request, s, usage, NOW);
        if (r.explanation.rejected.total > 50) full++;
      }),
      { numRuns: 300 },
    );
    // The counting-only path runs only once the listing is full: the generator must reach it.
    assert.ok(full > 30, `only ${full} of 300 runs rejected more than 50 candidates`);
  });

  it('when one usage index serves decisions at later instants, then each equals a decision read at that instant', () => {
    fc.assert(
      fc.property(scenarioArb, ({ s, req, usage }) => {
        const index = indexSnapshot(s);
        const indexed = indexUsage(index, records(usage));
        // The arbitraries' timed reasons start and end on the hour (+1 ms): these instants cross them.
        for (const h of [0, 1, 3, 2, 4, -1]) {
          const now = at(h * HOUR);
          assert.deepEqual(resolve(req, index, { ...usage, indexed }, now), resolve(req, index, usage, now), now);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('when a batch counts its own sends, then every next decision equals one read from the updated records', () => {
    fc.assert(
      fc.property(bigScenarioArb, fc.boolean(), ({ s, req, usage }, spread) => {
        const index = indexSnapshot(s);
        const own = records(usage);
        const indexed = indexUsage(index, own);
        const counted: string[] = [];
        for (let i = 0; i < 40; i++) {
          const request: ResolveRequest = {
            ...req,
            requestId: `${req.requestId}-${i}`,
            routing: spread ? 'spread' : null,
          };
          const raw = { ...own, recipientCountedIn: counted, openWindows: usage.openWindows };
          const r = resolve(request, index, { ...raw, indexed }, NOW);
          assert.deepEqual(r, resolve(request, index, raw, NOW), `decision ${i}`);
          if (r.outcome === 'none') return;
          const c = r.combination;
          countSend(indexed, { phoneNumberId: c.phoneNumberId, portfolioId: c.portfolioId, newRecipient: i % 3 === 0 });
        }
      }),
      { numRuns: 100 },
    );
  });

  it('when many decisions of varied requests share one usage index, then each equals one read from the records', () => {
    // Past SHARE_AFTER decisions of a group, members no request touches come from shared evaluations
    // (member-evals.ts): requests differ in sticky number, exclusions, category, prefer, alternatives, counted
    // portfolios and open windows; sends are counted and the instant moves across timed reasons in between.
    let shared = 0;
    const arb = registryOfSize({ wabas: [6, 14], phonesPerWaba: [2, 8] }).chain((s) =>
      fc.tuple(fc.constant(s), fc.array(requestAndUsageFor(s), { minLength: 60, maxLength: 60 })),
    );
    fc.assert(
      fc.property(arb, ([s, decisions]) => {
        const index = indexSnapshot(s);
        const own = records(decisions[0]!.usage);
        const indexed = indexUsage(index, own);
        for (const [i, { req, usage }] of decisions.entries()) {
          // One template for all, as a campaign batch plans; the rest of each request varies.
          const routing = ROUTINGS[i % ROUTINGS.length];
          const request: ResolveRequest = { ...req, ...decisions[0]!.req, ...pickVaried(req), routing };
          const raw = { ...own, recipientCountedIn: usage.recipientCountedIn, openWindows: usage.openWindows };
          const now = at([0, 1, 3][Math.floor(i / 20)]! * HOUR);
          const r = resolve(request, index, { ...raw, indexed }, now);
          assert.deepEqual(r, resolve(request, index, raw, now), `decision ${i}`);
          if (indexed.shares.size > 0) shared++;
          if (r.outcome === 'resolved' && i % 2 === 0) {
            const c = r.combination;
            countSend(indexed, {
              phoneNumberId: c.phoneNumberId,
              portfolioId: c.portfolioId,
              newRecipient: i % 4 === 0,
            });
          }
        }
      }),
      { numRuns: 60 },
    );
    // The generator must reach the shared path.
    assert.ok(shared > 60 * 20, `only ${shared} decisions ran with shared evaluations`);
  });

  it('when sends are counted, then the records show them and a number at its limit is rejected', () => {
    // w1 excluded: w2's numbers come from its table (rank 4), which counting a send must rebuild.
    const s = grid({ wabas: 2, phonesPerWaba: 2 });
    const index = indexSnapshot(s);
    const own: UsageRecords = { portfolios: {}, phones: { w2p1: { sentLastSecond: 79 } } };
    const indexed = indexUsage(index, own);
    const usage = { ...own, indexed };
    const req = (requestId: string) => buildRequest({ requestId, exclude: { wabaIds: ['w1'] } });
    const chosen = new Set<string>();
    for (let i = 0; i < 50; i++) chosen.add(combinationOf(resolve(req(`a${i}`), index, usage, NOW)).phoneNumberId);
    assert.deepEqual([...chosen].sort(), ['w2p1', 'w2p2'], 'both numbers have headroom');
    countSend(indexed, { phoneNumberId: 'w2p1', portfolioId: 'pf2', newRecipient: true });
    assert.deepEqual(own.phones.w2p1, { sentLastSecond: 80 });
    assert.deepEqual(own.portfolios.pf2, { uniqueRecipients24h: 1 });
    for (let i = 0; i < 50; i++) {
      const r = combinationOf(resolve(req(`b${i}`), index, usage, NOW));
      assert.equal(r.phoneNumberId, 'w2p2', 'w2p1 has no throughput headroom left');
      assert.equal(r.portfolioHeadroom, 0.9999);
    }
  });

  it('when a number is throttled until an instant, then the same index rejects it before and offers it after', () => {
    const s = patch(grid({ wabas: 2, phonesPerWaba: 1 }), { phones: { w2p1: { throttledUntil: at(HOUR) } } });
    const index = indexSnapshot(s);
    const indexed = indexUsage(index, { portfolios: {}, phones: {} });
    const usage = { portfolios: {}, phones: {}, indexed };
    const req = buildRequest({ exclude: { wabaIds: ['w1'] } });
    const before = noneOf(resolve(req, index, usage, NOW));
    assert.deepEqual(
      before.rejected.find((x) => x.phoneNumberId === 'w2p1')?.reasons.map((r) => r.code),
      ['phone_unhealthy'],
    );
    assert.equal(
      combinationOf(resolve(req, index, usage, new Date(NOW_MS + 2 * HOUR).toISOString())).phoneNumberId,
      'w2p1',
    );
  });

  it('when every number of 100 WABAs × 20 is out of throughput, then all 2,000 are counted, 50 listed, no record read', () => {
    const s = grid({ wabas: 100, phonesPerWaba: 20, portfolioOf: (i) => `pf${i % 10}` });
    const index = indexSnapshot(s);
    const own: UsageRecords = {
      portfolios: {},
      phones: Object.fromEntries(s.phoneNumbers.map((p) => [p.id, { sentLastSecond: 1_000 }])),
    };
    const indexed = indexUsage(index, own);
    let reads = 0;
    const counting = <T extends object>(o: T): T =>
      new Proxy(o, {
        get: (target, key, receiver) => {
          reads++;
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
    const usage = { portfolios: counting(own.portfolios), phones: counting(own.phones), indexed };
    for (const routing of ['primary-first', 'spread'] as const) {
      const r = noneOf(resolve(buildRequest({ routing }), index, usage, NOW));
      assert.equal(r.explanation.rejected.total, 2_000);
      assert.deepEqual(r.explanation.rejected.byReason, { no_throughput_headroom: 2_000 });
      assert.equal(r.rejected.length, 50);
      assert.equal(r.explanation.rejected.first.length, 20);
      assert.match(r.rejected[49]!.reasons[0]!.message, /throughput limit reached \(1000\/80 /);
    }
    assert.equal(reads, 0, 'a decision with a usage index reads no usage record');
  });
});
