import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  foldAttemptStatus,
  foldStatus,
  messageOutcome,
  toAttemptStatus,
  type AttemptRecord,
  type AttemptStatus,
  type FoldResult,
} from '../../src/domain/status';

const STATUSES: readonly AttemptStatus[] = ['accepted', 'sent', 'delivered', 'read', 'failed'];

void describe('foldStatus', () => {
  const table: readonly [AttemptStatus | undefined, AttemptStatus, FoldResult][] = [
    [undefined, 'sent', { next: 'sent', changed: true }],
    [undefined, 'read', { next: 'read', changed: true }],
    [undefined, 'failed', { next: 'failed', changed: true }],
    ['accepted', 'sent', { next: 'sent', changed: true }],
    ['sent', 'delivered', { next: 'delivered', changed: true }],
    ['sent', 'read', { next: 'read', changed: true }], // delivered skipped
    ['delivered', 'read', { next: 'read', changed: true }],
    ['read', 'delivered', { next: 'read', changed: false }], // out of order
    ['read', 'sent', { next: 'read', changed: false }],
    ['delivered', 'sent', { next: 'delivered', changed: false }],
    ['sent', 'accepted', { next: 'sent', changed: false }],
    ['sent', 'sent', { next: 'sent', changed: false }], // duplicate
    ['read', 'read', { next: 'read', changed: false }],
    ['sent', 'failed', { next: 'failed', changed: true }],
    ['accepted', 'failed', { next: 'failed', changed: true }],
    ['failed', 'sent', { next: 'failed', changed: false }], // late sent after failed
    ['failed', 'failed', { next: 'failed', changed: false }],
    ['failed', 'delivered', { next: 'delivered', changed: true, anomaly: 'success_after_failure' }],
    ['failed', 'read', { next: 'read', changed: true, anomaly: 'success_after_failure' }],
    ['delivered', 'failed', { next: 'delivered', changed: false, anomaly: 'failure_after_success' }],
    ['read', 'failed', { next: 'read', changed: false, anomaly: 'failure_after_success' }],
  ];
  for (const [current, incoming, expected] of table) {
    void test(`when ${incoming} arrives on ${current ?? 'nothing'}, then ${expected.next}${expected.changed ? ' (changed)' : ''}${expected.anomaly ? ` with ${expected.anomaly}` : ''}`, () => {
      assert.deepEqual(foldStatus(current, incoming), expected);
    });
  }

  void test('when any permutation of a status sequence with duplicates is folded, then the final status is the same', () => {
    const sequence = fc.array(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 12 });
    const fold = (xs: readonly AttemptStatus[]) =>
      xs.reduce<AttemptStatus | undefined>((s, x) => foldStatus(s, x).next, undefined);
    fc.assert(
      fc.property(
        sequence.chain((xs) =>
          fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })),
        ),
        fc.array(fc.nat(), { maxLength: 5 }),
        ([xs, permuted], dupIdx) => {
          const withDuplicates = [...permuted, ...dupIdx.map((i) => xs[i % xs.length] as AttemptStatus)];
          assert.equal(fold(withDuplicates), fold(xs));
        },
      ),
    );
  });

  void test('when statuses are folded one by one, then the status never moves backwards and re-folding changes nothing', () => {
    const order = ['accepted', 'sent', 'failed', 'delivered', 'read'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...STATUSES), { maxLength: 15 }), (xs) => {
        let state: AttemptStatus | undefined;
        for (const x of xs) {
          const r = foldStatus(state, x);
          if (state !== undefined) assert.ok(order.indexOf(r.next) >= order.indexOf(state));
          assert.equal(foldStatus(r.next, x).changed, false);
          state = r.next;
        }
      }),
    );
  });
});

void describe('toAttemptStatus', () => {
  void test('when Meta sends played, warning or an unknown status, then played is read and the rest are ignored', () => {
    assert.equal(toAttemptStatus('played'), 'read');
    assert.equal(toAttemptStatus('delivered'), 'delivered');
    assert.equal(toAttemptStatus('warning'), undefined);
    assert.equal(toAttemptStatus('deleted'), undefined);
  });
});

const a = (wamid: string, status?: AttemptStatus): AttemptRecord => (status ? { wamid, status } : { wamid });

