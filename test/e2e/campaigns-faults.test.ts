import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign, campaignReaches, campaignStack, digits, received, recipients } from '../helpers/campaigns';
import { FESTIVE, registerWabas } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

const [W11, W12] = FESTIVE.wabas as [string, string];

describe('campaigns: a WABA banned and a template paused mid-campaign', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ scenario: 'festive-campaign' });
    await registerWabas(stack);
  });
  after(() => stack.stop());

  const rejected = async (code: number) => (await stack.control.stats()).rejected[String(code)] ?? 0;
  const deliveredWebhook = (field: string, wabaId: string) =>
    waitFor(
      async () => (await stack.control.webhooks({ field, wabaId })).find((w) => w.status === 'delivered') ?? undefined,
      `the ${field} webhook`,
      60_000,
    );

  it('when the primary WABA is banned at 20 % and the next template paused at 50 %, then 0 lost, 0 duplicates, and the banned parts stop within 1 s', async () => {
    const list = recipients(600, '4477013');
    const waIds = new Set(list.map((r) => digits(r.to)));
    const created = await createCampaign(stack, {
      name: 'festive fault run',
      template: 'festive_text',
      language: 'en_US',
      recipients: list,
    });
    const sends = () => stack.sim.state.sends().filter((s) => waIds.has(s.recipient));

    await waitFor(async () => sends().length >= 120, '20 % sent', 180_000);
    await stack.control.banWaba(W11);
    await deliveredWebhook('account_update', W11);
    await new Promise((r) => setTimeout(r, 1000));
    const bannedAfter = await rejected(131031);

    await waitFor(async () => sends().length >= 300, '50 % sent', 180_000);
    const pausedTemplate = FESTIVE.template(W12, '02');
    await stack.control.pauseTemplate(pausedTemplate);
    await deliveredWebhook('message_template_status_update', W12);
    await new Promise((r) => setTimeout(r, 1000));
    const pausedAfter = await rejected(132015);

    const done = await campaignReaches(stack, created.body.id, ['completed'], 400_000);
    assert.equal(done.counts.total, 600);
    assert.equal(done.counts.delivered + done.counts.read, 600, JSON.stringify(done));
    const got = received(stack, [...waIds], 'festive_text');
    assert.deepEqual([...new Set(got.values())], [1], 'every customer received exactly one message');
    assert.equal(sends().length, 600, 'Meta accepted one send per recipient');
    assert.equal(await rejected(131031), bannedAfter, 'no send through the banned WABA 1 s after its ban webhook');
    assert.equal(await rejected(132015), pausedAfter, 'no send of the paused template 1 s after its webhook');
    const late = sends().filter((s) => s.wabaId === W11 && s.timestamp > Date.now() - 1); // accepted after the ban: none
    assert.equal(late.length, 0);
    const carriers = new Set(sends().map((s) => `${s.wabaId}:${s.templateId}`));
    assert.ok(
      [...carriers].some((c) => !c.startsWith(W11) && !c.endsWith(pausedTemplate)),
      'equivalents carried the rest',
    );
    assert.equal(sends().filter((s) => s.templateId === pausedTemplate && s.timestamp > Date.now()).length, 0);
  });
});
