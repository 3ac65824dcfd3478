import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { MessagingTier, RegistrySnapshot } from '../../src/domain/registry';
import { type Combination, type UsageSnapshot, indexSnapshot, resolve } from '../../src/domain/resolver';
import { messagingLimit, throughputLimit } from '../../src/domain/tiers';
import {
  NOW,
  buildPhone,
  buildPortfolio,
  buildRequest,
  buildTemplate,
  buildWaba,
  grid,
  scenarioArb,
} from './arbitraries';

/**
 * The `spread` routing policy (docs/capacity.md): equally preferred WABAs and numbers share the load by remaining
 * headroom — a portfolio's share ∝ the unique recipients it can still reach, a number's share within it ∝ its
 * remaining throughput — and `primary-first` keeps today's order.
 */

const RESOLUTIONS = 10_000;
const DAY_S = 86_400;

interface Shape {
  portfolios: { tier: MessagingTier; usedFraction: number; wabas: { sent: number[] }[] }[];
}

/** 1-3 portfolios of 1-2 WABAs of 1-2 numbers, with usage; one extra number and portfolio without headroom. */
const shapeArb: fc.Arbitrary<Shape> = fc.record({
  portfolios: fc.array(
    fc.record({
      tier: fc.constantFrom<MessagingTier>('TIER_1K', 'TIER_2K'),
      usedFraction: fc.constantFrom(0, 0.1, 0.25, 0.5),
      wabas: fc.array(fc.record({ sent: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 2 }) }), {
        minLength: 1,
        maxLength: 2,
      }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

function build(shape: Shape): { s: RegistrySnapshot; usage: UsageSnapshot } {
  const s = { portfolios: [], wabas: [], phoneNumbers: [], templates: [], groups: [] } as {
    [K in keyof RegistrySnapshot]: RegistrySnapshot[K][number][];
  };
  const usage = {
    portfolios: {} as Record<string, { uniqueRecipients24h: number }>,
    phones: {} as Record<string, { sentLastSecond: number }>,
  };
  const addWaba = (pf: string, w: string, sent: number[]) => {
    s.wabas.push(buildWaba({ id: w, portfolioId: pf }));
    s.templates.push(buildTemplate({ id: `${w}t`, wabaId: w }));
    sent.forEach((n, k) => {
      s.phoneNumbers.push(buildPhone({ id: `${w}p${k}`, wabaId: w }));
      usage.phones[`${w}p${k}`] = { sentLastSecond: n };
    });
  };
  shape.portfolios.forEach((p, i) => {
    s.portfolios.push(buildPortfolio({ id: `pf${i}`, messagingTier: p.tier }));
    usage.portfolios[`pf${i}`] = { uniqueRecipients24h: Math.round(p.usedFraction * messagingLimit(p.tier)) };
    p.wabas.forEach((w, j) => addWaba(`pf${i}`, `w${i}${j}`, w.sent));
  });
  // Without headroom: a number at its throughput limit, and a whole portfolio at its messaging limit.
  addWaba('pf0', 'wfull', [80]);
  s.portfolios.push(buildPortfolio({ id: 'pfX', messagingTier: 'TIER_1K' }));
  usage.portfolios.pfX = { uniqueRecipients24h: 1_000 };
  addWaba('pfX', 'wX', [0]);
  return { s, usage };
}

/** The headroom-weighted fair share of every number, WABA and portfolio, computed from the definition. */
function fairShares(s: RegistrySnapshot, usage: UsageSnapshot): Map<string, number> {
  const weights = new Map<string, number>();
  for (const p of s.portfolios) {
    const left = messagingLimit(p.messagingTier) - (usage.portfolios[p.id]?.uniqueRecipients24h ?? 0);
    const phones = s.phoneNumbers.filter((n) => s.wabas.find((w) => w.id === n.wabaId)?.portfolioId === p.id);
    const t = (n: (typeof phones)[number]) =>
      Math.max(0, throughputLimit(n.throughputLevel) - (usage.phones[n.id]?.sentLastSecond ?? 0));
    const total = phones.reduce((a, n) => a + t(n), 0);
    const recipients = Math.max(0, Math.min(left, DAY_S * total));
    for (const n of phones) if (total > 0) weights.set(n.id, (recipients * t(n)) / total);
  }
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  const shares = new Map<string, number>();
  const add = (k: string, v: number) => shares.set(k, (shares.get(k) ?? 0) + v);
  for (const n of s.phoneNumbers) {
    const w = s.wabas.find((x) => x.id === n.wabaId)!;
    const share = (weights.get(n.id) ?? 0) / sum;
    add(n.id, share);
    add(w.id, share);
    add(w.portfolioId, share);
  }
  return shares;
}

function tally(
  index: ReturnType<typeof indexSnapshot>,
  usage: UsageSnapshot,
  prefix: string,
  routing: 'spread' | 'primary-first',
) {
  const counts = new Map<string, number>();
  const add = (k: string) => counts.set(k, (counts.get(k) ?? 0) + 1);
  for (let i = 0; i < RESOLUTIONS; i++) {
    const r = resolve(buildRequest({ requestId: `${prefix}${i}`, routing }), index, usage, NOW);
    const c = (r as { combination: Combination }).combination;
    add(c.phoneNumberId);
    add(c.wabaId);
    add(c.portfolioId);
  }
  return counts;
}

describe('resolve: spread routing', () => {
  it(`property: over ${RESOLUTIONS} resolutions no number, WABA or portfolio carries more than 1.2× its fair share, and nothing without headroom carries any`, () => {
    fc.assert(
      fc.property(shapeArb, fc.string({ maxLength: 4 }), (shape, prefix) => {
        const { s, usage } = build(shape);
        const shares = fairShares(s, usage);
        // Binomial noise: a share under 6% (600 of 10,000) leaves 1.2× within 4σ of chance; such cases say nothing.
        fc.pre([...shares.values()].every((x) => x === 0 || x >= 0.06));
        const counts = tally(indexSnapshot(s), usage, prefix, 'spread');
        for (const [id, share] of shares) {
          const n = counts.get(id) ?? 0;
          if (share === 0) assert.equal(n, 0, `${id} has no headroom but carried ${n}`);
          else
            assert.ok(
              n <= 1.2 * share * RESOLUTIONS,
              `${id} carried ${n}, fair share ${Math.round(share * RESOLUTIONS)}`,
            );
        }
        for (const id of ['wfullp0', 'wX', 'pfX']) assert.equal(counts.get(id) ?? 0, 0);
      }),
      { numRuns: 25 },
    );
  });

  it('property: under spread every returned combination is eligible (same verdicts as primary-first)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ s, req, usage }) => {
        const spread = resolve({ ...req, routing: 'spread' }, s, usage, NOW);
        const first = resolve({ ...req, routing: 'primary-first' }, s, usage, NOW);
        assert.equal(spread.outcome, first.outcome);
        if (spread.outcome !== 'resolved' || first.outcome !== 'resolved') return;
        assert.equal(spread.combination.verdict, first.combination.verdict);
        for (const c of [spread.combination, ...spread.alternatives]) {
          assert.ok(c.throughputHeadroom > 0, `${c.phoneNumberId} without throughput headroom`);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: primary-first is the default and keeps the least-deviation order', () => {
    fc.assert(
      fc.property(scenarioArb, ({ s, req, usage }) => {
        const { routing: _, ...plain } = req;
        assert.deepEqual(resolve({ ...plain, routing: 'primary-first' }, s, usage, NOW), resolve(plain, s, usage, NOW));
      }),
      { numRuns: 200 },
    );
  });

  it('when 3 equally preferred WABAs sit in 3 portfolios, then primary-first sends everything to the first, spread to all three', () => {
    const index = indexSnapshot(grid({ wabas: 3, phonesPerWaba: 1 }));
    const usage = { portfolios: { pf1: { uniqueRecipients24h: 9_999 } }, phones: {} };
    const first = tally(index, usage, 'a', 'primary-first');
    assert.equal(first.get('w1'), RESOLUTIONS);
    const spread = tally(index, usage, 'a', 'spread');
    // pf1 has 1 recipient left of 10,000, pf2 and pf3 10,000 each: pf1 gets about 1 in 20,001.
    assert.ok((spread.get('w1') ?? 0) <= 5);
    for (const w of ['w2', 'w3']) assert.ok(Math.abs((spread.get(w) ?? 0) - RESOLUTIONS / 2) < 300, `${w}`);
  });

  it('when a recipient is already counted in a portfolio, then spread favours the portfolio it costs nothing', () => {
    const index = indexSnapshot(grid({ wabas: 2, phonesPerWaba: 1 }));
    const usage = { portfolios: {}, phones: {}, recipientCountedIn: ['pf2'] };
    assert.ok((tally(index, usage, 'b', 'spread').get('w2') ?? 0) > 0.95 * RESOLUTIONS);
  });
});
