import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countryOf } from '../../src/domain/pricing';
import { FINAL, sendAndSettle } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { SUF, SUF_TEMPLATES, sufMessage, sufScenario } from '../helpers/suf-scenario';

const kindOf = (entry: { type: string; interactiveType?: string }) =>
  entry.type === 'interactive' ? `interactive:${entry.interactiveType}` : entry.type;

describe('Smart Utility Fallback: 131049 → consent prompt → "Yes" → the original as session message(s)', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      scenario: sufScenario,
      tenantSettings: {
        timing: { statusTimeout: '20s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' },
        smartUtilityFallback: { maxPromptsPerContact: 100 },
      },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: SUF.waba, accessToken: SUF.token })).status, 201);
    for (const waId of [
      ...Object.values(SUF.customers),
      ...Object.values(SUF_TEMPLATES).map((t) => SUF.yes(t.scenario)),
    ]) {
      assert.equal((await stack.api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'test' })).status, 200);
    }
  });
  after(() => stack.stop());

  for (const [template, expected] of Object.entries(SUF_TEMPLATES)) {
    it(`when ${template} hits 131049 and the customer says yes, then scenario ${expected.scenario} arrives as ${expected.types.join(' + ')}`, async () => {
      const to = SUF.yes(expected.scenario);
      const before = (await stack.control.inbox(to)).length;
      const view = await sendAndSettle(stack, sufMessage(template, to, { idempotencyKey: `suf-${template}` }), 60_000);
      assert.ok(
        ['delivered', 'read'].includes(view.status),
        JSON.stringify({ status: view.status, failure: view.failure }),
      );
      assert.equal(view.deliveredVia.kind, 'session');
      assert.equal(view.deliveredVia.templateId, null);
      assert.deepEqual(
        view.attempts.map((a: { kind: string }) => a.kind),
        ['template', 'consent', ...expected.types.map(() => 'session')],
      );
      assert.equal(view.attempts[0].errorCode, 131049);
      const received = (await stack.control.inbox(to)).slice(before);
      // The failed marketing template never reached the customer: they saw the prompt, then the content.
      assert.deepEqual(received.map(kindOf), ['template', ...expected.types]);
      assert.equal(received[0]!.templateName, 'offer_consent');
      const consentAnswerPhone = view.timeline.find((e: { type: string }) => e.type === 'consent_granted').answer
        .phoneNumberId;
      for (const r of received.slice(1))
        assert.equal(r.fromPhoneNumberId, consentAnswerPhone, 'sent from the number the customer answered');
    });
  }

  it('when the customer taps "No", then the message is declined and nothing more is sent', async () => {
    const view = await sendAndSettle(
      stack,
      sufMessage('suf_text', SUF.customers.no, { idempotencyKey: 'suf-no' }),
      60_000,
    );
    assert.equal(view.status, 'declined');
    assert.deepEqual(
      view.attempts.map((a: { kind: string }) => a.kind),
      ['template', 'consent'],
    );
    assert.deepEqual((await stack.control.inbox(SUF.customers.no)).map(kindOf), ['template']);
  });

  it('when the customer does not answer within waitFor, then the message expires', async () => {
    const body = sufMessage('suf_text', SUF.customers.silent, { idempotencyKey: 'suf-silent' });
    body.smartUtilityFallback.waitFor = '2s';
    const view = await sendAndSettle(stack, body, 60_000);
    assert.equal(view.status, 'expired');
    assert.equal((await stack.control.inbox(SUF.customers.silent)).length, 1, 'only the prompt');
  });

  it('when the customer answers STOP, then the message is cancelled and they are never prompted again', async () => {
    const view = await sendAndSettle(
      stack,
      sufMessage('suf_text', SUF.customers.stop, { idempotencyKey: 'suf-stop' }),
      60_000,
    );
    assert.equal(view.status, 'cancelled');
    const contact = await stack.api('GET', `/v1/contacts/+${SUF.customers.stop}`);
    assert.ok(contact.body.optedOutAt, 'opted out brand-wide');
    const again = await sendAndSettle(
      stack,
      sufMessage('suf_text', SUF.customers.stop, { idempotencyKey: 'suf-stop-2' }),
      60_000,
    );
    assert.equal(again.status, 'failed');
    assert.equal(again.failure.reason, 'opted_out');
    assert.equal((await stack.control.inbox(SUF.customers.stop)).length, 1, 'only the first prompt, ever');
  });

  it('when Smart Utility Fallback is not enabled, then 131049 ends the message as marketing_limit without a prompt', async () => {
    const view = await sendAndSettle(
      stack,
      sufMessage('suf_text', SUF.customers.yes2, {
        idempotencyKey: 'suf-off',
        smartUtilityFallback: { enabled: false },
      }),
      60_000,
    );
    assert.equal(view.status, 'failed');
    assert.deepEqual(view.failure, { reason: 'marketing_limit', code: 131049 });
    assert.equal((await stack.control.inbox(SUF.customers.yes2)).length, 0);
  });

  it('when a customer has two pending fallbacks, then a reply releases only the one it answers, and an old prompt releases nothing', async () => {
    const to = SUF.customers.silent;
    const start = async (key: string) =>
      (await stack.api('POST', '/v1/messages', sufMessage('suf_cta', to, { idempotencyKey: key }))).body.id as string;
    const awaiting = async (id: string) =>
      waitFor(
        async () => {
          const v = (await stack.api('GET', `/v1/messages/${id}`)).body;
          // A message that ended instead of asking fails at once, saying why.
          if (FINAL.includes(v.status)) throw new Error(`${id} ended ${v.status}: ${JSON.stringify(v)}`);
          return v.status === 'awaiting_consent' ? v : undefined;
        },
        `${id} awaiting consent`,
        60_000,
      );
    const first = await awaiting(await start('two-1'));
    const second = await awaiting(await start('two-2'));
    // The prompt that was asked: one refused by our own pair rate first (no wamid) is asked again as a new attempt.
    const promptOf = (v: { attempts: { kind: string; wamid: string | null; phoneNumberId: string }[] }) =>
      v.attempts.filter((a) => a.kind === 'consent' && a.wamid).at(-1)! as { wamid: string };

    await stack.control.customerReply(to, {
      type: 'button',
      payload: `CONSENT_YES:${first.id}`,
      title: 'Yes',
      contextId: promptOf(first).wamid,
    });
    const firstDone = await waitFor(
      async (note) => {
        const v = (await stack.api('GET', `/v1/messages/${first.id}`)).body;
        note({ status: v.status, failure: v.failure, attempts: v.attempts });
        return ['delivered', 'read'].includes(v.status) ? v : undefined;
      },
      // The session message may wait for the pair rate: four sends just went to this person from this number.
      'the answered message delivered',
      45_000,
    );
    assert.equal(firstDone.deliveredVia.kind, 'session');

    // Typing "yes" while quoting the *older* prompt must not release the newer message.
    await stack.control.customerReply(to, { type: 'text', text: 'yes', contextId: promptOf(first).wamid });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal((await stack.api('GET', `/v1/messages/${second.id}`)).body.status, 'awaiting_consent');

    await stack.control.customerReply(to, {
      type: 'button',
      payload: `CONSENT_NO:${second.id}`,
      title: 'No',
      contextId: promptOf(second).wamid,
    });
    const secondDone = await waitFor(async (note) => {
      const v = (await stack.api('GET', `/v1/messages/${second.id}`)).body;
      note({ status: v.status, failure: v.failure, attempts: v.attempts });
      return v.status === 'declined' ? v : undefined;
    }, 'the second declined');
    assert.equal(secondDone.attempts.filter((a: { kind: string }) => a.kind === 'session').length, 0);
    const sessions = (await stack.control.inbox(to)).filter((m) => m.type !== 'template');
    assert.equal(sessions.length, 1, 'exactly the answered message arrived as a session message');
  });
});

