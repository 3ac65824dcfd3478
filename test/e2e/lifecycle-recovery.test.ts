import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { afterEach, describe, it } from 'node:test';
import { FINAL } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const WABA = '200000000000900';
const ALICE = '447700900001';
const message = (key: string) => ({
  to: `+${ALICE}`,
  template: 'hello_offer',
  language: 'en_US',
  parameters: { body: ['Alice', '20%'] },
  idempotencyKey: key,
});

async function minimalStack(opts: { withoutWorker?: boolean; timing?: Record<string, string> } = {}): Promise<Stack> {
  const stack = await startStack({
    scenario: 'minimal',
    withoutWorker: opts.withoutWorker,
    tenantSettings: {
      timing: { statusTimeout: '30s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s', ...opts.timing },
    },
  });
  assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  assert.equal((await stack.api('POST', `/v1/contacts/+${ALICE}/opt-in`, { source: 'test' })).status, 200);
  return stack;
}

const view = async (stack: Stack, id: string) => (await stack.api('GET', `/v1/messages/${id}`)).body;
const settled = (stack: Stack, id: string, timeoutMs = 60_000) =>
  waitFor(
    async (note) => {
      const v = await view(stack, id);
      // Where it is stuck, if it times out: its status and the last steps of its story.
      note({ status: v.status, timeline: (v.timeline ?? []).slice(-6).map((e: { type: string }) => e.type) });
      return FINAL.includes(v.status) ? v : undefined;
    },
    `message ${id} settled`,
    timeoutMs,
  );

/** The worker as its own OS process, so the test can kill it without a graceful shutdown. */
function workerProcess(stack: Stack, graphUrl: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'src/worker/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.db.url,
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      META_GRAPH_URL: graphUrl,
      ENCRYPTION_KEY: 'a'.repeat(64),
      LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
}

describe('message lifecycle: waiting, crashes and cancellation', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  it('when no combination is healthy, then the message waits and delivers once the simulator reinstates the WABA', async () => {
    stack = await minimalStack();
    await stack.control.banWaba(WABA);
    const accepted = await stack.api('POST', '/v1/messages', message('wait-1'));
    await waitFor(
      async () =>
        (await view(stack!, accepted.body.id)).timeline.some((e: { type: string }) => e.type === 'no_combination'),
      'the resolver to find nothing',
    );
    assert.equal((await view(stack, accepted.body.id)).status, 'resolving');
    await stack.control.reinstateWaba(WABA);
    await stack.api('POST', `/v1/wabas/${WABA}/sync`);
    const done = await settled(stack, accepted.body.id);
    assert.ok(['delivered', 'read'].includes(done.status), JSON.stringify(done.failure));
    assert.equal((await stack.control.inbox(ALICE)).length, 1);
  });

  it('when the worker is killed while the send is in flight, then a new worker completes the message and it is received once', async () => {
    // The kill may land before the request left the dead worker (Meta never had it: the attempt's outcome is
    // unknown until its wait ends, then it is sent again) or after (its status arrives by attempt id): a short
    // unknown-outcome wait bounds the first case.
    stack = await minimalStack({ withoutWorker: true, timing: { unknownOutcomeWait: '10s' } });
    const graphUrl = stack.simUrl;
    await stack.control.setLatency(1500);
    const first = workerProcess(stack, graphUrl);
    const accepted = await stack.api('POST', '/v1/messages', message('crash-1'));
    await waitFor(async () => (await view(stack!, accepted.body.id)).attempts.length > 0, 'the attempt to be recorded');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    await stack.control.setLatency(0);
    await stack.startWorker();
    // The send in flight on the dead worker runs again once its workflow task times out, and an attempt whose
    // outcome is unknown waits for its status before anything is sent again: allow both, several times over.
    const done = await settled(stack, accepted.body.id, 120_000);
    assert.ok(['delivered', 'read'].includes(done.status), JSON.stringify(done));
    assert.equal((await stack.control.inbox(ALICE)).length, 1, 'received exactly once');
    assert.equal((await stack.control.sends({ recipient: ALICE })).length, 1, 'Meta accepted one send');
  });

  it('when a message is cancelled while it waits, then it ends cancelled and nothing is sent', async () => {
    stack = await minimalStack();
    await stack.control.banWaba(WABA);
    const accepted = await stack.api('POST', '/v1/messages', message('cancel-1'));
    await waitFor(async () => (await view(stack!, accepted.body.id)).status === 'resolving', 'resolving');
    const cancel = await stack.api('POST', `/v1/messages/${accepted.body.id}/cancel`, { reason: 'campaign stopped' });
    assert.equal(cancel.status, 202);
    const done = await settled(stack, accepted.body.id);
    assert.equal(done.status, 'cancelled');
    assert.equal((await stack.control.inbox(ALICE)).length, 0);
    assert.equal((await stack.api('POST', `/v1/messages/${accepted.body.id}/cancel`, {})).status, 409);
  });
});
