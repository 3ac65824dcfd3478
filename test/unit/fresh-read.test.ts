import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshRead } from '../../src/services/fresh-read';

describe('freshRead', () => {
  it('when many callers read one key within the ttl, then it is loaded once', async () => {
    let loads = 0;
    let t = 0;
    const read = freshRead(
      50,
      250,
      async (k: string) => `${k}:${++loads}`,
      () => t,
    );
    const values = await Promise.all([read('a'), read('a'), read('a')]);
    assert.deepEqual(values, ['a:1', 'a:1', 'a:1']);
    t = 60;
    assert.equal(await read('a'), 'a:2', 'a read older than the ttl is loaded again');
  });

  it('when a read resolves later than maxAge after it began, then a newer read answers instead', async () => {
    let t = 0;
    let loads = 0;
    const read = freshRead(
      50,
      250,
      async () => {
        loads += 1;
        if (loads === 1) t = 300; // the first load is slow: it began before something acknowledged meanwhile
        return loads;
      },
      () => t,
    );
    assert.equal(await read('k'), 2);
  });

  it('when a load fails, then the failure is not kept for the next caller', async () => {
    let fail = true;
    const read = freshRead(1000, 1000, async () => {
      if (fail) throw new Error('database away');
      return 'ok';
    });
    await assert.rejects(read('k'), /database away/);
    fail = false;
    assert.equal(await read('k'), 'ok');
  });

  it('when more keys are read than it keeps, then the least recently read are loaded again and the rest are not', async () => {
    const loads = new Map<number, number>();
    const read = freshRead(
      60_000,
      60_000,
      async (k: number) => {
        loads.set(k, (loads.get(k) ?? 0) + 1);
        return k;
      },
      Date.now,
      3,
    );
    for (const k of [1, 2, 3]) await read(k);
    await read(1); // 1 is now the most recently read
    await read(4); // evicts 2
    await read(1);
    await read(2);
    assert.equal(loads.get(1), 1);
    assert.equal(loads.get(2), 2);
  });
});
