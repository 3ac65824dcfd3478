import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SA } from '../../src/domain/search-attributes';
import { createCampaign, campaignStack, recipients } from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

/** What the Web UI shows as a workflow's "current details" (the SDK's built-in metadata query). */
async function currentDetails(stack: Stack, workflowId: string): Promise<string> {
  const meta = await stack.temporal.client.workflow
    .getHandle(workflowId)
    .query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
}

async function statusAttribute(stack: Stack, workflowId: string): Promise<string | undefined> {
  const d = await stack.temporal.client.workflow.getHandle(workflowId).describe();
  return d.typedSearchAttributes.get(SA.status);
}

describe('Temporal Web UI: routing decisions and campaign status', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack();
  });
  after(() => stack.stop());

  it("when a message is routed, then its workflow's current details name the chosen combination and the resolver's why", async () => {
    const sent = await stack.api('POST', '/v1/messages', {
      to: '+447704199999',
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
      idempotencyKey: 'ui-details',
    });
    assert.equal(sent.status, 202);
    const m = await waitFor(async () => {
      const r = await stack.api('GET', `/v1/messages/${sent.body.id}`);
      return ['delivered', 'read'].includes(r.body.status as string) && r.body;
    }, 'delivered');
    const resolved = (m.timeline as { type: string; explanation?: { chosen: { why: string; wabaId: string } } }[]).find(
      (e) => e.type === 'resolved',
    )!;
    const details = await currentDetails(stack, m.workflowId as string);
    assert.match(details, /^\*\*Routed\*\* via WABA `200000000000900`, number `\d+`, template `hello_offer`/);
    assert.ok(details.includes(resolved.explanation!.chosen.why), details);
  });

  it('when a campaign is paused and resumed, then its LifelineStatus search attribute follows', async () => {
    const created = await createCampaign(stack, {
      name: 'ui status',
      template: 'hello_offer',
      language: 'en_US',
      maxPerSecond: 5,
      recipients: recipients(200, '4477041'),
    });
    const view = (await stack.api('GET', `/v1/campaigns/${created.body.id}`)).body;
    const workflowId = view.workflowId as string;
    await waitFor(async () => (await statusAttribute(stack, workflowId)) === 'running', 'running');
    assert.equal((await stack.api('POST', `/v1/campaigns/${created.body.id}/pause`)).status, 202);
    await waitFor(async (note) => {
      const s = await statusAttribute(stack, workflowId);
      note(s);
      return s === 'paused';
    }, 'LifelineStatus=paused');
    assert.equal((await stack.api('POST', `/v1/campaigns/${created.body.id}/resume`)).status, 202);
    await waitFor(async () => (await statusAttribute(stack, workflowId)) === 'running', 'LifelineStatus=running');
    await stack.api('POST', `/v1/campaigns/${created.body.id}/cancel`);
    await waitFor(async () => (await statusAttribute(stack, workflowId)) === 'cancelled', 'LifelineStatus=cancelled');
  });
});
