import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createAnalyticsRollupRepo, rollupLockKey } from '../../src/db/repositories/analytics-rollup';
import { createMessagesRepo } from '../../src/db/repositories/messages';
import { ATTEMPT_STATUS_ORDER } from '../../src/domain/status';
import { assertCounts, insert, type Gen, type Row } from '../helpers/analytics';
import { startStack, type Stack } from '../helpers/stack';

/** A closed day, read as a whole day (from the rollup) and with a partial hour (from the rows) around it. */
const FROM = '2026-05-29T23:30:00Z';
const TO = '2026-05-31T00:00:00Z';

const gen = (g: Partial<Gen>): Gen => ({
  offsetMin: 0,
  outcome: { status: 'sent', reason: 'attempts_exhausted', via: null },
  campaign: null,
  template: 'offer',
  country: 'GB',
  attempts: [],
  ...g,
});

describe('delivery analytics: the daily rollup follows later writes', () => {
  let stack: Stack;
  let rows: Row[];
  before(async () => {
    stack = await startStack({ withoutWorker: true });
    const at = (createdAt: string, g: Gen): Row => ({ id: randomUUID(), createdAt, g });
    const template = { kind: 'template', category: 'marketing', billable: true } as const;
    rows = [
      at(
        '2026-05-30T08:00:00Z',
        gen({
          outcome: {
            status: 'delivered',
            reason: 'attempts_exhausted',
            via: { kind: 'template', waba: 'w1', phone: 'p1' },
          },
          attempts: [{ ...template, waba: 'w1', phone: 'p1' }],
        }),
      ),
      at('2026-05-30T09:00:00Z', gen({ attempts: [{ ...template, waba: 'w2', phone: 'p2', category: '' }] })),
      at('2026-05-29T23:45:00Z', gen({ campaign: 'c1', attempts: [{ ...template, waba: 'w2', phone: 'p3' }] })),
    ];
    await insert(stack, stack.tenant.id, rows);
    await assertCounts(stack, rows, FROM, TO, 'as inserted');
  });
  after(() => stack.stop());

  it('when the delivery paths write to a rolled-up day (a status, a late delivery, a new attempt, its price, an attempt removed), then each write alone is counted by the next page', async () => {
    const messages = createMessagesRepo(stack.db.pool);
    const tenant = stack.tenant.id;
    const [delivered, sent] = rows as [Row, Row];
    const rolled = await stack.db.pool.query('SELECT rolled_at FROM analytics_days WHERE tenant_id = $1', [tenant]);
    assert.equal(rolled.rowCount, 1, 'the whole day is rolled up');

    await messages.setStatus(tenant, delivered.id, 'read');
    delivered.g.outcome = { ...delivered.g.outcome, status: 'read' };
    await assertCounts(stack, rows, FROM, TO, 'after a read receipt');

    await messages.lateSuccess(tenant, sent.id, `${sent.id}:1`, 'delivered');
    sent.g.outcome = {
      status: 'delivered',
      reason: 'attempts_exhausted',
      via: { kind: 'template', waba: 'w2', phone: 'p2' },
    };
    await assertCounts(stack, rows, FROM, TO, 'after a late delivery');

    await messages.beginAttempt({
      id: `${sent.id}:2`,
      tenantId: tenant,
      messageId: sent.id,
      seq: 2,
      kind: 'template',
      wabaId: 'w1',
      phoneNumberId: 'p3',
    });
    sent.g.attempts.push({ kind: 'template', waba: 'w1', phone: 'p3', category: '', billable: true });
    await assertCounts(stack, rows, FROM, TO, 'after a failover attempt');

    await messages.foldAttemptStatus(`${sent.id}:2`, 'sent', ATTEMPT_STATUS_ORDER, {
      pricing: { category: 'utility', billable: true, type: 'regular' },
    });
    sent.g.attempts[1]!.category = 'utility';
    await assertCounts(stack, rows, FROM, TO, 'after its price');

    await stack.db.pool.query('DELETE FROM message_attempts WHERE id = $1', [`${sent.id}:2`]);
    sent.g.attempts.pop();
    await assertCounts(stack, rows, FROM, TO, 'after the attempt was removed');
  });

  it('when another refresh holds the tenant’s rollup, then a changed day is counted from its rows meanwhile', async () => {
    const holder = await stack.db.pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [rollupLockKey(stack.tenant.id)]);
      const [row] = rows as [Row];
      await stack.db.pool.query(
        `UPDATE messages SET status = 'failed', failure = '{"reason":"recipient_rejected"}' WHERE id = $1`,
        [row.id],
      );
      row.g.outcome = { status: 'failed', reason: 'recipient_rejected', via: row.g.outcome.via };
      await assertCounts(stack, rows, FROM, TO, 'while the rollup is held');
      const stale = await stack.db.pool.query('SELECT count(*)::int AS n FROM analytics_stale WHERE tenant_id = $1', [
        stack.tenant.id,
      ]);
      assert.ok(stale.rows[0].n > 0, 'the day is still marked changed: nothing rolled it up again');
    } finally {
      await holder.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [rollupLockKey(stack.tenant.id)]);
      holder.release();
    }
    await assertCounts(stack, rows, FROM, TO, 'once rolled up again');
  });

  it('when two refreshes run at once, then the day is rolled up once and both leave the counts right', async () => {
    const tenant = stack.tenant.id;
    await stack.db.pool.query('DELETE FROM analytics_days WHERE tenant_id = $1', [tenant]);
    const rollup = createAnalyticsRollupRepo(stack.db.pool);
    const results = await Promise.all([rollup.refresh(tenant, FROM, TO), rollup.refresh(tenant, FROM, TO)]);
    assert.deepEqual(results.map((r) => r.join(',')).sort(), ['', '2026-05-30']);
    await assertCounts(stack, rows, FROM, TO, 'after concurrent refreshes');
  });
});
