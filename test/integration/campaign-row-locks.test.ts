import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Pool } from '../../src/db/pool';
import { createCampaignQueueRepo, type BatchOutcome } from '../../src/db/repositories/campaign-queue';
import { createCampaignStatusesRepo } from '../../src/db/repositories/campaign-statuses';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createWebhookStatusesRepo } from '../../src/db/repositories/webhook-statuses';
import { ATTEMPT_STATUS_ORDER } from '../../src/domain/status';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * A chunk's outcome write and the status folds of the same sends run at once in a campaign (docs/campaigns.md):
 * they must take their row locks in one order, or they deadlock and each deadlock stalls both for PostgreSQL's
 * deadlock_timeout. The repositories run against the real PostgreSQL through a pool that counts every deadlock
 * before a retry hides it.
 */

const OWNER = 'batch-locks#1';
const ROWS = 60;

describe('campaign rows: the outcome write and the status folds lock in one order', () => {
  let db: TestDatabase;
  let tenantId: string;
  let deadlocks = 0;
  let counting: Pool;

  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenantsRepo(db.pool).create('row locks')).tenant.id;
    // The repositories' own statements, counted as they fail: writeOutcomes retries a deadlock, so its victim
    // would not be seen otherwise.
    counting = Object.create(db.pool) as Pool;
    counting.query = ((...args: Parameters<Pool['query']>) =>
      (db.pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((e: { code?: string }) => {
        if (e.code === '40P01') deadlocks += 1;
        throw e;
      })) as Pool['query'];
  });
  after(() => db.drop());

  /** `ROWS` campaign recipients claimed by OWNER, each with its attempt in flight; ids in a random order. */
  async function claimed(round: number): Promise<string[]> {
    const res = await db.pool.query<{ id: string }>(
      `WITH m AS (
         INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id,
                               request, campaign_seq, campaign_queue, campaign_batch, campaign_attempt, driven_by, status)
         SELECT id, $1, id::text, 'wf', '4477' || lpad(g::text, 8, '0'), 'offer', 'en_US', $2, '{}',
                nextval('messages_campaign_seq'), 'sending', $3, 1, 'campaign', 'sending'
           FROM (SELECT gen_random_uuid() AS id, g FROM generate_series(1, $4) g) s
         RETURNING id)
       , a AS (
         INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, waba_id, phone_number_id, template_id,
                                       template_name, status)
         SELECT id || ':1', $1, id, 1, 'template', 'W1', 'P1', 'T1', 'offer', 'sending' FROM m)
       SELECT id FROM m ORDER BY random()`,
      [tenantId, `campaign-${round}`, OWNER, ROWS],
    );
    return res.rows.map((r) => r.id);
  }

  it('when a chunk is written while its statuses fold in the opposite order, then no statement deadlocks and every row ends delivered', async () => {
    const queue = createCampaignQueueRepo(counting);
    const folds = createWebhookStatusesRepo(counting);
    const campaign = createCampaignStatusesRepo(counting);
    for (let round = 0; round < 20; round++) {
      const ids = await claimed(round);
      const wamid = (id: string) => `wamid.${id}`;
      const outcomes: BatchOutcome[] = ids.map((id) => ({
        messageId: id,
        attemptId: `${id}:1`,
        queue: 'sent',
        status: 'sent',
        wamid: wamid(id),
        attempt: 'accepted',
        event: { type: 'sent', data: { attemptId: `${id}:1`, wamid: wamid(id) } },
      }));
      const reversed = [...ids].reverse();
      await Promise.all([
        queue.writeOutcomes(tenantId, OWNER, outcomes),
        folds.fold(
          reversed.map((id) => ({
            attemptId: `${id}:1`,
            wamid: wamid(id),
            status: 'delivered',
            byAttemptId: true,
            campaign: true,
          })),
          ATTEMPT_STATUS_ORDER,
        ),
        campaign.apply(
          reversed.map((id) => ({ messageId: id, attemptId: `${id}:1`, wamid: wamid(id), status: 'delivered' })),
          2,
        ),
      ]);
      const rows = await db.pool.query<{ status: string; queue: string; attempt: string }>(
        `SELECT m.status, m.campaign_queue AS queue, a.status AS attempt
           FROM messages m JOIN message_attempts a ON a.message_id = m.id WHERE m.id = ANY($1::uuid[])`,
        [ids],
      );
      assert.ok(
        rows.rows.every((r) => r.status === 'delivered' && r.queue === 'done' && r.attempt === 'delivered'),
        `round ${round}: ${JSON.stringify(rows.rows.find((r) => r.status !== 'delivered' || r.queue !== 'done'))}`,
      );
    }
    assert.equal(deadlocks, 0, 'deadlocks between the outcome write and the status folds');
  });
});
