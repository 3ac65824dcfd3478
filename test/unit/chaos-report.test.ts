import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chaosCounts } from '../../src/bench/chaos/report';

describe('chaos verdict', () => {
  it('when inboxes and statuses are compared, then lost, twice, misreported and unsettled are counted apart', () => {
    const inbox: Record<string, number> = { a: 1, b: 0, c: 2, d: 1, e: 0, f: 1 };
    const counts = chaosCounts(
      [
        { id: '1', recipient: 'a', status: 'read' }, // fine
        { id: '2', recipient: 'b', status: 'failed' }, // lost, correctly reported
        { id: '3', recipient: 'c', status: 'delivered' }, // twice
        { id: '4', recipient: 'd', status: 'cancelled' }, // misreported: the customer has it
        { id: '5', recipient: 'e', status: 'delivered' }, // lost and misreported
        { id: '6', recipient: 'f', status: 'sent' }, // unsettled
      ],
      (r) => inbox[r] ?? 0,
    );
    assert.deepEqual(
      { lost: counts.lost, twice: counts.receivedTwice, mis: counts.misreported, unsettled: counts.unsettled },
      { lost: 2, twice: 1, mis: 2, unsettled: 1 },
    );
    assert.equal(counts.byStatus.delivered, 2);
  });
});
