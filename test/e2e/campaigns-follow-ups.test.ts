import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign, allRecipients, campaignReaches, campaignStack, FINAL_STATUSES } from '../helpers/campaigns';
import { FESTIVE, registerWabas } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

// festive-campaign customers: Esha, Leela and Mohan are capped at 0 marketing messages (131049 every time) and
// answer a consent prompt yes, never, and no; Gita is not on WhatsApp (131026); Asha is healthy.
const ESHA = '919800000005';
const LEELA = '919800000012';
const MOHAN = '919800000013';
const GITA = FESTIVE.customers.gita;
const ASHA = FESTIVE.customers.asha;

describe('campaigns: retry rounds, promotion to Smart Utility Fallback, final failures', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ scenario: 'festive-campaign' });
    await registerWabas(stack);
  });
  after(() => stack.stop());

  it('when 131049 persists through round 2, then the recipient is promoted: yes → session message, no → declined, silence → expired; 131026 fails once', async () => {
    const created = await createCampaign(stack, {
      name: 'festive retries',
      template: 'festive_text',
      language: 'en_US',
      parameters: { body: ['there', '20%'] },
      recipients: [ESHA, LEELA, MOHAN, GITA, ASHA].map((to) => ({ to: `+${to}` })),
      retries: { rounds: 1, after: '1s' },
      smartUtilityFallback: {
        enabled: true,
        consentTemplate: 'offer_consent',
        consentParameters: { body: ['there', 'our festive offer'] },
        waitFor: '6s',
      },
    });
    const done = await campaignReaches(stack, created.body.id, ['completed'], 240_000);
    assert.equal(done.rounds.current, 2, 'the retry round ran');

    const rows = await waitFor(
      async () => {
        const all = await allRecipients(stack, created.body.id);
        return all.every((r) => FINAL_STATUSES.includes(r.status)) ? all : undefined;
      },
      'every recipient final',
      120_000,
    );
    const byTo = new Map(rows.map((r) => [r.to.replace('+', ''), r]));
    const view = async (waId: string) => (await stack.api('GET', `/v1/messages/${byTo.get(waId)!.messageId}`)).body;
    const templateSends = (waId: string) =>
      stack.sim.state.sends().filter((s) => s.recipient === waId && s.templateName === 'festive_text');

    const esha = await view(ESHA);
    assert.ok(['delivered', 'read'].includes(esha.status), JSON.stringify(esha));
    assert.equal(esha.deliveredVia.kind, 'session');
    assert.equal(templateSends(ESHA).length, 2, 'one template send per round, then Smart Utility Fallback');
    const eshaInbox = stack.sim.state.inbox(ESHA).map((m) => m.templateName ?? m.type);
    assert.deepEqual(eshaInbox, ['offer_consent', 'text'], 'the consent prompt, then the session message');
    assert.match(JSON.stringify(stack.sim.state.inbox(ESHA)[1]!.payload), /there/);

    assert.equal((await view(MOHAN)).status, 'declined');
    assert.equal((await view(LEELA)).status, 'expired');
    assert.deepEqual(
      stack.sim.state.inbox(MOHAN).map((m) => m.templateName),
      ['offer_consent'],
    );

    const gita = await view(GITA);
    assert.equal(gita.status, 'failed');
    assert.equal(gita.failure.code, 131026);
    assert.equal(gita.attempts.length, 1, 'a final failure is never retried');
    assert.equal(templateSends(GITA).length, 1);

    assert.equal(templateSends(ASHA).length, 1);
    assert.equal(stack.sim.state.inbox(ASHA).length, 1);

    const report = (await stack.api('GET', `/v1/campaigns/${created.body.id}`)).body;
    assert.equal(report.counts.recovered, 1);
    assert.equal(report.counts.declined, 1);
    assert.equal(report.counts.expired, 1);
    assert.deepEqual(report.failuresByReason, { undeliverable: 1 });
  });
});
