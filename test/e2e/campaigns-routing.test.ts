import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign, campaignReaches, campaignStack, campaignView, digits, recipients } from '../helpers/campaigns';
import { registerWabas } from '../helpers/festive';
import type { Stack } from '../helpers/stack';

/** Sends Meta accepted for these recipients, counted by portfolio. */
function byPortfolio(stack: Stack, list: readonly { to: string }[]): Map<string, number> {
  const waIds = new Set(list.map((r) => digits(r.to)));
  const out = new Map<string, number>();
  for (const s of stack.sim.state.sends()) {
    if (waIds.has(s.recipient)) out.set(s.portfolioId, (out.get(s.portfolioId) ?? 0) + 1);
  }
  return out;
}

// festive-campaign: portfolio 1 (TIER_10K) holds the primary WABA, portfolio 2 (TIER_2K) and 3 (TIER_250) the others.
const [P1, P2] = ['100000000000001', '100000000000002'];

describe('campaigns: the routing policy (docs/capacity.md, "Routing policy")', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ scenario: 'festive-campaign' });
    await registerWabas(stack);
  });
  after(() => stack.stop());

  it("when a campaign gives no routing, then it follows the tenant's (primary-first): every send through the primary's portfolio", async () => {
    const list = recipients(150, '4477031');
    const created = await createCampaign(stack, {
      name: 'primary-first',
      template: 'festive_text',
      language: 'en_US',
      recipients: list,
    });
    await campaignReaches(stack, created.body.id, ['completed'], 180_000);
    assert.equal((await campaignView(stack, created.body.id)).routing, 'primary-first');
    assert.deepEqual([...byPortfolio(stack, list)], [[P1, 150]]);
  });

  it('when a campaign asks for spread, then the portfolios share its sends by their remaining daily headroom', async () => {
    const list = recipients(600, '4477032');
    const created = await createCampaign(stack, {
      name: 'spread',
      template: 'festive_text',
      language: 'en_US',
      recipients: list,
      routing: 'spread',
    });
    await campaignReaches(stack, created.body.id, ['completed'], 240_000);
    const view = await campaignView(stack, created.body.id);
    assert.equal(view.routing, 'spread');
    const counts = byPortfolio(stack, list);
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    assert.equal(total, 600, JSON.stringify([...counts]));
    // Headroom ~10,000 : 2,000 : 250 unique recipients: portfolio 2's fair share is ~16 % (96 of 600). Under
    // primary-first it would carry none; the bound leaves room for the hash's variance (σ ≈ 9 sends).
    const p2 = counts.get(P2) ?? 0;
    assert.ok(p2 >= 50 && p2 <= 150, `portfolio 2 carried ${p2} of 600: ${JSON.stringify([...counts])}`);
    assert.ok((counts.get(P1) ?? 0) >= 420, `portfolio 1 carried most: ${JSON.stringify([...counts])}`);
  });

  it('when routing is not a policy, then 400 names the field', async () => {
    const r = await stack.api('POST', '/v1/campaigns', {
      name: 'bad routing',
      template: 'festive_text',
      language: 'en_US',
      routing: 'round-robin',
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(JSON.stringify(r.body), /routing/);
  });
});
