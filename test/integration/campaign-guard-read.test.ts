import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  GUARD_FROM,
  GUARD_READ_BEGIN,
  LAST_SENDS,
  createCampaignGuardRepo,
} from '../../src/db/repositories/campaign-guard';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { inTransaction } from '../../src/db/pool';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * The quality guard's read (docs/capacity.md, "Quality guard"): a campaign's last sends that reached Meta, newest
 * first, and — whatever the tenant's history — never a walk over attempts older than the campaign.
 */

interface Send {
  /** A campaign recipient (campaign_seq set) or a message the API only labelled with the campaign's id. */
  recipient?: boolean;
  outcome: 'sent' | 'recipient_failure' | 'other_failure' | 'pending';
  /** Seconds before now. */
  ago: number;
}

describe('campaign guard read', () => {
  let db: TestDatabase;
  let tenantId: string;
  const repo = () => createCampaignGuardRepo(db.pool);

  before(async () => {
    db = await createTestDatabase();
    tenantId = (await createTenantsRepo(db.pool).create('guard read')).tenant.id;
  });
  after(() => db.drop());

  async function campaign(o: { createdAgo: number; guardFromAgo?: number }): Promise<string> {
    const id = crypto.randomUUID();
    await db.pool.query(
      `INSERT INTO campaigns (id, tenant_id, request_hash, name, template_key, language, spec, status, workflow_id,
                              created_at, guard_from)
       VALUES ($1::uuid, $2, 'h', 'c', 'offer', 'en_US', '{}', 'running', 'wf-' || $1::text,
               now() - make_interval(secs => $3), now() - make_interval(secs => $4))`,
      [id, tenantId, o.createdAgo, o.guardFromAgo ?? null],
    );
    return id;
  }

  /** Messages of `campaignId` with one template attempt each, set-based. */
  async function sends(campaignId: string | null, list: readonly Send[]): Promise<void> {
    await db.pool.query(
      `WITH s AS (SELECT gen_random_uuid() AS id, x.* FROM unnest($3::bool[], $4::text[], $5::float8[]) AS x(r, outcome, ago)),
            m AS (INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language,
                                        campaign_id, request, campaign_seq)
                  SELECT id, $1, id::text, 'wf', '447700900001', 'offer', 'en_US', $2, '{}',
                         CASE WHEN r THEN nextval('messages_campaign_seq') END FROM s)
       INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, wamid, status, error_code,
                                     error, created_at)
       SELECT id || ':1', $1, id, 1, 'template', 'P1',
              CASE WHEN outcome = 'sent' THEN 'wamid.' || id END,
              CASE WHEN outcome = 'sent' THEN 'delivered' WHEN outcome = 'pending' THEN 'pending' ELSE 'failed' END,
              CASE WHEN outcome LIKE '%failure' THEN 131026 END,
              CASE outcome WHEN 'recipient_failure' THEN '{"kind":"recipient"}'::jsonb
                           WHEN 'other_failure' THEN '{"kind":"template"}'::jsonb END,
              now() - make_interval(secs => ago)
         FROM s`,
      [tenantId, campaignId, list.map((s) => s.recipient ?? true), list.map((s) => s.outcome), list.map((s) => s.ago)],
    );
  }

  /** `n` recipients of the campaign not sent yet. */
  async function queued(campaignId: string, n: number): Promise<void> {
    await db.pool.query(
      `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id,
                             request, campaign_seq, campaign_queue)
       SELECT id, $1, id::text, 'wf', '447700900001', 'offer', 'en_US', $2, '{}', nextval('messages_campaign_seq'), 'queued'
         FROM (SELECT gen_random_uuid() AS id FROM generate_series(1, $3)) g`,
      [tenantId, campaignId, n],
    );
  }

  const read = (campaignId: string, limit = 500) => repo().lastSends(tenantId, campaignId, ['recipient'], limit);

  /** The plan of the read as the repository runs it (its transaction's settings, the bound as a value), measured. */
  const plan = (campaignId: string) =>
    inTransaction(
      db.pool,
      async (client) => {
        const from = (await client.query<{ from: Date }>(GUARD_FROM, [tenantId, campaignId])).rows[0]!.from;
        const res = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
          `EXPLAIN (ANALYZE, FORMAT JSON) ${LAST_SENDS}`,
          [tenantId, campaignId, ['recipient'], 500, from],
        );
        return res.rows[0]!['QUERY PLAN'][0].Plan;
      },
      GUARD_READ_BEGIN,
    );

  it('when a campaign has sent, then its sends that reached Meta, newest first, failed only for the recipient', async () => {
    const id = await campaign({ createdAgo: 600 });
    await sends(id, [
      { outcome: 'sent', ago: 50 },
      { outcome: 'recipient_failure', ago: 40 },
      { outcome: 'other_failure', ago: 30 },
      { outcome: 'pending', ago: 20 },
      { outcome: 'recipient_failure', ago: 10 },
      { recipient: false, outcome: 'recipient_failure', ago: 5 },
    ]);
    assert.deepEqual(await read(id), [{ failed: true }, { failed: false }, { failed: true }, { failed: false }]);
    assert.deepEqual(await read(id, 2), [{ failed: true }, { failed: false }]);
  });

  it('when the guard paused the campaign, then only the sends after the pause count', async () => {
    const id = await campaign({ createdAgo: 3_600, guardFromAgo: 100 });
    await sends(id, [
      { outcome: 'recipient_failure', ago: 500 },
      { outcome: 'recipient_failure', ago: 200 },
      { outcome: 'sent', ago: 50 },
    ]);
    assert.deepEqual(await read(id), [{ failed: false }]);
  });

  it('when a running campaign has sent thousands and its attempts have no statistics yet, then the read walks only its last sends', async () => {
    // A campaign inserts attempts faster than autovacuum analyses them: the planner has no statistics (a fresh
    // table) and once chose to read all of the campaign's attempts and sort them, a look that grew with every send.
    await db.pool.query(
      'ALTER TABLE message_attempts SET (autovacuum_enabled = false); ALTER TABLE messages SET (autovacuum_enabled = false)',
    );
    const analysed = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_user_tables
        WHERE relname IN ('message_attempts', 'messages') AND (last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)`,
    );
    assert.equal(analysed.rows[0]!.n, 0, 'the tables have no statistics');
    const id = await campaign({ createdAgo: 900 });
    await sends(
      id,
      Array.from({ length: 5_000 }, (_, i) => ({ outcome: 'sent' as const, ago: 800 - i / 10 })),
    );
    assert.equal((await read(id)).length, 500);
    const most = maxRows(await plan(id));
    assert.ok(most <= 600, `a plan node read ${most} rows of the campaign's 5,000`);
    await db.pool.query(
      'ALTER TABLE message_attempts RESET (autovacuum_enabled); ALTER TABLE messages RESET (autovacuum_enabled)',
    );
    // Analysed, the planner knows the campaign's thousands of attempts (it once hash-joined them with `messages`).
    await db.pool.query('ANALYZE message_attempts; ANALYZE messages');
    const analysedMost = maxRows(await plan(id));
    assert.ok(analysedMost <= 600, `analysed, a plan node read ${analysedMost} rows of the campaign's 5,000`);
  });

  it('when the tenant has a long history and a big campaign few sends yet, then the read walks none of the history', async () => {
    const old = await campaign({ createdAgo: 7_200 });
    await sends(
      old,
      Array.from({ length: 20_000 }, (_, i) => ({ outcome: 'sent' as const, ago: 3_600 + i / 10 })),
    );
    await sends(
      null,
      Array.from({ length: 5_000 }, (_, i) => ({ recipient: false, outcome: 'sent' as const, ago: 1_800 + i / 10 })),
    );
    // A list of 20,000 of which 40 went out: the planner walks the tenant's attempts, not the list.
    const id = await campaign({ createdAgo: 120 });
    await queued(id, 20_000);
    await db.pool.query('ANALYZE message_attempts; ANALYZE messages');
    await sends(
      id,
      Array.from({ length: 40 }, (_, i) => ({ outcome: 'sent' as const, ago: 60 - i })),
    );
    assert.equal((await read(id)).length, 40);
    // The plan the repository runs, measured: no node reads more rows than the campaign has sends (plus slack) —
    // unbounded, the walk read the 25,000 older attempts.
    const most = maxRows(await plan(id));
    assert.ok(most <= 100, `a plan node read ${most} rows`);
  });
});

interface PlanNode {
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
}

/** The most rows any node of the plan produced or filtered out, over all its loops. */
function maxRows(n: PlanNode): number {
  const own = (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0)) * n['Actual Loops'];
  return Math.max(own, ...(n.Plans ?? []).map(maxRows));
}