void describe('messageOutcome', () => {
  void test('when nothing was sent, then the outcome is not_sent', () => {
    assert.deepEqual(messageOutcome([]), { kind: 'not_sent' });
  });
  void test('when the only attempt is delivered, then it is delivered and not late', () => {
    assert.deepEqual(messageOutcome([a('w1', 'delivered')]), {
      kind: 'delivered',
      status: 'delivered',
      attemptIndex: 0,
      wamid: 'w1',
      late: false,
      duplicates: [],
    });
  });
  void test('when an earlier attempt turns out delivered while a fallback is in flight, then it is a late delivery', () => {
    const outcome = messageOutcome([a('w1', 'delivered'), a('w2', 'accepted')]);
    assert.deepEqual(outcome, {
      kind: 'delivered',
      status: 'delivered',
      attemptIndex: 0,
      wamid: 'w1',
      late: true,
      duplicates: [],
    });
  });
  void test('when a failed attempt later reports read, then the message is delivered via that attempt', () => {
    let attempts: readonly AttemptRecord[] = [a('w1', 'failed'), a('w2', 'sent')];
    const folded = foldAttemptStatus(attempts, 'w1', 'read');
    attempts = folded.attempts;
    assert.equal(folded.anomaly, 'success_after_failure');
    assert.deepEqual(messageOutcome(attempts), {
      kind: 'delivered',
      status: 'read',
      attemptIndex: 0,
      wamid: 'w1',
      late: true,
      duplicates: [],
    });
  });
  void test('when two attempts both delivered, then the first wins, the best status counts and the other is a duplicate', () => {
    const outcome = messageOutcome([a('w1', 'delivered'), a('w2', 'failed'), a('w3', 'read')]);
    assert.deepEqual(outcome, {
      kind: 'delivered',
      status: 'read',
      attemptIndex: 0,
      wamid: 'w1',
      late: true,
      duplicates: [2],
    });
  });
  void test('when an earlier attempt is still sent and the latest failed, then the message is pending on the earlier one', () => {
    assert.deepEqual(messageOutcome([a('w1', 'sent'), a('w2', 'failed')]), {
      kind: 'pending',
      status: 'sent',
      pending: [0],
    });
  });
  void test('when attempts have no status or only accepted, then pending reports the best known', () => {
    assert.deepEqual(messageOutcome([a('w1')]), { kind: 'pending', status: undefined, pending: [0] });
    assert.deepEqual(messageOutcome([a('w1', 'failed'), a('w2', 'accepted')]), {
      kind: 'pending',
      status: 'accepted',
      pending: [1],
    });
  });
  void test('when every attempt failed, then the message failed with the last attempt', () => {
    assert.deepEqual(messageOutcome([a('w1', 'failed'), a('w2', 'failed')]), {
      kind: 'failed',
      lastAttemptIndex: 1,
      wamid: 'w2',
    });
  });
  void test('when statuses for several attempts arrive in any order, then any success makes the message delivered', () => {
    const event = fc.record({ attempt: fc.integer({ min: 0, max: 2 }), status: fc.constantFrom(...STATUSES) });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 12 }), (events) => {
        let attempts: readonly AttemptRecord[] = [a('w0'), a('w1'), a('w2')];
        for (const e of events) attempts = foldAttemptStatus(attempts, `w${e.attempt}`, e.status).attempts;
        const anySuccess = events.some((e) => e.status === 'delivered' || e.status === 'read');
        assert.equal(messageOutcome(attempts).kind === 'delivered', anySuccess);
      }),
    );
  });
});

void describe('foldAttemptStatus', () => {
  void test('when the wamid is unknown, then nothing changes and known is false', () => {
    const attempts = [a('w1', 'sent')];
    const r = foldAttemptStatus(attempts, 'wX', 'delivered');
    assert.equal(r.known, false);
    assert.equal(r.changed, false);
    assert.equal(r.attempts, attempts);
  });
  void test('when a duplicate arrives, then the same records are returned unchanged', () => {
    const attempts = [a('w1', 'delivered')];
    const r = foldAttemptStatus(attempts, 'w1', 'sent');
    assert.deepEqual([r.known, r.changed, r.next], [true, false, 'delivered']);
    assert.equal(r.attempts, attempts);
  });
  void test('when a newer status arrives, then only that attempt is updated without mutating the input', () => {
    const attempts = [a('w1', 'failed'), a('w2', 'sent')];
    const r = foldAttemptStatus(attempts, 'w2', 'delivered');
    assert.deepEqual(r.attempts, [a('w1', 'failed'), a('w2', 'delivered')]);
    assert.deepEqual(attempts[1], a('w2', 'sent'));
  });
});
