import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_BREAKER_POLICY, closedBreaker, observe } from '../../src/services/breaker-state';
import { createCircuitBreaker } from '../../src/services/circuit-breaker';
import type { HealthUpdates } from '../../src/services/health-updates';
import type { FailureClass } from '../../src/domain/failure';

/** The error-rate circuit breaker: window + threshold + half-open probe (docs/capacity.md). */

const P = DEFAULT_BREAKER_POLICY; // 60 s window, 5 samples, 50 %, open 10 min doubling to 1 h
// A rate-counted WABA error (a locked WABA, 131031, is a fact and opens at once: tested below).
const PAYMENT: FailureClass = { kind: 'resource', resource: 'waba', code: 131042, reason: 'payment_issue' };
const C = { wabaId: 'w1', phoneNumberId: 'p1', templateId: 't1' };

function breaker() {
  let now = 1_000_000;
  const applied: { id: string; patch: Record<string, unknown> }[] = [];
  const health = {
    apply: async (_t: string, _type: string, id: string, patch: Record<string, unknown>) =>
      void applied.push({ id, patch }),
  };
  const b = createCircuitBreaker(health as unknown as HealthUpdates, P, () => now);
  return { b, applied, tick: (ms: number) => (now += ms) };
}

describe('circuit breaker: error rates, not one error', () => {
  it('when fewer than 5 sends were seen, then even all of them failing does not open it', () => {
    const s = closedBreaker();
    for (let i = 0; i < 4; i++) assert.equal(observe(s, i, true, P).verdict, 'none');
    assert.equal(observe(s, 5, true, P).verdict, 'open');
  });

  it('when failures stay under 50 % of the window, then it stays closed; at 50 % it opens', () => {
    const s = closedBreaker();
    for (let i = 0; i < 6; i++) observe(s, i, false, P);
    for (let i = 0; i < 5; i++) assert.equal(observe(s, 10 + i, true, P).verdict, 'none');
    assert.equal(observe(s, 20, true, P).verdict, 'open');
  });

  it('when old outcomes leave the 60 s window, then they no longer count', () => {
    const s = closedBreaker();
    for (let i = 0; i < 4; i++) observe(s, i, true, P);
    assert.equal(observe(s, 60_001, true, P).verdict, 'none', 'the four earlier failures left the window');
  });

  it('when open, then the first outcome after openUntil is the probe: a failure reopens for twice as long, a success closes', () => {
    const s = closedBreaker();
    for (let i = 0; i < 5; i++) observe(s, i, true, P);
    assert.equal(s.openUntil, 4 + P.openMs);
    assert.equal(observe(s, 1_000, true, P).verdict, 'none', 'still open: a send already in flight');
    const reopened = observe(s, s.openUntil, true, P);
    assert.deepEqual(reopened, { verdict: 'open', openUntil: 4 + P.openMs + 2 * P.openMs });
    assert.deepEqual(observe(s, s.openUntil + 1, false, P), { verdict: 'close' });
    assert.deepEqual(s, closedBreaker());
  });

  it('when a WABA error repeats across sends, then the WABA opens on the fifth, not the first', async () => {
    const { b, applied } = breaker();
    for (let i = 0; i < 4; i++) await b.report('t', C, PAYMENT);
    assert.equal(applied.length, 0);
    await b.report('t', C, PAYMENT);
    assert.equal(applied.length, 1);
    assert.equal(applied[0]!.id, 'w1');
    assert.ok((applied[0]!.patch.breaker as { openUntil: string }).openUntil);
  });

  it('when sends through the WABA succeed in between, then the rate stays under the threshold', async () => {
    const { b, applied } = breaker();
    for (let i = 0; i < 20; i++) {
      if (i % 3 === 0) await b.report('t', C, PAYMENT);
      else b.recordSuccess('t', C);
    }
    assert.equal(applied.length, 0);
  });

  it('when Meta states a fact (a paused template, a throttled number), then it applies at once', async () => {
    const { b, applied } = breaker();
    await b.report('t', C, { kind: 'resource', resource: 'template', code: 132015, reason: 'template_paused' });
    await b.report('t', C, { kind: 'throttled', scope: 'phone', code: 130429, retryAfterMs: 1000, reason: 'x' });
    assert.deepEqual(
      applied.map((a) => [a.id, Object.keys(a.patch)[0]]),
      [
        ['t1', 'status'],
        ['p1', 'throttledUntil'],
      ],
    );
  });

  it('when Meta says the WABA is locked or the number unregistered, then its circuit opens on the first error', async () => {
    const { b, applied } = breaker();
    await b.report('t', C, { kind: 'resource', resource: 'waba', code: 131031, reason: 'account_locked' });
    await b.report('t', C, { kind: 'resource', resource: 'phone', code: 133010, reason: 'phone_not_registered' });
    assert.deepEqual(
      applied.map((a) => a.id),
      ['w1', 'p1'],
    );
  });
});
