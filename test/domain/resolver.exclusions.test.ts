import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  REJECTION_CODES,
  type RejectionCode,
  type UsageSnapshot,
  indexSnapshot,
  resolve,
} from '../../src/domain/resolver';
import type { RegistrySnapshot } from '../../src/domain/registry';
import { NOW, buildRequest, combinationOf, emptyUsage, grid, noneOf, patch } from './arbitraries';

/** Exclusions with reasons, `none`, portfolio limits, category filter, determinism (docs/resolver.md). */

const run = (s: RegistrySnapshot, req = {}, usage = emptyUsage()) => resolve(buildRequest(req), s, usage, NOW);
const one = () => grid({ wabas: 1, phonesPerWaba: 1 });
describe('resolve: exclusions', () => {
  const cases: [string, RegistrySnapshot, object, UsageSnapshot | undefined, RejectionCode][] = [
    [
      'the WABA is unhealthy',
      patch(one(), { wabas: { w1: { banState: 'DISABLE' } } }),
      {},
      undefined,
      'waba_unhealthy',
    ],
    [
      'the template is unhealthy',
      patch(one(), { templates: { w1t1: { status: 'PAUSED' } } }),
      {},
      undefined,
      'template_unhealthy',
    ],
    [
      'the phone is unhealthy',
      patch(one(), { phones: { w1p1: { qualityRating: 'RED' } } }),
      {},
      undefined,
      'phone_unhealthy',
    ],
    [
      'the operator disabled the phone',
      patch(one(), { phones: { w1p1: { enabled: false } } }),
      {},
      undefined,
      'phone_disabled',
    ],
    ['an earlier attempt failed on the WABA', one(), { exclude: { wabaIds: ['w1'] } }, undefined, 'waba_excluded'],
    [
      'an earlier attempt failed on the phone',
      one(),
      { exclude: { phoneNumberIds: ['w1p1'] } },
      undefined,
      'phone_excluded',
    ],
    [
      'an earlier attempt failed on the template',
      one(),
      { exclude: { templateIds: ['w1t1'] } },
      undefined,
      'template_excluded',
    ],
    ['the request needs another category', one(), { category: 'UTILITY' }, undefined, 'category_mismatch'],
    [
      'the phone sent 80 messages this second (STANDARD)',
      one(),
      {},
      { portfolios: {}, phones: { w1p1: { sentLastSecond: 80 } } },
      'no_throughput_headroom',
    ],
    [
      'the portfolio reached its tier',
      one(),
      {},
      { portfolios: { pf1: { uniqueRecipients24h: 10_000 } }, phones: {} },
      'no_messaging_limit_headroom',
    ],
  ];
  for (const [when, s, req, usage, code] of cases) {
    it(`when ${when}, then none with ${code}`, () => {
      const r = noneOf(run(s, req, usage));
      assert.equal(r.reason, 'all_rejected');
      assert.deepEqual(
        r.rejected.map((x) => [x.wabaId, x.phoneNumberId, x.templateId, x.reasons.map((y) => y.code)]),
        [['w1', 'w1p1', 'w1t1', [code]]],
      );
      assert.ok(r.rejected[0]?.reasons[0]?.message);
      assert.deepEqual(r.explanation.rejected.byReason, { [code]: 1 });
    });
  }

  it('when every kind of exclusion applies across a registry, then none lists every rejection reason', () => {
    // WABA- and template-level reasons exclude every phone of the member at once; phone-level ones show where the
    // member itself is acceptable.
    const s = patch(grid({ wabas: 3, phonesPerWaba: 3 }), {
      wabas: { w2: { deleted: true } },
      phones: { w1p1: { status: 'BANNED' }, w1p2: { enabled: false } },
      templates: { w2t1: { status: 'REJECTED' }, w3t1: { category: 'UTILITY' } },
    });
    const req = { exclude: { wabaIds: ['w2'], phoneNumberIds: ['w1p3'], templateIds: ['w3t1'] } };
    const usage = { portfolios: {}, phones: { w1p3: { sentLastSecond: 90 } } };
    const r = noneOf(run(s, req, usage));
    assert.equal(r.rejected.length, 9);
    assert.deepEqual(
      new Set(r.rejected.flatMap((x) => x.reasons.map((y) => y.code))),
      new Set(REJECTION_CODES.filter((c) => c !== 'category_mismatch' && c !== 'no_messaging_limit_headroom')),
    );
    assert.deepEqual(
      r.rejected.find((x) => x.phoneNumberId === 'w3p1')?.reasons.map((x) => x.code),
      ['template_excluded', 'not_equivalent'],
    );
    assert.equal(r.explanation.rejected.total, r.explanation.candidates);
    const capped = noneOf(
      run(s, { ...req, category: 'UTILITY' }, { ...usage, portfolios: { pf1: { uniqueRecipients24h: 10_000 } } }),
    );
    assert.deepEqual(capped.explanation.rejected.byReason, {
      waba_unhealthy: 3,
      waba_excluded: 3,
      template_unhealthy: 3,
      template_excluded: 3,
      category_mismatch: 6,
    });
  });

  it('when no template of the key exists in the language, then none with no_candidates', () => {
    assert.equal(noneOf(run(grid({ wabas: 2, phonesPerWaba: 2 }), { language: 'fr' })).reason, 'no_candidates');
    assert.equal(noneOf(run(grid({ wabas: 2, phonesPerWaba: 2 }), { templateKey: 'unknown' })).reason, 'no_candidates');
  });

  it('when a group member names a template missing from the registry, then it is counted as unknown', () => {
    const s: RegistrySnapshot = {
      ...grid({ wabas: 1, phonesPerWaba: 1 }),
      groups: [
        {
          key: 'offer',
          members: [
            { wabaId: 'w9', name: 'offer', language: 'en_US' },
            { wabaId: 'w1', name: 'offer', language: 'en_US' },
          ],
        },
      ],
    };
    const r = run(s);
    assert.deepEqual([combinationOf(r).wabaId, r.explanation.unknownMembers], ['w1', 1]);
  });

  it('when hundreds of candidates are rejected, then counts cover all, none lists 50, the explanation 20', () => {
    const s = patch(grid({ wabas: 10, phonesPerWaba: 30 }), {});
    const r = noneOf(run(s, { category: 'AUTHENTICATION' }));
    assert.equal(r.rejected.length, 50);
    assert.equal(r.explanation.rejected.total, 300);
    assert.equal(r.explanation.rejected.first.length, 20);
    assert.deepEqual(r.explanation.rejected.byReason, { category_mismatch: 300 });
    assert.ok(JSON.stringify(r.explanation).length < 8_000);
  });
});

