import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createSimulator, ManualClock } from '../../src/simulator';
import { PairRateLimiter } from '../../src/simulator/limits/pair-rate';
import { RollingCounter, RollingUniqueCounter } from '../../src/simulator/limits/rolling';
import { ServiceWindows } from '../../src/simulator/limits/service-window';
import { ThroughputMeter } from '../../src/simulator/limits/throughput';
import { buildScenario, ID, SECRET, TOKEN_A, WA } from './fixtures';
import { statusesOf, templateBody } from './support';

const DAY = 24 * 60 * 60 * 1000;

/**
 * A clock whose event loop lags: `lag(ms)` fires every timer due by then, the latest due first — an order Node's
 * timers may take once the loop falls behind (each timer length has its own list), and the worst one for a ladder.
 */
class LaggingClock extends ManualClock {
  lag(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => b.at - a.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      due.fn();
    }
    this.current = target;
  }
}

describe('clock-driven limits (pure)', () => {
  it('when 24 h pass after the last inbound message, then the service window closes; a new message reopens it', () => {
    const windows = new ServiceWindows();
    windows.touch('p', 'c', 0);
    assert.equal(windows.isOpen('p', 'c', DAY - 1), true);
    assert.equal(windows.isOpen('p', 'c', DAY), false);
    assert.equal(windows.isOpen('other', 'c', 1), false);
    windows.touch('p', 'c', DAY + 5);
    assert.equal(windows.isOpen('p', 'c', 2 * DAY), true);
  });

  it('when recipients age out of the rolling 24 h, then they stop counting toward the portfolio', () => {
    const unique = new RollingUniqueCounter();
    unique.add('pf', 'a', 0);
    unique.add('pf', 'b', 1000);
    unique.add('pf', 'a', 2000);
    assert.equal(unique.count('pf', 3000), 2);
    assert.equal(unique.count('pf', DAY + 500), 1, 'a counted at 0 expired; b still in');
    const counter = new RollingCounter();
    counter.add('c', 0);
    counter.add('c', 10);
    assert.deepEqual([counter.count('c', 20), counter.count('c', DAY + 5)], [2, 1]);
  });

  it('when the pair bucket is empty, then one token returns per interval', () => {
    const pair = new PairRateLimiter();
    const config = { burst: 2, intervalMs: 6000 };
    assert.deepEqual(
      [0, 0, 0].map(() => pair.tryTake('p', 'c', config, 0)),
      [true, true, false],
    );
    assert.equal(pair.tryTake('p', 'c', config, 5999), false);
    assert.equal(pair.tryTake('p', 'c', config, 6000), true);
  });

  it('when a second has passed, then the throughput window frees up', () => {
    const meter = new ThroughputMeter();
    assert.deepEqual(
      [1, 2, 3].map(() => meter.tryTake('p', 2, 100)),
      [true, true, false],
    );
    assert.equal(meter.tryTake('p', 2, 1100), true);
  });

  it('when the event loop lags past a whole ladder, then its statuses still apply in order and the customer still replies', async (t) => {
    const clock = new LaggingClock();
    const sim = createSimulator({ appSecret: SECRET, scenario: buildScenario(), clock, statusDelayMs: 5 });
    const server = await sim.listen(0);
    t.after(() => server.close());
    sim.apply({
      type: 'setCustomer',
      waId: WA.quiet,
      behaviour: { onPrompt: [{ reply: 'yes', probability: 1, delayMs: 0 }] },
    });
    const res = await fetch(`${server.url}/v23.0/${ID.phoneA1}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: JSON.stringify(templateBody(WA.quiet, 'consent', ['Ann'])),
    });
    assert.equal(res.status, 200);
    const wamid = ((await res.json()) as { messages: { id: string }[] }).messages[0]?.id ?? '';
    clock.lag(1000);
    assert.deepEqual(
      statusesOf(sim, wamid).map((s) => s.status),
      ['sent', 'delivered', 'read'],
    );
    assert.equal(sim.state.inbound().length, 1, 'the customer answered the prompt it read');
  });

  it('when the event loop lags past a whole fault timeline, then its actions apply in order and its repairs last', () => {
    const clock = new LaggingClock();
    const sim = createSimulator({ appSecret: SECRET, scenario: 'fault-storm', clock, timelineSpeed: 1000 });
    clock.lag(60_000);
    const log = sim.state.timeline();
    assert.equal(log.length, 17);
    const offsets = log.map((e) => e.atMs);
    assert.deepEqual(
      offsets,
      [...offsets].sort((a, b) => a - b),
      'applied in the timeline order',
    );
    assert.equal(sim.state.wabas.get('200000000000012')?.status, 'ACTIVE', 'reinstated at the end');
  });

  it('when the simulator runs on a manual clock, then statuses fire only as time advances and windows follow it', async () => {
    const clock = new ManualClock();
    const sim = createSimulator({ appSecret: SECRET, scenario: buildScenario(), clock, statusDelayMs: 100 });
    const server = await sim.listen(0);
    const res = await fetch(`${server.url}/v23.0/${ID.phoneA1}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: JSON.stringify(templateBody(WA.quiet)),
    });
    assert.equal(res.status, 200);
    const wamid = ((await res.json()) as { messages: { id: string }[] }).messages[0]?.id ?? '';
    const statuses = () => statusesOf(sim, wamid).map((s) => s.status);
    assert.deepEqual(statuses(), []);
    clock.advance(100);
    assert.deepEqual(statuses(), ['sent']);
    clock.advance(200);
    assert.deepEqual(statuses(), ['sent', 'delivered', 'read']);

    sim.apply({
      type: 'customerReply',
      waId: WA.quiet,
      reply: { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 },
    });
    assert.equal(sim.state.windowOpen(ID.phoneA1, WA.quiet), true);
    clock.advance(DAY);
    assert.equal(sim.state.windowOpen(ID.phoneA1, WA.quiet), false);
    await server.close();
    assert.equal(clock.pending(), 0, 'close() clears the timers');
  });
});
