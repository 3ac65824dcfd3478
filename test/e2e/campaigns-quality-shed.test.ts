import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  digits,
  portfolioScenario,
  recipients,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

/**
 * Quality shedding mid-campaign (docs/capacity.md, "Quality shedding"): a number or template Meta rates YELLOW while
 * a campaign runs gets no more of its traffic once the registry knows it — new chunks resolve healthy parts first,
 * and a send planned before the change is handed back at send time — so the rest goes through GREEN equivalents.
 */

const WABA0 = '200000000000910';
const WABA1 = '200000000000911';
const PHONE_A = '300000000000910';
const PHONE_B = '300000000000911';
const TEMPLATE0 = '400000000000910';
const TEMPLATE1 = '400000000000911';
/**
 * Sends that may still go through the changed part: past their last check when the change lands, or checked on a
 * snapshot from before it (at most 50 ms old) — a few at the test's 40 sends/s; 16 for each of the 4 batches is ample.
 */
const IN_FLIGHT = 4 * 16;

describe('campaigns: a number or template turning YELLOW mid-campaign sheds its traffic', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ scenario: portfolioScenario(2, 'TIER_UNLIMITED') });
    for (const [i, id] of [WABA0, WABA1].entries()) {
      const r = await stack.api('POST', '/v1/wabas', { id, accessToken: `EAAG-capacity-${i}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(() => stack.stop());

  /** Runs a campaign, applies `change` once `after` sends went out, and returns the sends before and after it. */
  async function campaignWithChange(prefix: string, resourceId: string, change: () => Promise<unknown>) {
    const list = recipients(500, prefix);
    const waIds = new Set(list.map((r) => digits(r.to)));
    const sends = () => stack.sim.state.sends().filter((s) => waIds.has(s.recipient));
    const created = await createCampaign(stack, {
      name: `shed ${resourceId}`,
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      maxPerSecond: 40,
    });
    await waitFor(async () => sends().length >= 100, '100 sends', 120_000);
    const changedAt = new Date();
    await change();
    // Applied once the health change is recorded (the registry version moved with it).
    await waitFor(
      async () =>
        (
          await stack.db.pool.query(
            `SELECT 1 FROM health_changes WHERE resource_id = $1 AND at >= $2 AND change::text LIKE '%YELLOW%'`,
            [resourceId, changedAt],
          )
        ).rowCount,
      `${resourceId} YELLOW applied`,
      30_000,
    );
    const atChange = sends().length;
    const done = await campaignReaches(stack, created.body.id, ['completed'], 300_000);
    assert.equal(done.counts.delivered + done.counts.read, 500, JSON.stringify(done.counts));
    const all = sends();
    assert.ok(all.length - atChange - IN_FLIGHT >= 100, `${all.length - atChange} sends after the change`);
    return { before: all.slice(0, atChange), after: all.slice(atChange + IN_FLIGHT), atChange, total: all.length };
  }

  it('when a number turns YELLOW, then the rest of the campaign goes through GREEN numbers, first of the same WABA', async () => {
    // Meta announces no webhook for GREEN → YELLOW of a number: the registry's poll learns it (here on demand,
    // through the same path as the scheduled refresh).
    const { before, after, atChange, total } = await campaignWithChange('4477020', PHONE_A, async () => {
      await stack.control.setPhoneQuality(PHONE_A, 'YELLOW');
      const synced = await stack.api('POST', `/v1/wabas/${WABA0}/sync`);
      assert.equal(synced.status, 200, JSON.stringify(synced.body));
    });
    const late = after.flatMap((s, i) => (s.phoneNumberId === PHONE_A ? [i + IN_FLIGHT] : []));
    assert.deepEqual(late, [], `sends through the YELLOW number after the change (of ${total}, change at ${atChange})`);
    assert.ok(
      before.some((s) => s.phoneNumberId === PHONE_A),
      'the number carried traffic before it turned YELLOW',
    );
    // Its GREEN sibling takes over (and, when that one is out of headroom, the GREEN numbers of the other WABA).
    assert.ok(
      after.some((s) => s.phoneNumberId === PHONE_B),
      'the GREEN number of the same WABA carried the rest',
    );
  });

  it('when a template turns YELLOW, then the rest of the campaign goes through the GREEN equivalent of another WABA', async () => {
    const { before, after } = await campaignWithChange('4477021', TEMPLATE0, () =>
      stack.control.setTemplateQuality(TEMPLATE0, 'YELLOW'),
    );
    assert.ok(
      before.some((s) => s.templateId === TEMPLATE0),
      'the template carried traffic before it turned YELLOW',
    );
    assert.deepEqual([...new Set(after.map((s) => s.templateId))], [TEMPLATE1]);
    assert.deepEqual([...new Set(after.map((s) => s.wabaId))], [WABA1]);
  });
});