describe('resolve: portfolio messaging limit', () => {
  const full = { portfolios: { pf1: { uniqueRecipients24h: 10_000 } }, phones: {} };

  it('when the primary portfolio is full, then another portfolio is used', () => {
    const c = combinationOf(run(grid({ wabas: 2, phonesPerWaba: 1 }), {}, full));
    assert.deepEqual([c.wabaId, c.portfolioId, c.deviation], ['w2', 'pf2', 'other_waba']);
  });

  it('when the full portfolio already counts this recipient, then it costs nothing and stays primary', () => {
    const c = combinationOf(run(grid({ wabas: 2, phonesPerWaba: 1 }), {}, { ...full, recipientCountedIn: ['pf1'] }));
    assert.deepEqual([c.wabaId, c.deviation, c.capacity, c.portfolioHeadroom], ['w1', 'primary', 'already_counted', 1]);
  });

  it('when the customer-service window is open on one phone of a full portfolio, then only that phone is allowed', () => {
    const s = grid({ wabas: 1, phonesPerWaba: 3 });
    const r = run(s, {}, { ...full, openWindows: ['w1p2'] });
    assert.deepEqual([combinationOf(r).phoneNumberId, combinationOf(r).capacity], ['w1p2', 'open_window']);
    assert.equal(r.outcome === 'resolved' ? r.alternatives.length : -1, 0);
    assert.deepEqual(r.explanation.rejected.byReason, { no_messaging_limit_headroom: 2 });
  });

  it('when every WABA shares the full portfolio, then failing over does not help and none is returned', () => {
    const r = noneOf(run(grid({ wabas: 3, phonesPerWaba: 2, portfolioOf: () => 'pf1' }), {}, full));
    assert.deepEqual(r.explanation.rejected.byReason, { no_messaging_limit_headroom: 6 });
  });

  it('when the tier is NOT_SET, then 50 recipients fill it; when UNLIMITED, then never', () => {
    const used = { portfolios: { pf1: { uniqueRecipients24h: 50 } }, phones: {} };
    assert.equal(run(patch(one(), { portfolios: { pf1: { messagingTier: 'NOT_SET' } } }), {}, used).outcome, 'none');
    const unlimited = patch(one(), { portfolios: { pf1: { messagingTier: 'TIER_UNLIMITED' } } });
    assert.equal(
      run(unlimited, {}, { portfolios: { pf1: { uniqueRecipients24h: 1e9 } }, phones: {} }).outcome,
      'resolved',
    );
  });

  it('when a HIGH throughput phone sent 80 messages this second, then it still has headroom', () => {
    const s = patch(one(), { phones: { w1p1: { throughputLevel: 'HIGH' } } });
    const c = combinationOf(run(s, {}, { portfolios: {}, phones: { w1p1: { sentLastSecond: 80 } } }));
    assert.equal(c.throughputHeadroom, 0.92);
  });
});

