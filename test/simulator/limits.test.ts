import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildScenario, ID, settled, startSim, templateBody, type TestSim, textBody, WA, wamidOf } from './support';

const consent = (to: string) => templateBody(to, 'consent', ['Ann']);
/** WABA B's `promo` has a body only. */
const promoB = (to: string) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'template',
  template: {
    name: 'promo',
    language: { code: 'en_US' },
    components: [
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Ann' },
          { type: 'text', text: '5%' },
        ],
      },
    ],
  },
});

describe('limits: throughput, pair rate, portfolio limit and per-recipient rules', () => {
  let t: TestSim;
  before(async () => {
    const scenario = buildScenario();
    scenario.phoneNumbers![1] = { ...scenario.phoneNumbers![1]!, throughput: 3 };
    t = await startSim({ scenario });
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  it('when a number exceeds its messages per second, then 130429', async () => {
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 4; i++) codes.push((await t.send(ID.phoneA2, consent(`44770091000${i}`))).body.error?.code);
    assert.deepEqual(codes, [undefined, undefined, undefined, 130429]);
    assert.equal(t.sim.state.phoneNumbers.get(ID.phoneA1)?.throughput, 80, 'default throughput is 80/s');
  });

  it('when one number writes the same customer faster than the pair rate, then 131056, and it recovers in time', async () => {
    await t.control.setLimits({ pairRate: { burst: 2, intervalMs: 6000 } });
    const codes: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) codes.push((await t.send(ID.phoneA1, consent(WA.quiet))).body.error?.code);
    assert.deepEqual(codes, [undefined, undefined, 131056]);
    assert.equal((await t.send(ID.phoneA2, consent(WA.quiet))).status, 200, 'another number is another pair');
    await t.control.advanceClock(6000);
    assert.equal((await t.send(ID.phoneA1, consent(WA.quiet))).status, 200);
  });

  it("when the portfolio's unique recipients in 24 h reach its tier, then new recipients get the configured error (131048)", async () => {
    await t.control.setPortfolioTier(ID.portfolio, 'TIER_50');
    for (let i = 0; i < 50; i++) {
      const to = `4477009200${String(i).padStart(2, '0')}`;
      // Both WABAs of the portfolio share its limit.
      const res =
        i % 2 ? await t.send(ID.phoneA1, templateBody(to)) : await t.send(ID.phoneB1, promoB(to), 'token-waba-b');
      assert.equal(res.status, 200, `send ${i}: ${JSON.stringify(res.body)}`);
    }
    const over = await t.send(ID.phoneA1, consent('447700929999'));
    assert.equal(over.status, 400);
    assert.equal(over.body.error?.code, 131048);
    assert.equal((await t.send(ID.phoneA1, consent('447700920000'))).status, 200, 'a counted recipient is free');
    await t.control.advanceClock(24 * 60 * 60 * 1000 + 1);
    assert.equal((await t.send(ID.phoneA1, consent('447700929999'))).status, 200, 'the window rolls');
  });

  it('when the portfolio limit is set to async, then the send is accepted and fails by webhook without sent', async () => {
    await t.control.setPortfolioTier(ID.portfolio, 'TIER_50');
    await t.control.setLimits({ portfolioLimit: { mode: 'async', code: 131048 } });
    for (let i = 0; i < 50; i++) await t.send(ID.phoneA1, consent(`4477009300${String(i).padStart(2, '0')}`));
    const res = await t.send(ID.phoneA1, consent('447700939999'));
    assert.equal(res.status, 200);
    assert.deepEqual(await settled(t.sim, wamidOf(res)), [{ status: 'failed', code: 131048 }]);
  });

  it('when a customer exceeded its marketing cap, then the next marketing template fails async with 131049 without sent', async () => {
    const first = wamidOf(await t.send(ID.phoneA1, templateBody(WA.capOne)));
    const second = wamidOf(await t.send(ID.phoneA1, templateBody(WA.capOne)));
    assert.deepEqual(
      (await settled(t.sim, first)).map((s) => s.status),
      ['sent', 'delivered', 'read'],
    );
    assert.deepEqual(await settled(t.sim, second), [{ status: 'failed', code: 131049 }]);
    const utility = wamidOf(await t.send(ID.phoneA1, consent(WA.capOne)));
    assert.equal((await settled(t.sim, utility)).at(-1)?.status, 'read', 'utility is not capped');
  });

  it('when the customer opened a window, then marketing to it is not capped', async () => {
    await t.control.setCustomer(WA.capOne, { marketingCap: 0 });
    await t.control.customerReply(WA.capOne, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const inWindow = wamidOf(await t.send(ID.phoneA1, templateBody(WA.capOne)));
    assert.equal((await settled(t.sim, inWindow)).at(-1)?.status, 'read');
    const otherNumber = wamidOf(await t.send(ID.phoneA2, templateBody(WA.capOne)));
    assert.equal((await settled(t.sim, otherNumber)).at(-1)?.code, 131049);
  });

  it('when the recipient is not on WhatsApp, then the message fails async with 131026 without sent', async () => {
    const res = await t.send(ID.phoneA1, consent(WA.notOnWhatsApp));
    assert.equal(res.status, 200);
    assert.deepEqual(await settled(t.sim, wamidOf(res)), [{ status: 'failed', code: 131026 }]);
  });

  it('when the recipient stopped marketing, then marketing fails with 131050 and utility still delivers', async () => {
    assert.deepEqual(await settled(t.sim, wamidOf(await t.send(ID.phoneA1, templateBody(WA.stopped)))), [
      { status: 'failed', code: 131050 },
    ]);
    assert.equal((await settled(t.sim, wamidOf(await t.send(ID.phoneA1, consent(WA.stopped))))).at(-1)?.status, 'read');
  });

  it('when a marketing template goes to a US (+1) number, then it fails with 131049; utility delivers', async () => {
    assert.deepEqual(await settled(t.sim, wamidOf(await t.send(ID.phoneA1, templateBody(WA.us)))), [
      { status: 'failed', code: 131049 },
    ]);
    assert.equal((await settled(t.sim, wamidOf(await t.send(ID.phoneA1, consent(WA.us))))).at(-1)?.status, 'read');
    await t.control.setLimits({ usMarketingBlocked: false });
    assert.equal((await settled(t.sim, wamidOf(await t.send(ID.phoneA1, templateBody(WA.us))))).at(-1)?.status, 'read');
  });

  it('when 131048 is injected synchronously on a number for one send, then that send answers 400/131048 once', async () => {
    const rule = await t.control.injectErrors({
      scope: { phoneNumberId: ID.phoneA1 },
      code: 131048,
      mode: 'sync',
      count: 1,
    });
    assert.match(rule.data.id, /^rule-/);
    assert.equal((await t.send(ID.phoneA2, consent(WA.quiet))).status, 200, 'another number is not in scope');
    assert.equal((await t.send(ID.phoneA1, consent(WA.quiet))).body.error?.code, 131048);
    assert.equal((await t.send(ID.phoneA1, consent(WA.quiet))).status, 200);
  });

  it('when 131048 is injected asynchronously for a recipient, then the send is accepted, sent, then failed', async () => {
    await t.control.injectErrors({ scope: { recipient: `+${WA.quiet}` }, code: 131048, mode: 'async' });
    const res = await t.send(ID.phoneA1, consent(WA.quiet));
    assert.deepEqual(await settled(t.sim, wamidOf(res)), [{ status: 'sent' }, { status: 'failed', code: 131048 }]);
  });

  it('when an error rule has rate 0.5 with a seed, then about half of 40 sends fail', async () => {
    await t.control.injectErrors({ scope: { templateName: 'consent' }, code: 131000, rate: 0.5 });
    let failed = 0;
    for (let i = 0; i < 40; i++)
      if ((await t.send(ID.phoneA1, consent(`4477009400${String(i).padStart(2, '0')}`))).status === 500) failed++;
    assert.ok(failed > 8 && failed < 32, `failed ${failed}`);
    assert.equal(
      (await t.send(ID.phoneA1, textBody(WA.quiet))).body.error?.code,
      131047,
      'rule scoped to the template',
    );
  });
});
