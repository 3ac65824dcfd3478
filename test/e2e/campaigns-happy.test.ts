import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createCampaign,
  allRecipients,
  campaignReaches,
  campaignStack,
  campaignView,
  digits,
  explainStuck,
  received,
  recipients,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

describe('campaigns: the healthy path', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack();
  });
  after(() => stack.stop());

  it('when 1,000 healthy recipients are sent, then every one is delivered and each customer got exactly one message', async () => {
    const list = recipients(1000);
    const created = await createCampaign(stack, {
      name: 'Diwali 2026',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      idempotencyKey: 'diwali-1000',
    });
    assert.equal(created.body.added, 1000);
    await campaignReaches(stack, created.body.id, ['completed'], 240_000);
    // Every send accepted ends the round; a status the receiver was too busy to take is retried by Meta and
    // folds a little later (docs/meta-cloud-api.md, "Delivery"): wait for the last delivery, and say where any is stuck.
    const done = await waitFor(
      async (note) => {
        const v = await campaignView(stack, created.body.id);
        note(v.counts);
        return v.counts.delivered + v.counts.read === 1000 ? v : undefined;
      },
      'every delivery folded',
      60_000,
    ).catch(async (err: unknown) =>
      assert.fail(`${(err as Error).message}: ${await explainStuck(stack, created.body.id)}`),
    );
    assert.equal(done.counts.total, 1000);
    assert.deepEqual(done.failuresByReason, {});
    const got = received(
      stack,
      list.map((r) => digits(r.to)),
      'hello_offer',
    );
    assert.deepEqual([...new Set(got.values())], [1], 'every customer received exactly one message');
    assert.equal(stack.sim.state.sends().length, 1000, 'Meta accepted exactly 1,000 sends');

    const rows = await allRecipients(stack, created.body.id);
    assert.equal(rows.length, 1000);
    const one = await stack.api('GET', `/v1/messages/${rows[0]!.messageId}`);
    assert.equal(one.status, 200);
    // One attempt reached Meta. A loaded machine may add one our own capacity refused before Meta (a send late for
    // its throughput slot when its number's backlog was full): it has no wamid and cost nothing.
    const handed = one.body.attempts.filter((a: { wamid?: string }) => a.wamid);
    assert.equal(handed.length, 1, JSON.stringify(one.body.attempts));
    // Its story: `sent` when Meta's answer came back, or only the statuses when the answer was lost (a slow Meta)
    // and the status webhooks named the attempt.
    const story = one.body.timeline.map((e: { type: string }) => e.type);
    assert.ok(
      ['sent', 'delivered', 'read'].some((t) => story.includes(t)),
      JSON.stringify(one.body.timeline),
    );
    assert.ok(done.cost.total > 0, 'priced from the status webhooks');

    const again = await stack.api('POST', '/v1/campaigns', {
      name: 'Diwali 2026',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      idempotencyKey: 'diwali-1000',
    });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, created.body.id, 'the same idempotencyKey returns the same campaign');
    assert.equal((await campaignView(stack, created.body.id)).counts.total, 1000);
  });
});
