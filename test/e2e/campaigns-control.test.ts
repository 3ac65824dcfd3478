import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createCampaign, campaignReaches, campaignStack, digits, received, recipients } from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

describe('campaigns: pause, resume and cancel', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack();
  });
  after(() => stack.stop());

  const sendsTo = (waIds: Set<string>) => stack.sim.state.sends().filter((s) => waIds.has(s.recipient));
  const start = async (n: number, prefix: string) => {
    const list = recipients(n, prefix);
    const created = await createCampaign(stack, {
      name: `paced ${prefix}`,
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      maxPerSecond: 20,
    });
    const waIds = new Set(list.map((r) => digits(r.to)));
    await waitFor(async () => sendsTo(waIds).length >= 20, 'the first sends', 120_000);
    return { id: created.body.id as string, waIds };
  };

  it('when paused, then no send reaches Meta more than 1 s after the pause is acknowledged; resumed, it completes once each', async () => {
    const { id, waIds } = await start(200, '4477011');
    // The simulator runs in this process: a stall of the process delays when it sees a request sent in time.
    const stall = monitorEventLoopDelay({ resolution: 10 });
    stall.enable();
    const paused = await stack.api('POST', `/v1/campaigns/${id}/pause`);
    const acknowledged = Date.now();
    assert.equal(paused.status, 202);
    assert.equal(paused.body.status, 'paused');
    await new Promise((r) => setTimeout(r, 3000));
    stall.disable();
    const allowance = 1000 + stall.max / 1e6;
    const late = sendsTo(waIds).filter((s) => s.timestamp > acknowledged + allowance);
    const after = sendsTo(waIds)
      .filter((s) => s.timestamp > acknowledged)
      .map((s) => s.timestamp - acknowledged);
    assert.equal(late.length, 0, `sends ${after.join(', ')} ms after the pause (allowance ${allowance.toFixed(0)} ms)`);
    const during = (await stack.api('GET', `/v1/campaigns/${id}`)).body;
    assert.equal(during.status, 'paused');
    assert.ok(during.counts.accepted > 0, 'recipients wait while paused');
    assert.equal((await stack.api('POST', `/v1/campaigns/${id}/pause`)).status, 409);

    assert.equal((await stack.api('POST', `/v1/campaigns/${id}/resume`)).status, 202);
    const done = await campaignReaches(stack, id, ['completed'], 300_000);
    assert.equal(done.counts.delivered + done.counts.read, 200, JSON.stringify(done.counts));
    assert.deepEqual([...new Set(received(stack, [...waIds]).values())], [1]);
    assert.equal(sendsTo(waIds).length, 200);
  });

  it('when cancelled, then nothing more is sent and the rest end cancelled', async () => {
    const { id, waIds } = await start(200, '4477012');
    const cancelled = await stack.api('POST', `/v1/campaigns/${id}/cancel`);
    const acknowledged = Date.now();
    assert.equal(cancelled.status, 202);
    const done = await campaignReaches(stack, id, ['cancelled'], 120_000);
    await waitFor(
      async () => {
        const { counts } = (await stack.api('GET', `/v1/campaigns/${id}`)).body;
        return counts.accepted + counts.sending === 0;
      },
      'the rest to be cancelled',
      120_000,
    );
    await new Promise((r) => setTimeout(r, 1500));
    const view = (await stack.api('GET', `/v1/campaigns/${id}`)).body;
    const sent = sendsTo(waIds);
    assert.equal(sent.filter((s) => s.timestamp > acknowledged + 1000).length, 0, 'no send after the cancel');
    assert.ok(view.counts.cancelled > 0 && view.counts.cancelled < 200, JSON.stringify(view.counts));
    assert.equal(view.counts.cancelled + sent.length, 200, 'every recipient was either sent once or cancelled');
    assert.equal(done.status, 'cancelled');
    assert.equal((await stack.api('POST', `/v1/campaigns/${id}/resume`)).status, 409);
  });
});
