import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Combination, resolve } from '../../src/domain/resolver';
import type { RegistrySnapshot } from '../../src/domain/registry';
import {
  NOW,
  buildRequest,
  buildTemplate,
  combinationOf,
  emptyUsage,
  grid,
  patch,
  type GridOptions,
} from './arbitraries';

/** Ranking rules (docs/resolver.md). Registries come from `grid`: WABAs w1..wN, phones w<i>p<j>, template w<i>t1. */

const run = (s: RegistrySnapshot, req = {}, usage = emptyUsage()) => resolve(buildRequest(req), s, usage, NOW);
const pick = (s: RegistrySnapshot, req = {}, usage = emptyUsage()): Combination => combinationOf(run(s, req, usage));
const g = (o: Partial<GridOptions> = {}) => grid({ wabas: 3, phonesPerWaba: 3, ...o });

describe('resolve: deviation ranks', () => {
  it('when everything is healthy and nothing is preferred, then a primary combination of the first WABA is chosen', () => {
    const c = pick(g());
    assert.equal(c.deviation, 'primary');
    assert.equal(c.deviationRank, 1);
    assert.equal(c.wabaId, 'w1');
    assert.equal(c.templateId, 'w1t1');
    assert.equal(c.verdict, 'healthy');
  });

  it('when the contact has an eligible sticky phone, then it wins over the primary combination', () => {
    const c = pick(g(), { stickyPhoneNumberId: 'w2p3' });
    assert.deepEqual([c.deviation, c.phoneNumberId, c.templateId], ['sticky', 'w2p3', 'w2t1']);
  });

  it('when the sticky phone is unhealthy, then the primary is chosen and the explanation says why', () => {
    const r = run(patch(g(), { phones: { w2p3: { status: 'BANNED' } } }), { stickyPhoneNumberId: 'w2p3' });
    assert.equal(combinationOf(r).deviation, 'primary');
    assert.deepEqual(r.explanation.rejected.first[0]?.reasons[0]?.healthCodes, ['phone_banned']);
    assert.match(r.explanation.chosen?.why ?? '', /better-ranked candidates rejected: phone_unhealthy ×1/);
  });

  it('when prefer names a phone, then that phone and its own WABA are primary (over prefer.wabaId)', () => {
    const c = pick(g(), { prefer: { wabaId: 'w3', phoneNumberId: 'w2p2' } });
    assert.deepEqual([c.deviation, c.phoneNumberId, c.templateId], ['primary', 'w2p2', 'w2t1']);
  });

  it('when prefer names only a WABA, then its best-priority phones are primary', () => {
    const c = pick(g(), { prefer: { wabaId: 'w3' } });
    assert.deepEqual([c.deviation, c.wabaId], ['primary', 'w3']);
  });

  it('when prefer names unknown resources, then the first group member is primary', () => {
    assert.equal(pick(g(), { prefer: { wabaId: 'nope', phoneNumberId: 'nope' } }).wabaId, 'w1');
  });

  it('when the preferred phone is unavailable, then another phone of the same WABA with the same template', () => {
    const s = patch(g(), { phones: { w1p1: { throttledUntil: '2026-05-01T12:00:05.000Z' } } });
    const c = pick(s, { prefer: { phoneNumberId: 'w1p1' } });
    assert.deepEqual([c.deviation, c.wabaId, c.templateId], ['same_waba_other_phone', 'w1', 'w1t1']);
  });

  it('when phones have operator priorities, then the lowest priority is primary and the others rank after it', () => {
    const s = patch(g(), { phones: { w1p1: { priority: 5 }, w1p2: { priority: 1 }, w1p3: { priority: 3 } } });
    const r = run(s, { maxAlternatives: 2 });
    const ranked = [combinationOf(r), ...(r.outcome === 'resolved' ? r.alternatives : [])];
    assert.deepEqual(
      ranked.map((c) => [c.phoneNumberId, c.deviation]),
      [
        ['w1p2', 'primary'],
        ['w1p3', 'same_waba_other_phone'],
        ['w1p1', 'same_waba_other_phone'],
      ],
    );
    assert.deepEqual(r.explanation.primary.phoneNumberIds, ['w1p2']);
  });

  it('when the best-priority phone is disabled, then the best enabled priority defines the primary phones', () => {
    const s = patch(g(), { phones: { w1p1: { priority: -1, enabled: false }, w1p3: { priority: 1 } } });
    assert.deepEqual(run(s).explanation.primary.phoneNumberIds, ['w1p2']);
  });

  it('when the primary template is paused and the group lists another template of the same WABA, then that one', () => {
    const base = g({ templatesPerWaba: 2 });
    const s: RegistrySnapshot = {
      ...patch(base, { templates: { w1t1: { status: 'PAUSED' } } }),
      groups: [
        {
          key: 'offer',
          members: [
            { wabaId: 'w1', name: 'offer', language: 'en_US' },
            { wabaId: 'w1', name: 'extra2', language: 'en_US' },
            { wabaId: 'w2', name: 'offer', language: 'en_US' },
          ],
        },
      ],
    };
    const c = pick(s);
    assert.deepEqual(
      [c.deviation, c.wabaId, c.templateId, c.templateName],
      ['same_waba_other_template', 'w1', 'w1t2', 'extra2'],
    );
  });

  it('when the primary WABA is banned, then another WABA, in group order', () => {
    const s: RegistrySnapshot = {
      ...patch(g(), { wabas: { w1: { banState: 'DISABLE' } } }),
      groups: [
        { key: 'offer', members: ['w1', 'w3', 'w2'].map((wabaId) => ({ wabaId, name: 'offer', language: 'en_US' })) },
      ],
    };
    const c = pick(s);
    assert.deepEqual([c.deviation, c.wabaId], ['other_waba', 'w3']);
  });

  it('when a group maps the key to differently named templates, then each WABA uses its own name', () => {
    const s: RegistrySnapshot = {
      ...g({ wabas: 2 }),
      templates: [
        buildTemplate({ id: 'a', wabaId: 'w1', name: 'sale_v1' }),
        buildTemplate({ id: 'b', wabaId: 'w2', name: 'sale_v2' }),
      ],
      groups: [
        {
          key: 'sale',
          members: [
            { wabaId: 'w2', name: 'sale_v2', language: 'en_US' },
            { wabaId: 'w1', name: 'sale_v1', language: 'en_US' },
          ],
        },
      ],
    };
    const c = pick(s, { templateKey: 'sale' });
    assert.deepEqual([c.wabaId, c.templateName, c.deviation], ['w2', 'sale_v2', 'primary']);
  });

  it('when a group does not list the requested language, then same-name templates in that language are equivalent', () => {
    const base = g({ wabas: 2 });
    const s: RegistrySnapshot = {
      ...base,
      templates: [...base.templates, buildTemplate({ id: 'es2', wabaId: 'w2', language: 'es' })],
      groups: [{ key: 'offer', members: [{ wabaId: 'w1', name: 'offer', language: 'en_US' }] }],
    };
    const r = run(s, { language: 'es' });
    assert.deepEqual([combinationOf(r).templateId, r.explanation.equivalence], ['es2', 'same_name']);
    assert.equal(run(s).explanation.equivalence, 'group');
  });
});

