import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMessageActivities } from '../../activities/messages';
import { createContactsRepo } from '../../src/db/repositories/contacts';
import { createMessagesRepo } from '../../src/db/repositories/messages';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createWebhookStatusesRepo } from '../../src/db/repositories/webhook-statuses';
import { ATTEMPT_STATUS_ORDER } from '../../src/domain/status';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * Issue 20, L4: a message's status is written by its workflow (recordProgress) and by the webhook processor (a
 * delivery reported after the workflow stopped waiting). Whatever the interleaving, it never moves backwards.
 */
describe('message status writes are monotonic in SQL', () => {
  let db: TestDatabase;
  let tenantId: string;
  const repo = () => createMessagesRepo(db.pool);
  const workflow = () =>
    createMessageActivities({
      messages: repo(),
      contacts: createContactsRepo(db.pool),
      tenants: createTenantsRepo(db.pool),
    });

  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenantsRepo(db.pool).create('monotonic')).tenant.id;
  });
  after(() => db.drop());

  /** A message with one template attempt accepted by Meta. */
  async function acceptedMessage(): Promise<{ id: string; attemptId: string }> {
    const id = crypto.randomUUID();
    await repo().createOrGet({
      id,
      tenantId,
      idempotencyKey: id,
      workflowId: `wf-${id}`,
      recipient: '447700900001',
      templateKey: 'offer',
      language: 'en_US',
      request: {},
    });
    const attemptId = `${id}:1`;
    await repo().beginAttempt({
      id: attemptId,
      tenantId,
      messageId: id,
      seq: 1,
      kind: 'template',
      phoneNumberId: 'P1',
    });
    await repo().attemptAccepted(attemptId, `wamid.${id}`, `wf-${id}`);
    return { id, attemptId };
  }
  const status = async (id: string) => (await repo().get(tenantId, id))!.status;
  const progress = (id: string, s: 'sending' | 'sent' | 'delivered' | 'failed' | 'resolving') =>
    workflow().recordProgress({ tenantId, messageId: id, status: s });

  it('when the webhook processor records a delivery just before the workflow writes sent, then the message stays delivered', async () => {
    const m = await acceptedMessage();
    await progress(m.id, 'sent');
    await repo().lateSuccess(tenantId, m.id, m.attemptId, 'delivered');
    await progress(m.id, 'sent'); // the workflow's final write, decided before it saw the delivery
    assert.equal(await status(m.id), 'delivered');
  });

  it('when a read is recorded and the workflow then ends delivered or failed, then the message stays read', async () => {
    const m = await acceptedMessage();
    await progress(m.id, 'delivered');
    await repo().lateSuccess(tenantId, m.id, m.attemptId, 'read');
    await progress(m.id, 'delivered');
    await progress(m.id, 'failed');
    assert.equal(await status(m.id), 'read');
  });

  it('when a message is still in flight, then its progress statuses move freely (a failover goes back to sending)', async () => {
    const m = await acceptedMessage();
    await progress(m.id, 'sent');
    await progress(m.id, 'sending');
    assert.equal(await status(m.id), 'sending');
    await progress(m.id, 'resolving');
    assert.equal(await status(m.id), 'resolving');
  });

  it('when a message ended failed, then an in-flight status cannot reopen it, but a delivery the customer got can', async () => {
    const m = await acceptedMessage();
    await progress(m.id, 'failed');
    await progress(m.id, 'sending');
    assert.equal(await status(m.id), 'failed');
    await repo().lateSuccess(tenantId, m.id, m.attemptId, 'delivered');
    assert.equal(await status(m.id), 'delivered');
  });

  it('when the batched webhook fold reports a delivery after the workflow ended failed, then the message is delivered, and a later failed status cannot undo it', async () => {
    const m = await acceptedMessage();
    await progress(m.id, 'failed');
    const fold = (status: string) =>
      createWebhookStatusesRepo(db.pool).fold(
        [{ attemptId: m.attemptId, wamid: `wamid.${m.id}`, status, byAttemptId: false }],
        ATTEMPT_STATUS_ORDER,
      );
    await fold('delivered');
    assert.equal(await status(m.id), 'delivered');
    await fold('failed');
    await progress(m.id, 'failed');
    assert.equal(await status(m.id), 'delivered');
    await fold('read');
    assert.equal(await status(m.id), 'read');
  });
});