describe('Smart Utility Fallback: cost ledger', () => {
  it('when a message is recovered, then its cost shows the utility prompt and the tenant summary the cost per recovered message', async () => {
    const to = SUF.yes(1);
    const country = countryOf(to)!;
    const stack = await startStack({
      scenario: sufScenario,
      tenantSettings: { rateCard: { [country]: { utility: 0.03 } } },
    });
    try {
      assert.equal((await stack.api('POST', '/v1/wabas', { id: SUF.waba, accessToken: SUF.token })).status, 201);
      await stack.api('POST', `/v1/contacts/+${to}/opt-in`, { source: 'test' });
      const view = await sendAndSettle(stack, sufMessage('suf_text', to, { campaignId: 'c1' }), 60_000);
      assert.equal(view.deliveredVia.kind, 'session');
      await waitFor(async () => {
        const v = (await stack.api('GET', `/v1/messages/${view.id}`)).body;
        return v.cost.total > 0 ? v : undefined;
      }, 'the prompt priced');
      const priced = (await stack.api('GET', `/v1/messages/${view.id}`)).body.cost;
      assert.equal(priced.country, country);
      assert.deepEqual(
        priced.lines.map((l: { kind: string; billable: boolean }) => [l.kind, l.billable]),
        [
          ['template', false],
          ['consent', true],
          ['session', false],
        ],
      );
      assert.equal(priced.total, 0.03, 'only the utility prompt is billed, at the tenant rate');
      const summary = await stack.api('GET', '/v1/costs/summary?campaignId=c1');
      assert.equal(summary.status, 200);
      assert.equal(summary.body.recoveredByFallback, 1);
      assert.equal(summary.body.costPerRecoveredMessage, 0.03);
      assert.equal((await stack.api('GET', '/v1/costs/summary?since=yesterday')).status, 400);
    } finally {
      await stack.stop();
    }
  });
});

