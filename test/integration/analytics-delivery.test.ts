import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { assertCounts, change, changeArb, insert, messageArb, type Gen, type Row } from '../helpers/analytics';
import { startStack, type Stack } from '../helpers/stack';

const NOW = Date.parse('2026-06-01T00:00:00Z');
// Not on midnights: the window's whole days are read from the daily rollup, its edges from the rows.
const FROM = new Date(NOW - 4 * 86_400_000 + 5.5 * 3_600_000).toISOString();
const TO = new Date(NOW - 7 * 3_600_000 + 1).toISOString();

describe('delivery analytics: the counts are the rows it summarises', () => {
  let stack: Stack;
  let otherTenant: string;
  before(async () => {
    stack = await startStack({ withoutWorker: true });
    const other = await stack.admin('POST', '/v1/tenants', { name: 'other tenant' });
    otherTenant = other.body.id as string;
  });
  after(() => stack.stop());

  it('when messages are generated for two tenants and then change, then every grouping, paged, counts exactly the caller’s rows in the window, before and after the changes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { maxLength: 40 }),
        fc.array(messageArb, { maxLength: 10 }),
        fc.array(changeArb, { maxLength: 20 }),
        async (mine, theirs, changes) => {
          await stack.db.pool.query('DELETE FROM messages WHERE tenant_id = ANY($1::uuid[])', [
            [stack.tenant.id, otherTenant],
          ]);
          const rows = (gs: Gen[]): Row[] =>
            gs.map((g) => ({ id: randomUUID(), createdAt: new Date(NOW + g.offsetMin * 60_000).toISOString(), g }));
          const own = rows(mine);
          await insert(stack, stack.tenant.id, own);
          await insert(stack, otherTenant, rows(theirs));
          // The first pages roll the window's closed days up; the changes come after, on rolled-up days.
          await assertCounts(stack, own, FROM, TO, 'as generated');
          await change(stack, stack.tenant.id, own, changes);
          await assertCounts(stack, own, FROM, TO, 'after the changes');
        },
      ),
      { numRuns: 12 },
    );
  });

  it('when the window is whole days, then they are all read from the rollup and still count every row', async () => {
    const from = new Date(NOW - 3 * 86_400_000).toISOString();
    const to = new Date(NOW).toISOString();
    await stack.db.pool.query('DELETE FROM messages WHERE tenant_id = $1', [stack.tenant.id]);
    const own = fc
      .sample(messageArb, { numRuns: 60, seed: 7 })
      .map((g): Row => ({ id: randomUUID(), createdAt: new Date(NOW + g.offsetMin * 60_000).toISOString(), g }));
    await insert(stack, stack.tenant.id, own);
    await assertCounts(stack, own, from, to, 'whole days');
    const rolled = await stack.db.pool.query(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day FROM analytics_days WHERE tenant_id = $1 AND day >= $2::date ORDER BY 1`,
      [stack.tenant.id, from.slice(0, 10)],
    );
    assert.deepEqual(
      rolled.rows.map((r: { day: string }) => r.day).filter((d) => d < to.slice(0, 10)),
      ['2026-05-29', '2026-05-30', '2026-05-31'],
    );
  });

  it('when the query is bad, then 400 names the field', async () => {
    const bad = async (qs: string, field: string) => {
      const r = await stack.api('GET', `/v1/analytics/delivery?${qs}`);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.ok(
        JSON.stringify(r.body.error.details).includes(field),
        `${qs} names ${field}: ${JSON.stringify(r.body)}`,
      );
    };
    await bad(`from=${FROM}&to=${TO}&groupBy=week`, 'query.groupBy');
    await bad(`from=yesterday&to=${TO}`, 'query.from');
    await bad(`from=${TO}&to=${FROM}`, 'query.to');
    await bad(`to=${TO}`, 'query.from');
    await bad(`from=${FROM}&to=${TO}&limit=0`, 'query.limit');
    await bad(`from=${FROM}&to=${TO}&cursor=nope`, 'query.cursor');
    await bad(`from=${FROM}&to=${TO}&tenant=x`, 'query');
  });
});
