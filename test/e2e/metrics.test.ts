import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign, campaignReaches, campaignStack, MINIMAL, recipients } from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import { has, scrape, total, type Sample } from '../helpers/scrape';
import type { Stack } from '../helpers/stack';

const FORBIDDEN_LABELS = ['recipient', 'to', 'wa_id', 'message', 'message_id', 'wamid', 'attempt'];

describe('metrics: API and worker after a test campaign', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ workerMetrics: true });
  });
  after(() => stack.stop());

  it('when a campaign of 30 meets one unregistered number and a single message follows, then /metrics of API and worker show sends, the failover, the breaker, resolver latency, the fallback funnel, webhook lag, campaign progress and queue depths', async () => {
    // The first send fails as Meta's "number not registered": a fact that opens that number's breaker at once.
    await stack.control.injectErrors({ scope: {}, code: 133010, mode: 'sync', count: 1 });
    const list = recipients(30, '4477021');
    const created = await createCampaign(stack, {
      name: 'metrics run',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
    });
    const done = await campaignReaches(stack, created.body.id, ['completed'], 120_000);
    assert.equal(done.counts.delivered + done.counts.read, 30, JSON.stringify(done.counts));
    const single = await stack.api('POST', '/v1/messages', {
      to: '+447702199999',
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Ravi', '20%'] },
      idempotencyKey: 'metrics-single',
    });
    assert.equal(single.status, 202, JSON.stringify(single.body));
    await waitFor(async () => {
      const m = await stack.api('GET', `/v1/messages/${single.body.id}`);
      return ['delivered', 'read'].includes(m.body.status as string);
    }, 'the single message delivered');

    const worker: Sample[] = await scrape(stack.workerMetricsUrl!);
    const waba = { waba: MINIMAL.waba, template: 'hello_offer', kind: 'template' };
    assert.equal(total(worker, 'lifeline_sends_total', { ...waba, outcome: 'accepted' }), 31, 'one accepted send each');
    // Meta's refusal, then the sends of that batch already planned on the number, refused by the health gate.
    const refusals = total(worker, 'lifeline_sends_total', { ...waba, outcome: 'resource' });
    assert.ok(refusals >= 1, 'the refused send');
    const refused = worker.find((s) => s.name === 'lifeline_sends_total' && s.labels.outcome === 'resource')!;
    assert.ok(MINIMAL.phones.includes(refused.labels.phone_number!), 'labelled with the number it went through');
    assert.equal(
      total(worker, 'lifeline_failovers_total', { reason: 'resource_phone' }),
      refusals,
      'each one failed over',
    );
    assert.ok(total(worker, 'lifeline_resolver_duration_seconds_count', { outcome: 'resolved' }) >= 1);
    for (const step of ['prompted', 'granted', 'declined', 'expired', 'recovered']) {
      assert.ok(has(worker, 'lifeline_fallback_total', { step }), `fallback funnel step ${step}`);
    }

    const api = await scrape(`${stack.apiUrl}/metrics`);
    assert.ok(total(api, 'lifeline_webhook_status_lag_seconds_count', { status: 'delivered' }) >= 31);
    const campaign = { campaign: created.body.id as string };
    assert.equal(total(api, 'lifeline_campaign_recipients', campaign), 30, 'every recipient of the campaign');
    assert.equal(
      total(api, 'lifeline_campaign_recipients', { ...campaign, status: 'delivered' }) +
        total(api, 'lifeline_campaign_recipients', { ...campaign, status: 'read' }),
      30,
    );
    assert.equal(total(api, 'lifeline_campaigns', { status: 'completed' }), 1);
    assert.ok(has(api, 'lifeline_queue_depth', { queue: 'webhook_inbox' }));
    assert.equal(total(api, 'lifeline_queue_depth', { queue: 'campaign_queued' }), 0, 'nothing left queued');
    assert.ok(has(api, 'lifeline_webhook_backlog_age_seconds'));
    assert.equal(
      total(api, 'lifeline_breaker_open', { resource: 'phone_number', id: refused.labels.phone_number! }),
      1,
    );
    assert.ok(total(api, 'lifeline_messages_accepted_total') >= 1);
    // The API and its worker share a NativeConnection here: the single message's workflow started eagerly.
    assert.equal(total(api, 'lifeline_message_workflow_starts_total', { eager: 'true' }), 1);
    assert.equal(total(api, 'lifeline_message_workflow_starts_total', { eager: 'false' }), 0);

    for (const s of [...worker, ...api]) {
      for (const l of FORBIDDEN_LABELS) assert.equal(s.labels[l], undefined, `${s.name} has no ${l} label`);
      for (const v of Object.values(s.labels)) assert.ok(!v.includes('4477021'), `${s.name} carries no recipient`);
    }
  });
});