describe('resolve: category filter', () => {
  it('when the request needs UTILITY, then only UTILITY equivalents are candidates', () => {
    const s = patch(grid({ wabas: 3, phonesPerWaba: 1 }), { templates: { w3t1: { category: 'UTILITY' } } });
    const r = run(s, { category: 'UTILITY' });
    assert.deepEqual([combinationOf(r).templateId, combinationOf(r).category], ['w3t1', 'UTILITY']);
    assert.deepEqual(r.explanation.rejected.byReason, { category_mismatch: 2 });
  });
});

describe('resolve: determinism and shape', () => {
  const s = patch(grid({ wabas: 5, phonesPerWaba: 4 }), { phones: { w1p2: { qualityRating: 'YELLOW' } } });
  const usage = { portfolios: { pf2: { uniqueRecipients24h: 9_950 } }, phones: { w1p1: { sentLastSecond: 20 } } };

  it('when the same request is resolved twice, from the snapshot or a prebuilt index, then the results are equal', () => {
    const req = { requestId: 'order-42', stickyPhoneNumberId: 'w3p1', exclude: { phoneNumberIds: ['w3p1'] } };
    const a = run(s, req, usage);
    assert.deepEqual(run(s, req, usage), a);
    assert.deepEqual(resolve(buildRequest(req), indexSnapshot(s), usage, Date.parse(NOW)), a);
  });

  it('when a result is serialised to JSON and back, then nothing is lost', () => {
    const r = run(s, {}, usage);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    const none = run(s, { category: 'UTILITY' });
    assert.deepEqual(JSON.parse(JSON.stringify(none)), none);
  });

  it('when maxAlternatives is given, then that many distinct ranked alternatives are returned', () => {
    const r = run(s, { maxAlternatives: 6 });
    assert.equal(r.outcome, 'resolved');
    if (r.outcome !== 'resolved') return;
    const all = [r.combination, ...r.alternatives];
    assert.equal(all.length, 7);
    assert.equal(new Set(all.map((c) => `${c.phoneNumberId}/${c.templateId}`)).size, 7);
    const ranks = all.map((c) => (c.verdict === 'healthy' ? 0 : 10) + c.deviationRank);
    assert.deepEqual(
      [...ranks].sort((x, y) => x - y),
      ranks,
    );
  });

  it('when now is not a valid instant, then resolve throws', () => {
    assert.throws(() => resolve(buildRequest(), s, usage, 'not a date'), RangeError);
  });
});
