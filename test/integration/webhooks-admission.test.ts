import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack';
import { envelope, inboxCount, metric, postWebhook } from '../helpers/webhooks';

const WABA = '200000000000901';
const REVIEW = (decision: string) => envelope(WABA, 'account_review_update', { decision });

describe('webhook intake: admission control under a flood or a stalled database', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ scenario: 'minimal', app: { webhookMaxInFlight: 2 } });
  });
  after(() => stack.stop());

  it('when more requests are in flight than the API admits, then the next is a fast 503 with Retry-After and none admitted is lost', async () => {
    const stored = await inboxCount(stack);
    const refusedBefore = await metric(stack, 'lifeline_webhooks_rejected_total', { reason: 'overloaded' });
    // A stalled database: every INSERT into the inbox waits behind this lock until it is released.
    const blocker = await stack.db.pool.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE webhook_inbox IN ACCESS EXCLUSIVE MODE');
    let admitted: Promise<{ status: number }>[] = [];
    try {
      admitted = [postWebhook(stack, REVIEW('APPROVED')), postWebhook(stack, REVIEW('REJECTED'))];
      // Both are held at their INSERT (nothing answers them yet), filling the two places.
      await new Promise((r) => setTimeout(r, 500));
      const started = Date.now();
      const refused = await postWebhook(stack, REVIEW('DEFERRED'));
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal(refused.headers.get('retry-after'), '1');
      assert.equal((refused.body as { error: { code: string } }).error.code, 'overloaded');
      assert.ok(Date.now() - started < 2_000, 'refused at once, not queued behind the lock');
    } finally {
      await blocker.query('COMMIT');
      blocker.release();
    }
    assert.deepEqual(
      (await Promise.all(admitted)).map((r) => r.status),
      [200, 200],
      'the admitted requests are stored once the database answers',
    );
    assert.equal(await inboxCount(stack), stored + 2);
    assert.equal(await metric(stack, 'lifeline_webhooks_rejected_total', { reason: 'overloaded' }), refusedBefore + 1);
    // Their places are free again: Meta's retry of the refused one is admitted.
    assert.equal((await postWebhook(stack, REVIEW('DEFERRED'))).status, 200);
    assert.equal(await inboxCount(stack), stored + 3);
  });
});