describe('Smart Utility Fallback: when not to ask', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      scenario: sufScenario,
      tenantSettings: { smartUtilityFallback: { maxPromptsPerContact: 1, promptPeriod: '7d' } },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: SUF.waba, accessToken: SUF.token })).status, 201);
    for (const waId of [SUF.customers.no, SUF.customers.silent]) {
      await stack.api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'test' });
    }
  });
  after(() => stack.stop());

  it('when a contact declined this campaign or reached the prompt cap, then they are not asked again', async () => {
    const to = SUF.customers.no;
    const first = await sendAndSettle(stack, sufMessage('suf_text', to, { campaignId: 'spring' }), 60_000);
    assert.equal(first.status, 'declined');
    // Her "No" opened a 24 h service window in which Meta would deliver marketing directly: let it close.
    await stack.control.advanceClock(25 * 3_600_000);
    const sameCampaign = await sendAndSettle(stack, sufMessage('suf_text', to, { campaignId: 'spring' }), 60_000);
    assert.deepEqual(sameCampaign.failure, { reason: 'declined_this_campaign', code: 131049 });
    const otherCampaign = await sendAndSettle(stack, sufMessage('suf_cta', to, { campaignId: 'summer' }), 60_000);
    assert.deepEqual(otherCampaign.failure, { reason: 'consent_prompt_cap', code: 131049 });
    const prompts = (await stack.control.inbox(to)).filter((m) => m.templateName === 'offer_consent');
    assert.equal(prompts.length, 1, 'one prompt in all');
  });

  it('when Meta re-categorises the consent template as MARKETING, then it is no longer used and the message says why', async () => {
    await stack.control.setTemplateCategory('400000000799', 'MARKETING');
    await waitFor(async () => {
      const t = (await stack.api('GET', '/v1/templates')).body.data.find(
        (x: { id: string }) => x.id === '400000000799',
      );
      return t?.category === 'MARKETING';
    }, 'the registry to learn the new category');
    const view = await sendAndSettle(stack, sufMessage('suf_text', SUF.customers.silent), 60_000);
    assert.deepEqual(view.failure, { reason: 'no_utility_consent_template', code: 131049 });
    assert.equal(
      (await stack.control.inbox(SUF.customers.silent)).length,
      0,
      'no "utility" prompt that is really marketing',
    );
  });
});
