import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  GUARD_WINDOW,
  campaignPortfolios,
  guardVerdict,
  planCapacity,
  type PortfolioCapacity,
} from '../../src/domain/capacity-plan';
import { indexSnapshot } from '../../src/domain/resolver';
import { grid } from './arbitraries';

/** Campaign capacity planning and the quality guard (pure — docs/capacity.md, "Campaigns"). */

const NOW = Date.parse('2026-12-01T10:00:00.000Z');
const DAY = 86_400_000;
const tier1k = (id: string, o: Partial<PortfolioCapacity> = {}): PortfolioCapacity => ({
  id,
  limit: 1_000,
  used: 0,
  throughputPerSecond: 80,
  ...o,
});

describe('planCapacity', () => {
  it('when two TIER_1K portfolios meet 3,000 recipients, then 2,000 go now (1,000 each) and 1,000 wait for the window to roll', () => {
    const plan = planCapacity(3_000, [tier1k('a'), tier1k('b')], NOW);
    assert.deepEqual(plan.perPortfolio, { a: 1_000, b: 1_000 });
    assert.equal(plan.sendableNow, 2_000);
    assert.equal(plan.waiting, 1_000);
    assert.equal(plan.waitingForCapacity, false);
    assert.equal(
      plan.eta,
      NOW + Math.ceil((2_000 / 160) * 1000) + DAY,
      'the 2,000 sent now (at 160 messages/s) leave the window a day later; the last 1,000 go then',
    );
    assert.equal(plan.resumeAt, NOW + Math.ceil((2_000 / 160) * 1000) + DAY);
  });

  it('when both portfolios are full, then the campaign waits for capacity and resumes as the window rolls', () => {
    const releases = [
      { at: NOW + DAY / 2, recipients: 600 },
      { at: NOW + DAY, recipients: 400 },
    ];
    const plan = planCapacity(
      1_500,
      [tier1k('a', { used: 1_000, releases }), tier1k('b', { used: 1_000, releases })],
      NOW,
    );
    assert.equal(plan.waitingForCapacity, true);
    assert.equal(plan.resumeAt, NOW + DAY / 2);
    assert.equal(plan.eta, NOW + DAY, '1,200 come back at +12 h, the last 300 of 1,500 at +24 h');
  });

  it('when a list is several days of the limits, then it is planned day by day', () => {
    const plan = planCapacity(5_000, [tier1k('a'), tier1k('b')], NOW);
    const sendNow = Math.ceil((2_000 / 160) * 1000);
    assert.equal(plan.eta, NOW + sendNow + 2 * DAY, '2,000 today, 2,000 tomorrow, the last 1,000 the day after');
  });

  it('when no portfolio has a usable number, then nothing is sendable and no eta exists', () => {
    const plan = planCapacity(10, [tier1k('a', { throughputPerSecond: 0 })], NOW);
    assert.equal(plan.sendableNow, 0);
    assert.equal(plan.eta, Number.POSITIVE_INFINITY);
  });

  it('when a tier upgrade raises a limit, then the plan grows at once', () => {
    const before = planCapacity(5_000, [tier1k('a', { used: 1_000 })], NOW);
    const after = planCapacity(5_000, [tier1k('a', { used: 1_000, limit: 10_000 })], NOW);
    assert.equal(before.sendableNow, 0);
    assert.equal(after.sendableNow, 5_000);
    assert.equal(after.eta, NOW + Math.ceil((5_000 / 80) * 1000), 'throughput-bound: 80 messages/s');
  });

  it('property: shares never exceed what a portfolio has left, sum to what is sendable, and follow what is left', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            limit: fc.constantFrom(250, 1_000, 2_000, 10_000),
            usedShare: fc.double({ min: 0, max: 1, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.integer({ min: 0, max: 30_000 }),
        (ps, n) => {
          const portfolios = ps.map((p, i) =>
            tier1k(`p${i}`, { limit: p.limit, used: Math.floor(p.usedShare * p.limit) }),
          );
          const plan = planCapacity(n, portfolios, NOW);
          const room = portfolios.reduce((a, p) => a + p.limit - p.used, 0);
          assert.equal(plan.sendableNow, Math.min(n, room));
          assert.equal(
            Object.values(plan.perPortfolio).reduce((a, b) => a + b, 0),
            plan.sendableNow,
          );
          for (const p of portfolios) {
            const share = plan.perPortfolio[p.id] ?? 0;
            assert.ok(share <= p.limit - p.used);
            assert.ok(Math.abs(share - (plan.sendableNow * (p.limit - p.used)) / (room || 1)) <= 1);
          }
        },
      ),
    );
  });
});

describe('guardVerdict', () => {
  const sends = (n: number, failedEvery: number) =>
    Array.from({ length: n }, (_, i) => ({ failed: i % failedEvery === 0 }));

  it('when 40 % of a list is invalid, then the guard pauses within the first 500 sends, with the reason', () => {
    const list = Array.from({ length: 500 }, (_, i) => ({ failed: i % 5 < 2 }));
    const at = list.findIndex((_, i) => guardVerdict(list.slice(0, i + 1), 0.25).verdict === 'pause');
    assert.ok(at >= 0 && at < 500, `paused after ${at + 1} sends`);
    const v = guardVerdict(list.slice(0, at + 1), 0.25);
    assert.ok(v.verdict === 'pause' && /failed or were blocked/.test(v.reason));
  });

  it('when the failure rate stays under the threshold, or too few sends were seen, then it continues', () => {
    assert.equal(guardVerdict(sends(2_000, 10), 0.25).verdict, 'continue');
    assert.equal(guardVerdict(sends(50, 1), 0.25).verdict, 'continue');
  });

  it('when a bad start is followed by 500 good sends, then only the last 500 count', () => {
    const history = [...sends(400, 1), ...Array.from({ length: GUARD_WINDOW }, () => ({ failed: false }))];
    assert.deepEqual(guardVerdict(history, 0.25), { verdict: 'continue', rate: 0 });
  });
});

describe('campaignPortfolios', () => {
  it('when WABAs share a portfolio, then it is listed once with all their enabled numbers, and only portfolios holding the template count', () => {
    const s = grid({ wabas: 3, phonesPerWaba: 2, portfolioOf: (i) => (i < 3 ? 'shared' : 'own'), tier: 'TIER_1K' });
    s.phoneNumbers = s.phoneNumbers.map((p) => (p.id === 'w1p2' ? { ...p, enabled: false } : p));
    s.templates = s.templates.filter((t) => t.wabaId !== 'w3'); // w3 (portfolio `own`) lacks the template
    const windows = { used: { shared: 400 }, releases: { shared: [{ at: NOW + DAY, recipients: 400 }] } };
    const ps = campaignPortfolios(indexSnapshot(s), { key: 'offer', language: 'en_US' }, windows);
    assert.equal(ps.length, 1);
    const [p] = ps;
    assert.equal(p!.id, 'shared');
    assert.equal(p!.limit, 1_000);
    assert.equal(p!.used, 400);
    const perNumber = p!.throughputPerSecond / 3;
    assert.ok(perNumber > 0 && Number.isInteger(perNumber), 'three enabled numbers (w1p2 is disabled)');
    assert.equal(planCapacity(1_000, ps, NOW).sendableNow, 600);
  });
});
