import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { helloOffer, MINIMAL, minimalStack, settledView, submit } from '../helpers/minimal';
import type { Stack } from '../helpers/stack';

/**
 * Issue 20, D1 and D2: Meta accepted a send but Lifeline did not learn so (the reply came after the client's
 * timeout, the connection was reset, or recording the accepted attempt failed). The message must still reach the
 * customer exactly once. Statuses are held back, so no status webhook can tell a hasty resend that Meta had it.
 */
describe('delivery: an unknown outcome is never resent blindly', () => {
  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.stop();
    stack = undefined;
  });

  async function expectOnce(id: string) {
    const done = await settledView(stack!, id, 90_000);
    assert.ok(['delivered', 'read'].includes(done.status), JSON.stringify({ status: done.status, f: done.failure }));
    assert.equal((await stack!.control.sends({ recipient: MINIMAL.alice })).length, 1, 'Meta accepted one send');
    assert.equal((await stack!.control.inbox(MINIMAL.alice)).length, 1, 'the customer received it once');
    return done;
  }

  it('when Meta accepts but answers after the client timeout, with statuses 8 s late, then the customer gets it once (D1)', async () => {
    stack = await minimalStack();
    // The test stack's Meta client gives up after 5 s.
    await stack.control.injectUnknownOutcome({ mode: 'delay', responseDelayMs: 7000, statusDelayMs: 8000, count: 1 });
    await expectOnce(await submit(stack, helloOffer('d1-delay')));
  });

  it('when Meta accepts and the connection is reset, with statuses 8 s late, then the customer gets it once (D1)', async () => {
    stack = await minimalStack();
    await stack.control.injectUnknownOutcome({ mode: 'reset', statusDelayMs: 8000, count: 1 });
    await expectOnce(await submit(stack, helloOffer('d1-reset')));
  });

  it('when recording the accepted attempt fails once, with statuses 5 s late, then the customer gets it once (D2)', async () => {
    stack = await minimalStack();
    // A real database error after Meta accepted: the first insert into the wamid routing table fails.
    await stack.db.pool.query(`
      CREATE SEQUENCE test_fail_once;
      CREATE FUNCTION test_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('test_fail_once') = 1 THEN RAISE EXCEPTION 'injected database fault'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_fail_once BEFORE INSERT ON wamids FOR EACH ROW EXECUTE FUNCTION test_fail_once();`);
    await stack.control.setDelivery({ statusDelayMs: 5000 });
    await expectOnce(await submit(stack, helloOffer('d2-db')));
  });
});
