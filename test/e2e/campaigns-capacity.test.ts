import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  campaignView,
  digits,
  portfolioScenario,
  received,
  recipients,
  TEST_CAMPAIGN_SETTINGS,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

/**
 * Campaign capacity (docs/capacity.md, "Campaigns"): a campaign larger than its portfolios' daily limits sends
 * what fits, waits durably (`waiting_for_capacity`) and finishes as the 24 h window rolls — on a test clock that
 * moves the simulator's and Lifeline's time together — or as soon as Meta raises a tier.
 */

const DAY = 86_400_000;

async function capacityStack(portfolios: number, tier: string, campaigns: Record<string, unknown> = {}) {
  const stack = await campaignStack({
    scenario: portfolioScenario(portfolios, tier),
    settings: { campaigns: { ...TEST_CAMPAIGN_SETTINGS, batchSize: 250, ...campaigns } },
  });
  for (let i = 0; i < portfolios; i++) {
    const r = await stack.api('POST', '/v1/wabas', {
      id: String(200000000000910 + i),
      accessToken: `EAAG-capacity-${i}`,
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return stack;
}

const sentBy = (stack: Stack, waIds: ReadonlySet<string>) =>
  stack.sim.state.sends().filter((s) => waIds.has(s.recipient) && s.templateName === 'hello_offer');

describe('campaigns: two TIER_1K portfolios and 3,000 recipients, two workers', () => {
  let stack: Stack;
  let second: { stop(): Promise<void> };
  before(async () => {
    stack = await capacityStack(2, 'TIER_1K');
    second = await stack.startSecondWorker();
  });
  after(async () => {
    await second?.stop();
    await stack.stop();
  });

  it('when the list is larger than both daily limits, then 2,000 are sent, the rest wait for capacity (never failed), and all are sent once the window rolls', async () => {
    const list = recipients(3000, '4477016');
    const waIds = new Set(list.map((r) => digits(r.to)));
    const created = await createCampaign(stack, {
      name: 'bigger than today',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      start: false,
    });
    const id = created.body.id as string;

    // Before it starts: the plan says what today's windows carry, and when the rest can go.
    const draft = await campaignView(stack, id);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.capacity.sendableNow, 2000, JSON.stringify(draft.capacity));
    assert.equal(draft.capacity.waitingForWindow, 1000);
    assert.deepEqual(Object.values(draft.capacity.perPortfolio), [1000, 1000]);
    const draftEta = Date.parse(draft.eta);
    assert.ok(draftEta >= stack.now() + DAY && draftEta < stack.now() + DAY + 3_600_000, `eta ${draft.eta}`);

    assert.equal((await stack.api('POST', `/v1/campaigns/${id}/start`)).status, 202);
    const waiting = await campaignReaches(stack, id, ['waiting_for_capacity'], 600_000);
    assert.match(waiting.statusReason, /daily limit/);
    await waitFor(
      async (note) => {
        const v = await campaignView(stack, id);
        note(v.counts);
        return v.counts.delivered + v.counts.read === 2000 ? v : undefined;
      },
      '2,000 delivered',
      60_000,
    );
    // A while later: still waiting, nothing more sent, nothing failed — capacity is never a failure.
    await new Promise((r) => setTimeout(r, 2000));
    const held = await campaignView(stack, id);
    assert.equal(held.status, 'waiting_for_capacity');
    assert.equal(held.counts.accepted, 1000, JSON.stringify(held.counts));
    assert.equal(held.counts.failed, 0, JSON.stringify(held.failuresByReason));
    assert.equal(sentBy(stack, waIds).length, 2000);
    const perPortfolio = new Map<string, Set<string>>();
    for (const s of sentBy(stack, waIds)) {
      perPortfolio.set(s.portfolioId, (perPortfolio.get(s.portfolioId) ?? new Set()).add(s.recipient));
    }
    assert.deepEqual(
      [...perPortfolio.values()].map((r) => r.size),
      [1000, 1000],
      'each portfolio reached exactly its limit',
    );
    assert.ok(held.capacity.resumeAt, 'the plan knows when capacity returns');
    assert.ok(Date.parse(held.capacity.resumeAt) > stack.now() + DAY - 3_600_000, held.capacity.resumeAt);
    assert.ok(Date.parse(held.eta) >= Date.parse(held.capacity.resumeAt), `eta ${held.eta}`);

    // The window rolls (both clocks, a day and a few minutes on): the campaign resumes by itself and finishes.
    await stack.advanceClock(DAY + 3 * 60_000);
    const done = await campaignReaches(stack, id, ['completed'], 600_000);
    assert.equal(done.counts.delivered + done.counts.read, 3000, JSON.stringify(done.counts));
    assert.equal(done.counts.failed, 0, JSON.stringify(done.failuresByReason));
    assert.equal(done.eta, null);
    assert.deepEqual([...new Set(received(stack, [...waIds], 'hello_offer').values())], [1], 'each customer got one');
  });
});

describe('campaigns: a tier upgrade while waiting for capacity', () => {
  let stack: Stack;
  before(async () => {
    // The campaign asks the plan only every 10 minutes on its own: only the tier webhook can wake it in time.
    stack = await capacityStack(1, 'TIER_250', { capacityRecheck: '10m' });
  });
  after(() => stack.stop());

  it('when Meta raises the portfolio’s tier, then the waiting campaign resumes at once, without the window rolling', async () => {
    const list = recipients(400, '4477017');
    const waIds = new Set(list.map((r) => digits(r.to)));
    const created = await createCampaign(stack, {
      name: 'tier upgrade',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
    });
    const id = created.body.id as string;
    await campaignReaches(stack, id, ['waiting_for_capacity'], 120_000);
    assert.equal(sentBy(stack, waIds).length, 250);
    assert.equal((await campaignView(stack, id)).capacity.sendableNow, 0);

    await stack.control.setPortfolioTier('100000000000910', 'TIER_1K');
    const done = await campaignReaches(stack, id, ['completed'], 120_000);
    assert.equal(done.counts.delivered + done.counts.read, 400, JSON.stringify(done.counts));
    assert.equal(done.counts.failed, 0, JSON.stringify(done.failuresByReason));
    assert.equal(sentBy(stack, waIds).length, 400, 'each customer once');
  });
});
