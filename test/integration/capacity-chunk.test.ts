import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createPool, type Pool } from '../../src/db/pool';
import { createCapacityRepo } from '../../src/db/repositories/capacity';
import { createCapacityBatchRepo } from '../../src/db/repositories/capacity-batch';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createUsageRepo } from '../../src/db/repositories/usage';
import type { ReserveResult } from '../../src/delivery/capacity-port';
import { createChunkReserver } from '../../src/services/capacity-chunk';
import {
  type CapacityRequest,
  MAX_LATENESS_MS,
  PAIR_BURST,
  createCapacityLimiter,
  slotIntervalMs,
} from '../../src/services/capacity-limiter';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

/**
 * Chunked reservations (the campaign batch's path) against the real PostgreSQL, side by side with single ones, as
 * two workers see them: two pools, one set of rows, a test clock. Both paths must keep every limit together.
 */

const DAY = 86_400_000;
const T0 = Date.parse('2026-12-01T10:00:00.000Z');

describe('capacity: chunked reservations share every limit with single ones', () => {
  let db: TestDatabase;
  let second: Pool;
  let tenantId: string;
  let now = T0;
  const clock = () => now;
  const slept: number[] = [];
  // The test clock stands still unless a test moves it: a wait is recorded, not slept.
  const noSleep = async (ms: number) => {
    slept.push(ms);
  };
  const workers = () =>
    [db.pool, second].map((pool) => {
      const repo = createCapacityRepo(pool);
      return {
        ...createCapacityLimiter(repo, clock, noSleep),
        ...createChunkReserver(repo, createCapacityBatchRepo(pool), clock, noSleep),
      };
    });
  const usage = () => createUsageRepo(db.pool);
  let seq = 0;
  const phone = () => `phone-${++seq}`;
  const request = (o: Partial<CapacityRequest> = {}): CapacityRequest => ({
    tenantId,
    phoneNumberId: 'p',
    waId: 'w',
    throughputPerSecond: 80,
    ...o,
  });
  const granted = (results: readonly ReserveResult[]) => results.filter((r) => r.ok).length;

  before(async () => {
    db = await createTestDatabase();
    second = createPool(db.url, 10);
    tenantId = (await createTenantsRepo(db.pool).create('capacity-chunk')).tenant.id;
  });
  after(async () => {
    await second.end();
    await db.drop();
  });

  it('when two workers reserve six chunks of 50 and 60 single sends of one number at once, then slots stay 64/s apart and the backlog beyond 1 s is refused', async () => {
    now = T0;
    const [a, b] = workers();
    const id = phone();
    const chunks = Array.from({ length: 6 }, (_, c) =>
      (c % 2 ? a! : b!).reserveMany(
        Array.from({ length: 50 }, (_, i) => request({ phoneNumberId: id, waId: `c${c}-${i}` })),
      ),
    );
    const singles = Array.from({ length: 60 }, (_, i) =>
      (i % 2 ? a! : b!).reserve(request({ phoneNumberId: id, waId: `s${i}` })),
    );
    const results = [...(await Promise.all(chunks)).flat(), ...(await Promise.all(singles))];
    const times = results.flatMap((r) => (r.ok ? [r.reservation.leaveAt] : [])).sort((x, y) => x - y);
    assert.ok(times.length >= 64 && times.length <= 65, `${times.length} slots within 1 s at 64/s`);
    const interval = slotIntervalMs(80);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= interval - 1e-6, `gap ${i}`);
    assert.ok(results.every((r) => r.ok || (r.refused === 'throughput' && r.retryAfterMs > 0)));
  });

  it('when chunks and single sends count 120 new recipients against a limit of 40, then exactly 40 are counted, and a counted recipient costs nothing', async () => {
    now = T0 + 10 * DAY;
    const [a, b] = workers();
    const portfolio = { id: 'pf-chunk', limit: 40 };
    const chunk = (w: typeof a, from: number) =>
      w!.reserveMany(
        Array.from({ length: 30 }, (_, i) =>
          request({ phoneNumberId: phone(), waId: `r${from + i}`, throughputPerSecond: 1000, portfolio }),
        ),
      );
    const results = (
      await Promise.all([
        chunk(a, 0),
        chunk(b, 30),
        chunk(a, 60),
        ...Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? a! : b!)
            .reserve(request({ phoneNumberId: phone(), waId: `r${90 + i}`, portfolio }))
            .then((r) => [r]),
        ),
      ])
    ).flat();
    assert.equal(granted(results), 40);
    assert.ok(results.every((r) => r.ok || r.refused === 'messaging_limit'));
    assert.equal((await usage().snapshot(tenantId, 'r0', now)).portfolios['pf-chunk']!.uniqueRecipients24h, 40);
    const counted = results.filter((r) => r.ok).map((r) => (r.ok ? r.reservation.request.waId : ''));
    const again = await b!.reserveMany(
      counted.slice(0, 5).map((waId) => request({ phoneNumberId: phone(), waId, portfolio })),
    );
    assert.equal(granted(again), 5, 'already counted: room is not needed');
    assert.ok(again.every((r) => r.ok && r.reservation.countedAt === null));
  });

  it('when twelve chunks from two workers race for one portfolio row, then it counts exactly its limit and its count is the recipients it holds', async () => {
    now = T0 + 15 * DAY;
    const [a, b] = workers();
    const portfolio = { id: 'pf-race', limit: 250 };
    const results = (
      await Promise.all(
        Array.from({ length: 12 }, (_, c) =>
          (c % 2 ? a! : b!).reserveMany(
            Array.from({ length: 40 }, (_, i) =>
              request({ phoneNumberId: phone(), waId: `race${c}-${i}`, throughputPerSecond: 1000, portfolio }),
            ),
          ),
        ),
      )
    ).flat();
    assert.equal(granted(results), 250, 'the limit, neither more nor fewer');
    assert.ok(results.every((r) => r.ok || r.refused === 'messaging_limit'));
    const row = await db.pool.query<{ used: number; held: number; bucketed: number }>(
      `SELECT p.used,
              (SELECT count(*) FROM capacity_recipients r WHERE r.tenant_id = p.tenant_id AND r.portfolio_id = p.portfolio_id)::int AS held,
              (SELECT sum(recipients) FROM capacity_portfolio_minutes m WHERE m.tenant_id = p.tenant_id AND m.portfolio_id = p.portfolio_id)::int AS bucketed
         FROM capacity_portfolios p WHERE p.tenant_id = $1 AND p.portfolio_id = 'pf-race'`,
      [tenantId],
    );
    assert.deepEqual(row.rows[0], { used: 250, held: 250, bucketed: 250 });
  });

  it('when a pair in the chunk has spent its burst, then only it is refused and its recipient is given back to the portfolio', async () => {
    now = T0 + 20 * DAY;
    const [a] = workers();
    const id = phone();
    const portfolio = { id: 'pf-pair', limit: 10 };
    for (let i = 0; i < PAIR_BURST; i++) assert.ok((await a!.reserve(request({ phoneNumberId: id, waId: 'busy' }))).ok);
    const results = await a!.reserveMany([
      request({ phoneNumberId: id, waId: 'busy', portfolio }),
      request({ phoneNumberId: id, waId: 'calm', portfolio }),
    ]);
    assert.ok(!results[0]!.ok && results[0]!.refused === 'pair_rate');
    assert.ok(results[1]!.ok);
    const snap = await usage().snapshot(tenantId, 'busy', now);
    assert.equal(snap.portfolios['pf-pair']!.uniqueRecipients24h, 1, 'only the recipient that can be sent to counts');
    assert.equal(snap.recipientCountedIn?.includes('pf-pair'), false);
  });

  it('when a chunk asks a number for more than its backlog allows, then every refused recipient is given back: its count and its pair slot', async () => {
    now = T0 + 25 * DAY;
    const [a] = workers();
    const id = phone();
    const portfolio = { id: 'pf-backlog', limit: 1000 };
    const results = await a!.reserveMany(
      Array.from({ length: 100 }, (_, i) => request({ phoneNumberId: id, waId: `b${i}`, portfolio })),
    );
    const refused = results.flatMap((r, i) => (r.ok ? [] : [`b${i}`]));
    assert.ok(refused.length > 0 && results.every((r) => r.ok || r.refused === 'throughput'), 'some refused');
    const snap = await usage().snapshot(tenantId, 'b0', now);
    assert.equal(snap.portfolios['pf-backlog']!.uniqueRecipients24h, 100 - refused.length, 'only granted ones count');
    const pairs = await db.pool.query<{ wa_id: string; tat_ms: string }>(
      'SELECT wa_id, tat_ms FROM capacity_pair_slots WHERE tenant_id = $1 AND phone_number_id = $2 AND wa_id = ANY($3)',
      [tenantId, id, refused],
    );
    assert.ok(
      pairs.rows.every((row) => Number(row.tat_ms) <= now),
      `refused pairs' slots given back: ${JSON.stringify(pairs.rows.slice(0, 3))}`,
    );
    const again = await a!.reserveMany(
      refused.slice(0, 3).map((waId) => request({ phoneNumberId: phone(), waId, portfolio })),
    );
    assert.equal(granted(again), 3);
    assert.ok(
      again.every((r) => r.ok && r.reservation.countedAt === now),
      'counted again: the refusal had uncounted them',
    );
  });

  it('when a chunked send misses its slot, then it takes a new one; released, a slot goes back', async () => {
    now = T0 + 30 * DAY;
    const [a] = workers();
    const id = phone();
    const [r1, r2] = await a!.reserveMany([
      request({ phoneNumberId: id, waId: 'x' }),
      request({ phoneNumberId: id, waId: 'y' }),
    ]);
    assert.ok(r1?.ok && r2?.ok);
    assert.equal(r2.reservation.leaveAt - r1.reservation.leaveAt, slotIntervalMs(80));
    slept.length = 0;
    const onTime = await a!.leave(r2.reservation);
    assert.ok(onTime.ok && onTime.reservation.leaveAt === r2.reservation.leaveAt);
    assert.deepEqual(slept, [slotIntervalMs(80)], 'waited for its slot');
    now += MAX_LATENESS_MS + 50;
    const late = await a!.leave(r1.reservation);
    assert.ok(late.ok && late.reservation.leaveAt === now, 'a new slot, now: the old ones have passed');
    await a!.release(late.reservation, { left: false });
    const next = await a!.reserve(request({ phoneNumberId: id, waId: 'z' }));
    assert.ok(next.ok && next.reservation.leaveAt === now, 'the slot given back is taken by the next send');
  });

  it('when a number was idle for a day, then its next chunk is granted (the decayed load does not underflow)', async () => {
    now = T0 + 35 * DAY;
    const [a] = workers();
    const id = phone();
    assert.equal(granted(await a!.reserveMany([request({ phoneNumberId: id, waId: 'early' })])), 1);
    now += DAY;
    assert.equal(granted(await a!.reserveMany([request({ phoneNumberId: id, waId: 'late' })])), 1);
  });

  it('when the 24 h window rolls, then a chunk counts the same recipients again', async () => {
    now = T0 + 40 * DAY;
    const [a] = workers();
    const portfolio = { id: 'pf-roll', limit: 3 };
    const list = (ids: string[]) => ids.map((waId) => request({ phoneNumberId: phone(), waId, portfolio }));
    assert.equal(granted(await a!.reserveMany(list(['a', 'b', 'c', 'd']))), 3);
    now += DAY + 120_000;
    const rolled = await a!.reserveMany(list(['a', 'd', 'e', 'f']));
    assert.equal(granted(rolled), 3);
    assert.ok(rolled.slice(0, 3).every((r) => r.ok && r.reservation.countedAt === now));
    assert.equal((await usage().snapshot(tenantId, 'a', now)).portfolios['pf-roll']!.uniqueRecipients24h, 3);
  });
});
