import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  campaignView,
  digits,
  received,
  recipients,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import { startProcess } from '../helpers/processes';
import type { Stack } from '../helpers/stack';

/**
 * On the real cluster (src/tools/cluster-ci.ts runs this file with TEMPORAL_ADDRESS pointing at it): a campaign
 * served by two worker processes, its status webhooks drained by a separate webhook processor process (the API
 * only fills the inbox), and one worker SIGKILLed mid-campaign. Counted from what the simulator's customers
 * received: every recipient exactly once — 0 lost, 0 duplicates.
 */
const N = Number(process.env.CLUSTER_RECIPIENTS ?? 300);

describe('cluster: a campaign on two worker processes, one SIGKILLed', () => {
  let stack: Stack;
  const children: ChildProcess[] = [];
  before(async () => {
    stack = await campaignStack({ withoutWorker: true, inlineWebhookProcessor: false });
  });
  after(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await stack.stop();
  });

  /** A Lifeline process from source, resolving once it logged `ready`; stopped (SIGKILL) after the test. */
  async function start(file: string, ready: string): Promise<ChildProcess> {
    const { child, ready: logged } = startProcess(stack, file, ready);
    children.push(child);
    await logged;
    return child;
  }

  it('completes with every recipient reached exactly once', async () => {
    const [workerA] = await Promise.all([
      start('src/worker/main.ts', '"worker started"'),
      start('src/worker/main.ts', '"worker started"'),
      start('src/services/webhooks/main.ts', '"webhook processor running"'),
    ]);
    const list = recipients(N, '4477031');
    const waIds = new Set(list.map((r) => digits(r.to)));
    const started = Date.now();
    const created = await createCampaign(stack, {
      name: 'cluster two workers',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      maxPerSecond: 40,
    });
    const sends = () => stack.sim.state.sends().filter((s) => waIds.has(s.recipient));
    await waitFor(async () => sends().length >= N / 4, 'sends to begin', 180_000);
    workerA!.kill('SIGKILL');
    await new Promise((r) => workerA!.once('exit', r));
    const atKill = sends().length;
    assert.ok(atKill < N, `killed mid-campaign (${atKill} of ${N} sent)`);

    await campaignReaches(stack, created.body.id, ['completed'], 300_000);
    const seconds = (Date.now() - started) / 1000;
    // A campaign completes once every send is accepted; the delivery statuses reach its counts through the
    // webhook processor process a moment later.
    const done = await waitFor(
      async () => {
        const v = await campaignView(stack, created.body.id);
        return v.counts.delivered + v.counts.read === N ? v : undefined;
      },
      'every status folded into the campaign',
      120_000,
    );
    const got = received(stack, [...waIds], 'hello_offer');
    const lost = [...got.values()].filter((n) => n === 0).length;
    const duplicates = [...got.values()].filter((n) => n > 1).length;
    console.log(
      `cluster campaign: ${N} recipients on 2 workers + 1 webhook processor, one worker SIGKILLed after ` +
        `${atKill} sends; completed in ${seconds.toFixed(1)} s (${(N / seconds).toFixed(1)} messages/s); ` +
        `lost ${lost}, duplicates ${duplicates}, Meta accepted ${sends().length} sends`,
    );
    assert.equal(lost, 0, 'lost');
    assert.equal(duplicates, 0, 'received twice');
    assert.equal(done.counts.delivered + done.counts.read, N, JSON.stringify(done.counts));
    assert.equal(sends().length, N, 'Meta accepted exactly one send per recipient');
  });
});
