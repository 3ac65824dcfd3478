import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SimulatorControlError } from '../../src/simulator/control-client';
import { ID, sleep, startSim, statusesOf, templateBody, TOKEN_A, type TestSim, WA, waitFor } from './support';

/** A raw send with its own client timeout, reporting how it ended: an answer, a timeout, or a reset. */
async function sendWithTimeout(t: TestSim, timeoutMs: number) {
  try {
    const res = await fetch(`${t.url}/v23.0/${ID.phoneA1}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: JSON.stringify(templateBody(WA.yes)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return {
      outcome: 'answered' as const,
      status: res.status,
      body: (await res.json()) as { messages?: { id: string }[] },
    };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { outcome: e.name === 'TimeoutError' ? ('timeout' as const) : ('network' as const), error: e };
  }
}

describe('control API: unknown-outcome faults (accepted, but the sender never hears)', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim();
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  const inbox = () => t.sim.state.inbox(WA.yes);

  it('when the reply is delayed past the client timeout, then the client times out yet the customer gets the message', async () => {
    const rule = await t.control.injectUnknownOutcome({ mode: 'delay', responseDelayMs: 400, count: 1 });
    assert.equal(rule.data.mode, 'delay');
    const started = Date.now();
    const res = await sendWithTimeout(t, 150);
    assert.equal(res.outcome, 'timeout');
    assert.ok(Date.now() - started < 400, 'the client gave up before the reply');
    assert.equal(t.sim.state.sends().length, 1, 'Meta accepted it');
    await waitFor(() => inbox().length === 1, 3000, 'delivery');
    assert.equal(t.sim.state.stats().unknownOutcomes, 1);
    // The rule was spent: the next send is answered at once.
    const next = await sendWithTimeout(t, 150);
    assert.equal(next.outcome, 'answered');
  });

  it('when the client waits long enough, then the delayed reply is a normal 200 with the wamid Meta used', async () => {
    await t.control.injectUnknownOutcome({ mode: 'delay', responseDelayMs: 200 });
    const started = Date.now();
    const res = await sendWithTimeout(t, 2000);
    assert.equal(res.outcome, 'answered');
    assert.ok(Date.now() - started >= 190);
    assert.equal(res.status, 200);
    assert.equal(res.body?.messages?.[0]?.id, t.sim.state.sends()[0]?.wamid);
  });

  it('when the fault is a reset, then the connection drops without an answer and the message is still delivered', async () => {
    await t.control.injectUnknownOutcome({ mode: 'reset', count: 1 });
    const res = await sendWithTimeout(t, 2000);
    assert.equal(res.outcome, 'network');
    assert.equal(t.sim.state.sends().length, 1);
    await waitFor(() => inbox().length === 1, 3000, 'delivery');
  });

  it('when statuses are late as well, then no status webhook is emitted before the extra delay and the ladder follows', async () => {
    await t.control.injectUnknownOutcome({ mode: 'reset', statusDelayMs: 400, count: 1 });
    await sendWithTimeout(t, 2000);
    const wamid = t.sim.state.sends()[0]!.wamid;
    await sleep(250);
    assert.deepEqual(statusesOf(t.sim, wamid), [], 'nothing yet');
    assert.equal(inbox().length, 0);
    await waitFor(() => statusesOf(t.sim, wamid).some((s) => s.status === 'read'), 3000, 'the ladder');
    assert.deepEqual(
      statusesOf(t.sim, wamid).map((s) => s.status),
      ['sent', 'delivered', 'read'],
    );
  });

  it('when the scope names another number, then sends from this one are answered normally', async () => {
    await t.control.injectUnknownOutcome({ mode: 'reset', scope: { phoneNumberId: ID.phoneA2 } });
    const res = await sendWithTimeout(t, 2000);
    assert.equal(res.outcome, 'answered');
  });

  it('when faults are cleared, then unknown-outcome rules are gone', async () => {
    await t.control.injectUnknownOutcome({ mode: 'reset' });
    await t.control.clearFaults();
    assert.equal((await sendWithTimeout(t, 2000)).outcome, 'answered');
  });

  it('when the body is invalid, then 400 names the field', async () => {
    await assert.rejects(
      () => t.control.injectUnknownOutcome({ mode: 'drop' as never }),
      (err: unknown) =>
        err instanceof SimulatorControlError && err.status === 400 && /mode/.test(JSON.stringify(err.body)),
    );
  });
});
