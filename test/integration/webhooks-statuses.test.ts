import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { drained, envelope, parkedMessage, postWebhook, signalsOf, statusValue } from '../helpers/webhooks';

const WABA = '200000000000900';
const PHONE = '300000000000901';
const CUSTOMER = '447700900002';

describe('webhook statuses: out of order, duplicated, ahead of their wamid', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ scenario: 'minimal', tenantSettings: { requireOptIn: false } });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    // No read receipts: the ladder ends at `delivered`, so `read` cannot hide a regression to `sent`.
    await stack.control.setCustomer(CUSTOMER, { readsMessages: false });
  });
  after(() => stack.stop());

  it('when `delivered` arrives before `sent` (and twice), then the message ends delivered', async () => {
    await stack.control.setDelivery({ outOfOrderRate: 1, duplicateRate: 1, statusDelayMs: 60 });
    const accepted = await stack.api('POST', '/v1/messages', {
      to: `+${CUSTOMER}`,
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Bea', '10%'] },
      idempotencyKey: 'out-of-order-1',
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    const view = await waitFor(async () => {
      const r = await stack.api('GET', `/v1/messages/${accepted.body.id}`);
      return r.body.status === 'delivered' ? r.body : undefined;
    }, 'message delivered');
    const wamid = view.attempts[0].wamid as string;

    // The simulator really sent them out of order, each twice.
    // (The message can read as delivered before the late `sent`s have even been emitted: wait for all four.)
    const statuses = await waitFor(async () => {
      const seen = (await stack.control.webhooks({ field: 'messages' }))
        .flatMap((w) => (w.payload.entry[0]!.changes[0]!.value as any).statuses ?? [])
        .filter((s: { id: string }) => s.id === wamid)
        .map((s: { status: string }) => s.status);
      return seen.length >= 4 ? seen : undefined;
    }, 'the four status webhooks');
    assert.deepEqual(statuses, ['delivered', 'delivered', 'sent', 'sent']);

    // Every late `sent` is in and processed: the status stays delivered, on the message and on its attempt.
    await waitFor(async () => {
      const seen = await stack.db.pool.query(
        'SELECT count(*)::int AS n FROM webhook_events_seen WHERE event_key = ANY($1)',
        [[`status:${wamid}:sent`, `status:${wamid}:delivered`]],
      );
      return seen.rows[0].n === 2;
    }, 'both statuses processed');
    const final = await stack.api('GET', `/v1/messages/${accepted.body.id}`);
    assert.equal(final.body.status, 'delivered');
    assert.equal(final.body.attempts[0].outcome, 'delivered');
    const signalled = (await signalsOf(stack, view.workflowId, 'status')) as { status: string }[];
    assert.equal(signalled[0]?.status, 'delivered');
    assert.equal(signalled.filter((s) => s.status === 'delivered').length, 1, 'the duplicate was not signalled again');
    await stack.control.setDelivery({ outOfOrderRate: 0, duplicateRate: 0, statusDelayMs: 20 });
  });

  it('when a status arrives before its wamid is stored, then it is kept and applied once the wamid appears', async () => {
    const wamid = `wamid.EARLY-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE });
    try {
      assert.equal(
        (await postWebhook(stack, envelope(WABA, 'messages', statusValue(PHONE, wamid, 'delivered')))).status,
        200,
      );
      // It waits in webhook_waiting_statuses; its body is done (nothing retries it, nothing drops it).
      await waitFor(async () => {
        const r = await stack.db.pool.query('SELECT 1 FROM webhook_waiting_statuses WHERE wamid = $1', [wamid]);
        return r.rowCount === 1;
      }, 'status kept while its wamid is unknown');
      await drained(stack);
      assert.equal((await signalsOf(stack, parked.workflowId, 'status')).length, 0);
      // Minutes pass (the old processor gave up after ~5) and retention runs: the status still waits.
      await stack.db.pool.query(
        "UPDATE webhook_waiting_statuses SET received_at = now() - interval '30 minutes' WHERE wamid = $1",
        [wamid],
      );
      await stack.processor.prune();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await parked.attempt())?.status, 'sending', 'nothing applied before the wamid is known');

      await parked.accept(wamid); // the send's response is stored at last
      await waitFor(async () => (await parked.attempt())?.status === 'delivered', 'attempt delivered');
      const signalled = (await signalsOf(stack, parked.workflowId, 'status')) as { wamid: string; status: string }[];
      assert.equal(signalled.length, 1);
      assert.equal(signalled[0]!.wamid, wamid);
      assert.equal(signalled[0]!.status, 'delivered');
      const left = await stack.db.pool.query('SELECT 1 FROM webhook_waiting_statuses WHERE wamid = $1', [wamid]);
      assert.equal(left.rowCount, 0, 'no longer waiting');
    } finally {
      await parked.terminate();
    }
  });
});
