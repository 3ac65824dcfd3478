import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../../src/domain/health';
import type { PhoneNumber, RegistrySnapshot, Template, Waba } from '../../src/domain/registry';
import {
  type Combination,
  REJECTION_CODES,
  type RejectionCode,
  type ResolveRequest,
  type UsageSnapshot,
  indexSnapshot,
  resolve,
} from '../../src/domain/resolver';
import { templateShape } from '../../src/domain/resolver/equivalence';
import { messagingLimit, throughputLimit } from '../../src/domain/tiers';
import { NOW, buildRequest, grid, scenarioArb } from './arbitraries';

/**
 * Brute-force oracle: every (WABA, phone, template) candidate with the reasons the spec gives for excluding it,
 * and its deviation rank, computed straight from docs/resolver.md without the resolver's index or scan.
 */
interface Judged {
  waba: Waba;
  phone: PhoneNumber;
  template: Template;
  reasons: RejectionCode[];
  degraded: boolean;
  rank: number;
}

function oracle(s: RegistrySnapshot, req: ResolveRequest, usage: UsageSnapshot): Judged[] {
  const wabaOrder = s.wabas.map((w) => w.id);
  const group = s.groups.find((g) => g.key === req.templateKey && g.members.some((m) => m.language === req.language));
  const found = group
    ? group.members
        .filter((m) => m.language === req.language)
        .map((m) => s.templates.find((t) => t.wabaId === m.wabaId && t.name === m.name && t.language === m.language))
    : s.templates
        .filter((t) => t.name === req.templateKey && t.language === req.language && wabaOrder.includes(t.wabaId))
        .sort((a, b) => wabaOrder.indexOf(a.wabaId) - wabaOrder.indexOf(b.wabaId));
  const templates = [...new Set(found.filter((t): t is Template => t !== undefined))];

  const phoneById = (id: string | null | undefined) => s.phoneNumbers.find((p) => p.id === id);
  const preferredPhone = phoneById(req.prefer?.phoneNumberId);
  const preferredWaba = s.wabas.find((w) => w.id === req.prefer?.wabaId)?.id;
  const primaryWaba = preferredPhone?.wabaId ?? preferredWaba ?? templates[0]?.wabaId;
  const primaryTemplate = templates.find((t) => t.wabaId === primaryWaba);
  const enabledPriorities = s.phoneNumbers.filter((p) => p.wabaId === primaryWaba && p.enabled).map((p) => p.priority);
  const bestPriority = Math.min(...enabledPriorities);
  const isPrimaryPhone = (p: PhoneNumber) =>
    preferredPhone ? p === preferredPhone : p.enabled && p.priority === bestPriority;
  const sticky = phoneById(req.stickyPhoneNumberId);
  // Equivalence: the primary template's shape, else the first template's of the requested category.
  const fits = (t: Template | undefined) => t !== undefined && (!req.category || t.category === req.category);
  const reference = fits(primaryTemplate) ? primaryTemplate : templates.find(fits);
  const shape = reference ? templateShape(reference) : null;

  const out: Judged[] = [];
  for (const template of templates) {
    const waba = s.wabas.find((w) => w.id === template.wabaId)!;
    const limit = messagingLimit(s.portfolios.find((p) => p.id === waba.portfolioId)?.messagingTier ?? 'NOT_SET');
    const used = usage.portfolios[waba.portfolioId]?.uniqueRecipients24h ?? 0;
    for (const phone of s.phoneNumbers.filter((p) => p.wabaId === waba.id)) {
      const h = [evaluateWaba(waba, NOW), evaluatePhoneNumber(phone, NOW), evaluateTemplate(template, NOW)];
      const reasons: [boolean, RejectionCode][] = [
        [h[0]!.verdict === 'unhealthy', 'waba_unhealthy'],
        [!!req.exclude?.wabaIds?.includes(waba.id), 'waba_excluded'],
        [h[2]!.verdict === 'unhealthy', 'template_unhealthy'],
        [!!req.exclude?.templateIds?.includes(template.id), 'template_excluded'],
        [!!req.category && req.category !== template.category, 'category_mismatch'],
        [
          !(req.category && req.category !== template.category) && shape !== null && templateShape(template) !== shape,
          'not_equivalent',
        ],
        [h[1]!.verdict === 'unhealthy', 'phone_unhealthy'],
        [!phone.enabled, 'phone_disabled'],
        [!!req.exclude?.phoneNumberIds?.includes(phone.id), 'phone_excluded'],
        [
          (usage.phones[phone.id]?.sentLastSecond ?? 0) >= throughputLimit(phone.throughputLevel),
          'no_throughput_headroom',
        ],
        [
          used >= limit &&
            !usage.recipientCountedIn?.includes(waba.portfolioId) &&
            !usage.openWindows?.includes(phone.id),
          'no_messaging_limit_headroom',
        ],
      ];
      const rank =
        phone === sticky
          ? 0
          : waba.id !== primaryWaba
            ? 4
            : template !== primaryTemplate
              ? 3
              : isPrimaryPhone(phone)
                ? 1
                : 2;
      const degraded = h.some((x) => x.verdict === 'degraded');
      // A candidate its WABA or template excludes lists only those reasons (the first six codes).
      const hits = reasons.filter(([hit]) => hit).map(([, c]) => c);
      const memberLevel = hits.filter((c) => REJECTION_CODES.indexOf(c) < 6);
      out.push({ waba, phone, template, reasons: memberLevel.length > 0 ? memberLevel : hits, degraded, rank });
    }
  }
  return out;
}

