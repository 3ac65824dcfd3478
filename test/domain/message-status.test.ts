import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MESSAGE_STATUS_RANK, messageStatusMovesForward } from '../../src/domain/message-status';

const ALL = Object.keys(MESSAGE_STATUS_RANK);
const IN_FLIGHT = ['accepted', 'resolving', 'sending', 'sent', 'awaiting_consent'];
const ENDINGS = ['failed', 'cancelled', 'expired', 'declined'];

describe('message status fold', () => {
  it('when a message is in flight, then any in-flight status or any ending may follow', () => {
    for (const from of IN_FLIGHT)
      for (const to of ALL) assert.ok(messageStatusMovesForward(from, to), `${from} → ${to}`);
  });

  it('when a message has ended, then it never goes back in flight and its first unsuccessful ending is kept', () => {
    for (const from of [...ENDINGS, 'delivered', 'read']) {
      for (const to of IN_FLIGHT) assert.equal(messageStatusMovesForward(from, to), false, `${from} → ${to}`);
    }
    for (const from of ENDINGS) for (const to of ENDINGS) assert.equal(messageStatusMovesForward(from, to), false);
  });

  it('when the customer got the message, then a success beats every other ending, and read beats delivered', () => {
    for (const from of ENDINGS) {
      assert.ok(messageStatusMovesForward(from, 'delivered'));
      assert.ok(messageStatusMovesForward(from, 'read'));
    }
    assert.ok(messageStatusMovesForward('delivered', 'read'));
    for (const to of [...ENDINGS, 'delivered']) assert.equal(messageStatusMovesForward('read', to), false);
    for (const to of ENDINGS) assert.equal(messageStatusMovesForward('delivered', to), false);
  });

  it('when statuses arrive in any order, then the final status depends only on the set of endings written', () => {
    const permutations = (xs: string[]): string[][] =>
      xs.length <= 1
        ? [xs]
        : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
    const fold = (xs: string[]) => xs.reduce((cur, s) => (messageStatusMovesForward(cur, s) ? s : cur), 'sent');
    for (const p of permutations(['failed', 'delivered', 'read'])) assert.equal(fold(p), 'read');
  });
});
