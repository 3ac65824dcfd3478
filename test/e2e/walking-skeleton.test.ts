import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signWebhookBody } from '../../src/meta/webhook-signature';
import { waitFor } from '../helpers/http';
import { startStack, TEST_APP_SECRET, type Stack } from '../helpers/stack';

const WABA = '200000000000900';
const ALICE = '447700900001';

describe('walking skeleton: HTTP → Temporal → simulator → signed webhook → HTTP', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ scenario: 'minimal' });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal((await stack.api('POST', `/v1/contacts/+${ALICE}/opt-in`, { source: 'test' })).status, 200);
  });
  after(() => stack.stop());

  it('when a message is sent, then it is delivered by a signed webhook and reads back as delivered with its wamid', async () => {
    const accepted = await stack.api('POST', '/v1/messages', {
      to: `+${ALICE}`,
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Alice', '20%'] },
      idempotencyKey: 'skeleton-1',
    });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    assert.equal(accepted.headers.get('location'), `/v1/messages/${accepted.body.id}`);

    const view = await waitFor(async () => {
      const r = await stack.api('GET', `/v1/messages/${accepted.body.id}`);
      return ['delivered', 'read'].includes(r.body.status) ? r.body : undefined;
    }, 'message delivered');
    assert.equal(view.attempts.length, 1);
    assert.match(view.attempts[0].wamid, /^wamid\./);
    assert.equal(view.deliveredVia.wabaId, WABA);
    assert.equal(view.deliveredVia.kind, 'template');
    assert.ok(view.timeline.some((e: { type: string }) => e.type === 'resolved'));

    const inbox = await stack.control.inbox(ALICE);
    assert.equal(inbox.length, 1, 'the customer received exactly one message');
    assert.equal(inbox[0]!.wamid, view.attempts[0].wamid);

    // The workflow ends at `delivered` or `read`; a `read` arriving after it ended updates only the read model.
    const handle = stack.temporal.client.workflow.getHandle(view.workflowId);
    const result = await handle.result();
    const desc = await handle.describe();
    assert.equal(desc.searchAttributes.LifelineStatus?.[0], result.status);
    assert.equal(desc.searchAttributes.LifelineTenant?.[0], stack.tenant.id);
    assert.equal(desc.searchAttributes.LifelineRecipient?.[0], ALICE);
  });

  it('when the same idempotency key is posted again, then the same message is returned and no second workflow runs', async () => {
    const body = {
      to: `+${ALICE}`,
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['A', 'B'] },
      idempotencyKey: 'dup-1',
    };
    const first = await stack.api('POST', '/v1/messages', body);
    const second = await stack.api('POST', '/v1/messages', body);
    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.id, first.body.id);
    assert.equal(second.body.created, false);
    await waitFor(
      async () => ['delivered', 'read'].includes((await stack.api('GET', `/v1/messages/${first.body.id}`)).body.status),
      'delivered',
    );
    const runs = await stack.temporal.client.workflow.list({ query: `WorkflowId = 'msg:${stack.tenant.id}:dup-1'` });
    let count = 0;
    for await (const _ of runs) count += 1;
    assert.equal(count, 1);
    const conflict = await stack.api('POST', '/v1/messages', { ...body, parameters: { body: ['X', 'Y'] } });
    assert.equal(conflict.status, 409);
  });

  it('when a webhook is unsigned or forged, then it is refused with 401 and nothing is stored', async () => {
    const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [] }] });
    const unsigned = await stack.api('POST', '/webhooks/whatsapp', undefined, { raw: body, key: null });
    assert.equal(unsigned.status, 401);
    const forged = await stack.api('POST', '/webhooks/whatsapp', undefined, {
      raw: body,
      key: null,
      headers: { 'x-hub-signature-256': signWebhookBody(body, 'not-the-secret') },
    });
    assert.equal(forged.status, 401);
    const count = await stack.db.pool.query('SELECT count(*)::int AS n FROM webhook_inbox WHERE body::text LIKE $1', [
      '%"changes": []%',
    ]);
    assert.equal(count.rows[0].n, 0);
    const good = await stack.api('POST', '/webhooks/whatsapp', undefined, {
      raw: body,
      key: null,
      headers: { 'x-hub-signature-256': signWebhookBody(body, TEST_APP_SECRET) },
    });
    assert.equal(good.status, 200);
  });
});