const key = (x: { phoneNumberId: string; templateId: string }) => `${x.phoneNumberId}/${x.templateId}`;
const order = (j: Pick<Judged, 'degraded' | 'rank'>) => (j.degraded ? 10 : 0) + j.rank;
const scenario = scenarioArb;

describe('resolve: properties', () => {
  it('when resolved, then every returned combination is eligible, consistent and never unhealthy or excluded', () => {
    fc.assert(
      fc.property(scenario, ({ s, req, usage }) => {
        const r = resolve(req, s, usage, NOW);
        if (r.outcome !== 'resolved') return;
        const judged = new Map(
          oracle(s, req, usage).map((j) => [key({ phoneNumberId: j.phone.id, templateId: j.template.id }), j]),
        );
        for (const c of [r.combination, ...r.alternatives]) {
          const j = judged.get(key(c));
          assert.ok(j, `unknown candidate ${key(c)}`);
          assert.deepEqual(j.reasons, [], `${key(c)} should have been rejected`);
          assert.equal(j.phone.wabaId, c.wabaId);
          assert.equal(j.template.wabaId, c.wabaId);
          assert.equal(j.waba.portfolioId, c.portfolioId);
          assert.equal(c.deviationRank, j.rank);
          assert.equal(c.verdict, j.degraded ? 'degraded' : 'healthy');
        }
        assert.equal(new Set([r.combination, ...r.alternatives].map(key)).size, r.alternatives.length + 1);
      }),
      { numRuns: 400 },
    );
  });

  it('when a healthy, permitted combination exists, then one is returned, and it ranks best', () => {
    fc.assert(
      fc.property(scenario, ({ s, req, usage }) => {
        const judged = oracle(s, req, usage);
        const eligible = judged.filter((j) => j.reasons.length === 0);
        const r = resolve(req, s, usage, NOW);
        assert.equal(r.outcome, eligible.length > 0 ? 'resolved' : 'none');
        if (r.outcome === 'resolved') {
          const best = Math.min(...eligible.map(order));
          assert.equal(
            order({ degraded: r.combination.verdict === 'degraded', rank: r.combination.deviationRank }),
            best,
          );
          const orders = [r.combination, ...r.alternatives].map((c) =>
            order({ degraded: c.verdict === 'degraded', rank: c.deviationRank }),
          );
          assert.deepEqual(
            [...orders].sort((a, b) => a - b),
            orders,
          );
        }
      }),
      { numRuns: 400 },
    );
  });

  it('when none, then every candidate is counted and the first 50 listed with exactly the reasons that exclude them', () => {
    fc.assert(
      fc.property(scenario, ({ s, req, usage }) => {
        const r = resolve(req, s, usage, NOW);
        if (r.outcome !== 'none') return;
        const expected = oracle(s, req, usage).map(
          (j) => [key({ phoneNumberId: j.phone.id, templateId: j.template.id }), j.reasons] as const,
        );
        const actual = r.rejected.map((x) => [key(x), x.reasons.map((y) => y.code)] as const);
        const want = new Map(expected);
        for (const [k, codes] of actual) assert.deepEqual(codes, want.get(k), k);
        assert.equal(actual.length, Math.min(50, expected.length));
        assert.equal(r.explanation.rejected.total, expected.length);
        assert.equal(r.reason, expected.length === 0 ? 'no_candidates' : 'all_rejected');
      }),
      { numRuns: 400 },
    );
  });

  it('when resolved from the snapshot or from its index, then the results are identical', () => {
    fc.assert(
      fc.property(scenario, ({ s, req, usage }) => {
        assert.deepEqual(resolve(req, indexSnapshot(s), usage, NOW), resolve(req, s, usage, NOW));
      }),
      { numRuns: 200 },
    );
  });

  it('when many requests meet equally good candidates, then each is chosen and none above 2x its fair share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 1, max: 3 }),
        fc.string({ maxLength: 6 }),
        (phones, wabas, prefix) => {
          // Equal candidates: same rank (the primary WABA's phones) — with several WABAs only the first is primary.
          const index = indexSnapshot(grid({ wabas, phonesPerWaba: phones }));
          const n = 150 * phones;
          const counts = new Map<string, number>();
          for (let i = 0; i < n; i++) {
            const r = resolve(buildRequest({ requestId: `${prefix}${i}` }), index, { portfolios: {}, phones: {} }, NOW);
            const c = (r as { combination: Combination }).combination;
            counts.set(c.phoneNumberId, (counts.get(c.phoneNumberId) ?? 0) + 1);
          }
          assert.equal(counts.size, phones);
          for (const [id, count] of counts) assert.ok(count <= (2 * n) / phones, `${id} chosen ${count}/${n}`);
        },
      ),
      { numRuns: 30 },
    );
  });
});
