import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryOnDeadlock } from '../../src/db/pool';

describe('retryOnDeadlock: a deadlock victim runs again, nothing else does', () => {
  it('when PostgreSQL picks the statement as a deadlock victim twice, then the third run answers', async () => {
    let runs = 0;
    const answer = await retryOnDeadlock(async () => {
      runs += 1;
      if (runs < 3) throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      return 'done';
    });
    assert.deepEqual([answer, runs], ['done', 3]);
  });

  it('when the error is anything else, or deadlocks never stop, then it is thrown (after the last try)', async () => {
    let runs = 0;
    const other = Object.assign(new Error('unique violation'), { code: '23505' });
    await assert.rejects(
      retryOnDeadlock(async () => {
        runs += 1;
        throw other;
      }),
      other,
    );
    assert.equal(runs, 1);
    runs = 0;
    await assert.rejects(
      retryOnDeadlock(async () => {
        runs += 1;
        throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
      }, 3),
      { code: '40P01' },
    );
    assert.equal(runs, 3);
  });
});
