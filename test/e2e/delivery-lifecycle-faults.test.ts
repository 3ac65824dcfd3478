import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createContactsRepo } from '../../src/db/repositories/contacts';
import { messageWorkflowId } from '../../workflows/definitions';
import { waitFor } from '../helpers/http';
import { helloOffer, MINIMAL, messageView, minimalStack, settledView, submit } from '../helpers/minimal';
import type { Stack } from '../helpers/stack';

/** Issue 20, D3 and L1-L3: what a message's record says must be what the customer got, whatever happens when. */
describe('delivery: late statuses, opt-outs and purged workflows', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  const inbox = () => stack!.control.inbox(MINIMAL.alice);
  const sends = () => stack!.control.sends({ recipient: MINIMAL.alice });

  it('when a workflow was purged by retention, then resubmitting its idempotency key returns the stored message and sends nothing (D3)', async () => {
    stack = await minimalStack();
    await stack.control.injectErrors({ code: 132000, count: 1 }); // a request error: the message fails, nothing reached anyone
    const body = helloOffer('d3-purged');
    const id = await submit(stack, body);
    const failed = await settledView(stack, id);
    assert.equal(failed.status, 'failed');
    const workflowId = messageWorkflowId(stack.tenant.id, 'd3-purged');
    await stack.temporal.client.workflowService.deleteWorkflowExecution({
      namespace: 'default',
      workflowExecution: { workflowId },
    });
    await waitFor(
      async () =>
        stack!.temporal.client.workflow
          .getHandle(workflowId)
          .describe()
          .then(() => false)
          .catch(() => true),
      'the workflow to be purged',
      90_000,
    );
    const again = await stack.api('POST', '/v1/messages', body);
    assert.equal(again.status, 202);
    assert.equal(again.body.id, id, 'the same message');
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await messageView(stack, id)).status, 'failed', 'its status is not overwritten');
    assert.equal((await sends()).length, 0, 'nothing was sent');
  });

  it('when Meta reports a failure after the status timeout, then the message fails over and is delivered (L1)', async () => {
    stack = await minimalStack({ timing: { statusTimeout: '2s' } });
    // sent after 3 s, failed after 6 s: well past the 2 s status timeout.
    await stack.control.setDelivery({ statusDelayMs: 3000 });
    await stack.control.injectErrors({ code: 131000, mode: 'async', count: 1 });
    const id = await submit(stack, helloOffer('l1-late-failure'));
    const done = await settledView(stack, id, 60_000);
    assert.ok(['delivered', 'read'].includes(done.status), JSON.stringify({ status: done.status, f: done.failure }));
    assert.equal((await sends()).length, 2, 'the failed send, then the one that arrived');
    assert.equal((await inbox()).length, 1);
  });

  it('when the contact opts out through the API while a message waits, then the message is cancelled and never sent (L2)', async () => {
    stack = await minimalStack();
    await stack.control.banWaba(MINIMAL.waba);
    const id = await submit(stack, helloOffer('l2-api-opt-out'));
    await waitFor(async () => (await messageView(stack!, id)).status === 'resolving', 'the message to wait');
    assert.equal((await stack.api('POST', `/v1/contacts/+${MINIMAL.alice}/opt-out`, { source: 'crm' })).status, 200);
    const done = await settledView(stack, id, 20_000);
    assert.equal(done.status, 'cancelled');
    await stack.control.reinstateWaba(MINIMAL.waba);
    await stack.api('POST', `/v1/wabas/${MINIMAL.waba}/sync`);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal((await sends()).length, 0);
  });

  it('when consent is withdrawn while a message waits, without any signal, then the send right after is refused (L2)', async () => {
    stack = await minimalStack();
    await stack.control.banWaba(MINIMAL.waba);
    const id = await submit(stack, helloOffer('l2-recheck'));
    await waitFor(async () => (await messageView(stack!, id)).status === 'resolving', 'the message to wait');
    // Another process records the opt-out directly: only the check before the send can see it.
    await createContactsRepo(stack.db.pool).optOut(stack.tenant.id, MINIMAL.alice, 'another-system');
    await stack.control.reinstateWaba(MINIMAL.waba);
    await stack.api('POST', `/v1/wabas/${MINIMAL.waba}/sync`);
    const done = await settledView(stack, id, 30_000);
    assert.equal(done.status, 'failed');
    assert.equal(done.failure.reason, 'opted_out');
    assert.equal((await sends()).length, 0);
  });

  it('when the customer sends STOP after Meta accepted the message, then its delivery is still recorded (L3)', async () => {
    stack = await minimalStack();
    await stack.control.setDelivery({ statusDelayMs: 3000 });
    const id = await submit(stack, helloOffer('l3-stop'));
    await waitFor(async () => (await messageView(stack!, id)).attempts[0]?.wamid, 'Meta to accept the send');
    await stack.control.customerReply(MINIMAL.alice, { type: 'text', text: 'STOP', phoneNumberId: MINIMAL.phones[0] });
    await waitFor(async () => (await inbox()).length === 1, 'the delivery', 20_000);
    const done = await waitFor(
      async () => {
        const v = await messageView(stack!, id);
        return ['delivered', 'read'].includes(v.status) ? v : undefined;
      },
      'the delivery to be recorded',
      20_000,
    );
    assert.equal(['delivered', 'read'].includes(done.attempts[0].outcome), true);
    assert.ok((await stack.api('GET', `/v1/contacts/+${MINIMAL.alice}`)).body.optedOutAt, 'the STOP still binds');
  });
});
