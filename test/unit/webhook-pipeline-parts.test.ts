import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { isInfrastructureError } from '../../src/services/infrastructure-errors';
import { createMicroBatcher } from '../../src/services/micro-batcher';
import { scopeTenants, statusInScope } from '../../src/services/webhooks/tenant-scope';
import { createTenantSecretCache } from '../../src/services/webhooks/tenant-secrets';

describe('webhook pipeline parts', () => {
  it('when requests arrive together, then the micro-batcher flushes them in few batches and answers each with its own result', async () => {
    const batches: number[][] = [];
    const batcher = createMicroBatcher(
      async (items: number[]) => {
        batches.push(items);
        await new Promise((r) => setTimeout(r, 10));
        return items.map((i) => i * 2);
      },
      { maxBatch: 40, concurrency: 2 },
    );
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => batcher.submit(i)));
    assert.deepEqual(
      results,
      Array.from({ length: 100 }, (_, i) => i * 2),
    );
    assert.ok(batches.length <= 4, `${batches.length} batches`);
    assert.ok(batches.every((b) => b.length <= 40));
  });

  it('when a flush fails, then every request of that batch fails and the next batch still runs', async () => {
    let calls = 0;
    const batcher = createMicroBatcher(
      async (items: string[]) => {
        calls += 1;
        if (calls === 1) throw new Error('down');
        return items;
      },
      { maxBatch: 10, concurrency: 1 },
    );
    const first = await Promise.allSettled([batcher.submit('a'), batcher.submit('b')]);
    assert.deepEqual(
      first.map((r) => r.status),
      ['rejected', 'rejected'],
    );
    assert.equal(await batcher.submit('c'), 'c');
  });

  it("when a tenant's secret signed the body, then only that tenant's own resources are in scope; the platform needs one owner", () => {
    assert.deepEqual(scopeTenants(['a', 'b'], { tenantId: 'a' }, 'WABA 1'), { tenants: ['a'] });
    assert.match(scopeTenants(['b'], { tenantId: 'a' }, 'WABA 1').refused!, /does not belong/);
    assert.deepEqual(scopeTenants(['b'], { tenantId: null }, 'WABA 1'), { tenants: ['b'] });
    assert.match(scopeTenants(['a', 'b'], { tenantId: null }, 'WABA 1').refused!, /registered by 2 tenants/);
    assert.match(scopeTenants([], { tenantId: null }, 'WABA 1').refused!, /not registered/);
    assert.equal(statusInScope('b', { tenantId: 'a' }), false);
    assert.equal(statusInScope('b', { tenantId: null }), true);
  });

  it('when errors say the database or Temporal is unavailable, then they are infrastructure; bad data and bugs are not', () => {
    const pg = (code: string) => Object.assign(new Error('pg'), { code });
    assert.equal(isInfrastructureError(pg('08006')), true);
    assert.equal(isInfrastructureError(pg('57P01')), true);
    assert.equal(isInfrastructureError(pg('40001')), true);
    assert.equal(isInfrastructureError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), true);
    assert.equal(isInfrastructureError(new Error('Connection terminated unexpectedly')), true);
    assert.equal(
      isInfrastructureError(new ServiceError('down', { cause: Object.assign(new Error('u'), { code: 14 }) })),
      true,
    );
    assert.equal(
      isInfrastructureError(new ServiceError('bad', { cause: Object.assign(new Error('u'), { code: 3 }) })),
      false,
    );
    assert.equal(isInfrastructureError(new WorkflowNotFoundError('gone', 'wf', undefined)), false);
    assert.equal(isInfrastructureError(pg('22P02')), false, 'invalid text representation');
    assert.equal(isInfrastructureError(pg('23505')), false);
    assert.equal(isInfrastructureError(new RangeError('Invalid time value')), false);
  });

  it('when a request names a tenant the cache lacks, then it reloads at most once per interval', async () => {
    let now = 0;
    let loads = 0;
    const secrets = new Map([['t1', 's1']]);
    const cache = createTenantSecretCache(
      async () => {
        loads += 1;
        return new Map(secrets);
      },
      { ttlMs: 30_000, missReloadMs: 1_000, now: () => now },
    );
    assert.equal(await cache.get('t1'), 's1');
    for (let i = 0; i < 50; i++) assert.equal(await cache.get(`made-up-${i}`), undefined);
    assert.equal(loads, 1, 'made-up tenants do not reload within the interval');
    secrets.set('t2', 's2');
    now = 1_500;
    assert.equal(await cache.get('t2'), 's2', 'a new tenant is found after the interval');
    assert.equal(loads, 2);
    secrets.set('t1', 'rotated');
    cache.invalidate();
    assert.equal(await cache.get('t1'), 'rotated');
  });
});
