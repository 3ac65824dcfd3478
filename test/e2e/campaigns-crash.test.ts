import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { createCampaign, campaignReaches, campaignStack, digits, received, recipients } from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

describe('campaigns: a worker killed mid-campaign', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ withoutWorker: true });
  });
  after(() => stack.stop());

  it('when the worker is killed with SIGKILL mid-campaign, then a new worker completes it: 0 lost, 0 duplicates', async () => {
    const worker = spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: stack.db.url,
        TEMPORAL_ADDRESS: stack.temporal.address,
        TEMPORAL_TASK_QUEUE: stack.taskQueue,
        META_GRAPH_URL: stack.simUrl,
        ENCRYPTION_KEY: 'a'.repeat(64),
        LOG_LEVEL: 'silent',
      },
      stdio: 'ignore',
    });
    const list = recipients(300, '4477014');
    const waIds = new Set(list.map((r) => digits(r.to)));
    const created = await createCampaign(stack, {
      name: 'crash',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
      maxPerSecond: 40,
    });
    const sends = () => stack.sim.state.sends().filter((s) => waIds.has(s.recipient));
    await waitFor(async () => sends().length >= 60, 'sends to begin', 180_000);
    worker.kill('SIGKILL');
    await new Promise((r) => worker.once('exit', r));
    const atKill = sends().length;
    assert.ok(atKill < 300, 'killed mid-campaign');

    await stack.startWorker();
    const done = await campaignReaches(stack, created.body.id, ['completed'], 400_000);
    assert.equal(done.counts.delivered + done.counts.read, 300, JSON.stringify(done.counts));
    assert.deepEqual([...new Set(received(stack, [...waIds], 'hello_offer').values())], [1], 'each customer got one');
    assert.equal(sends().length, 300, 'Meta accepted exactly one send per recipient');
  });
});