describe('resolve: order within a rank', () => {
  it('when a primary phone is YELLOW and another GREEN, then GREEN first and YELLOW last (degraded)', () => {
    const s = patch(g({ wabas: 1, phonesPerWaba: 2 }), { phones: { w1p1: { qualityRating: 'YELLOW' } } });
    for (const requestId of ['a', 'b', 'c', 'd', 'e', 'f']) assert.equal(pick(s, { requestId }).phoneNumberId, 'w1p2');
    const r = run(s);
    const yellow = r.outcome === 'resolved' ? r.alternatives[0] : undefined;
    assert.deepEqual(
      [yellow?.phoneNumberId, yellow?.verdict, yellow?.reasons[0]?.code],
      ['w1p1', 'degraded', 'phone_quality_yellow'],
    );
  });

  it('when the primary template is YELLOW and another WABA has a GREEN one, then traffic moves to the GREEN one', () => {
    const r = run(patch(g(), { templates: { w1t1: { qualityScore: 'YELLOW' } } }));
    assert.deepEqual(
      [combinationOf(r).wabaId, combinationOf(r).deviation, combinationOf(r).verdict],
      ['w2', 'other_waba', 'healthy'],
    );
    assert.match(r.explanation.chosen?.why ?? '', /3 degraded candidate\(s\) of better rank passed over/);
  });

  it('when the sticky phone is YELLOW and a GREEN primary exists, then healthy comes first: the primary', () => {
    const c = pick(patch(g(), { phones: { w2p3: { qualityRating: 'YELLOW' } } }), { stickyPhoneNumberId: 'w2p3' });
    assert.deepEqual([c.deviation, c.verdict], ['primary', 'healthy']);
  });

  it('when every equivalent is degraded, then least deviation decides among them', () => {
    const c = pick(patch(g(), { wabas: { w1: { stale: true }, w2: { stale: true }, w3: { stale: true } } }), {
      stickyPhoneNumberId: 'w3p1',
    });
    assert.deepEqual(
      [c.phoneNumberId, c.deviation, c.verdict, c.reasons[0]?.code],
      ['w3p1', 'sticky', 'degraded', 'stale'],
    );
  });

  it('when other WABAs differ in template quality, then GREEN before UNKNOWN before YELLOW, whatever the group order', () => {
    const s = patch(g({ wabas: 4 }), {
      wabas: { w1: { deleted: true } },
      templates: { w2t1: { qualityScore: 'YELLOW' }, w3t1: { qualityScore: 'UNKNOWN' } },
    });
    const r = run(s, { maxAlternatives: 8 });
    const order = [combinationOf(r), ...(r.outcome === 'resolved' ? r.alternatives : [])].map((c) => c.wabaId);
    assert.deepEqual([...new Set(order)], ['w4', 'w3', 'w2']);
  });

  it('when the next WABA in group order is in a portfolio near its limit, then a portfolio with headroom ranks first', () => {
    const s = patch(g(), { wabas: { w1: { offboarded: true } } });
    const usage = { portfolios: { pf2: { uniqueRecipients24h: 9_500 } }, phones: {} };
    const c = pick(s, {}, usage);
    assert.deepEqual([c.wabaId, c.portfolioId, c.portfolioHeadroom], ['w3', 'pf3', 1]);
    // Without pressure, group order decides.
    assert.equal(pick(s).wabaId, 'w2');
  });

  it('when failing over inside the same portfolio, then headroom is shared and the explanation shows it', () => {
    const s = patch(g({ portfolioOf: () => 'pf1' }), { wabas: { w1: { offboarded: true } } });
    const c = pick(s, {}, { portfolios: { pf1: { uniqueRecipients24h: 9_990 } }, phones: {} });
    assert.equal(c.portfolioHeadroom, 0.001);
    const r = run(s, {}, { portfolios: { pf1: { uniqueRecipients24h: 9_990 } }, phones: {} });
    assert.match(r.explanation.chosen?.why ?? '', /portfolio near its messaging limit/);
  });

  it('when equal candidates differ in throughput headroom, then the emptier number carries proportionally more', () => {
    const s = g({ wabas: 1, phonesPerWaba: 2 });
    const usage = { portfolios: {}, phones: { w1p1: { sentLastSecond: 72 } } };
    const counts: Record<string, number> = {};
    for (let i = 0; i < 1_000; i++) {
      const id = pick(s, { requestId: `m${i}` }, usage).phoneNumberId;
      counts[id] = (counts[id] ?? 0) + 1;
    }
    // Weights 0.1 : 1 → about 9% : 91%.
    assert.ok((counts.w1p1 ?? 0) > 30 && (counts.w1p1 ?? 0) < 200, JSON.stringify(counts));
  });

  it('when candidates are equal, then the same request always gets the same one and different requests spread', () => {
    const s = g({ wabas: 1, phonesPerWaba: 4 });
    const first = pick(s, { requestId: 'x' }).phoneNumberId;
    for (let i = 0; i < 5; i++) assert.equal(pick(s, { requestId: 'x' }).phoneNumberId, first);
    const chosen = new Set(Array.from({ length: 40 }, (_, i) => pick(s, { requestId: `r${i}` }).phoneNumberId));
    assert.equal(chosen.size, 4);
  });

  it('when the first other WABA already fills the ranking, then the remaining WABAs are not evaluated', () => {
    const r = run(patch(grid({ wabas: 50, phonesPerWaba: 5 }), { wabas: { w1: { deleted: true } } }));
    assert.deepEqual([combinationOf(r).wabaId, r.explanation.candidates], ['w2', 250]);
    assert.equal(r.explanation.evaluated, 10); // w1's 5 rejected phones, then w2's 5 phones
  });
});
