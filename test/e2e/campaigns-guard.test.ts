import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadScenario } from '../../src/simulator';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  campaignView,
  digits,
  MINIMAL,
  recipients,
} from '../helpers/campaigns';
import type { Stack } from '../helpers/stack';

/**
 * The campaign quality guard (docs/capacity.md, "Quality guard"): a list that is 40 % numbers not on WhatsApp
 * (the simulator fails each of them with 131026, asynchronously, as Meta does) pauses the campaign itself, with
 * the reason in its view, within its first 500 sends.
 */

const list = recipients(1000, '4477018');
const invalid = new Set(list.filter((_, i) => i % 5 < 2).map((r) => digits(r.to)));

describe('campaigns: the quality guard', () => {
  let stack: Stack;
  before(async () => {
    const minimal = loadScenario('minimal');
    stack = await campaignStack({
      scenario: {
        ...minimal,
        customers: [...minimal.customers, ...[...invalid].map((waId) => ({ waId, onWhatsApp: false }))],
      },
    });
    const r = await stack.api('POST', '/v1/wabas', { id: MINIMAL.waba, accessToken: MINIMAL.token });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(() => stack.stop());

  it('when 40 % of the list are invalid numbers, then the campaign pauses itself within its first 500 sends, with the reason', async () => {
    const waIds = new Set(list.map((r) => digits(r.to)));
    const created = await createCampaign(stack, {
      name: 'bad list',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      maxPerSecond: 100,
      guard: { maxFailureRate: 0.25 },
    });
    const id = created.body.id as string;
    const paused = await campaignReaches(stack, id, ['paused', 'completed'], 120_000);
    assert.equal(paused.status, 'paused', JSON.stringify(paused.counts));
    assert.match(paused.statusReason, /^quality guard: \d+ of the last \d+ sends failed or were blocked/);
    const sends = () => stack.sim.state.sends().filter((s) => waIds.has(s.recipient)).length;
    const atPause = sends();
    assert.ok(atPause <= 500, `paused after ${atPause} sends`);
    assert.ok(paused.counts.failed > 0 && paused.failuresByReason.undeliverable > 0, JSON.stringify(paused));

    // It stays paused (the reason with it) and sends nothing more until someone resumes it.
    await new Promise((r) => setTimeout(r, 1500));
    const later = await campaignView(stack, id);
    assert.equal(later.status, 'paused');
    assert.equal(later.statusReason, paused.statusReason);
    assert.ok(sends() - atPause <= 20, `sent ${sends() - atPause} after the pause`);
    assert.ok(later.counts.accepted > 0, 'the rest of the list is still queued, not failed');
  });

  it('when a campaign sets maxFailureRate to 1, then the guard never pauses it', async () => {
    const created = await createCampaign(stack, {
      name: 'guard off',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list.slice(0, 300),
      guard: { maxFailureRate: 1 },
    });
    const done = await campaignReaches(stack, created.body.id, ['completed', 'paused'], 180_000);
    assert.equal(done.status, 'completed', done.statusReason);
    assert.equal(done.counts.failed, 120, JSON.stringify(done.failuresByReason));
  });
});
