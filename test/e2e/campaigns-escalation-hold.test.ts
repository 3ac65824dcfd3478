import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createEscalationsRepo } from '../../src/db/repositories/escalations';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  campaignView,
  digits,
  MINIMAL,
  received,
  recipients,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

/** `escalation.holdCampaigns` (docs/conversations.md, "Holding campaigns"): a customer talking to a person waits. */
describe('campaigns: a customer with an open escalation is held', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack({ settings: { escalation: { holdCampaigns: true } } });
  });
  after(() => stack.stop());

  it('when the tenant holds campaigns during escalations, then the escalated customer gets nothing until it is resolved, then exactly one message', async () => {
    const list = recipients(20, '4477015');
    const waIds = list.map((r) => digits(r.to));
    const [heldWaId, ...others] = waIds as [string, ...string[]];
    const escalation = await createEscalationsRepo(stack.db.pool).create({
      tenantId: stack.tenant.id,
      waId: heldWaId,
      phoneNumberId: MINIMAL.phones[0]!,
      text: 'I want to talk to a person',
      wamid: 'wamid.hold-campaign-1',
      forward: false,
    });
    assert.ok(escalation);

    const created = await createCampaign(stack, {
      name: 'held during escalation',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
    });
    await waitFor(
      async () => [...received(stack, others, 'hello_offer').values()].every((n) => n === 1),
      'every other customer served',
      120_000,
    );
    // Several sweeps later the held customer still has nothing and the campaign is not done.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(received(stack, [heldWaId], 'hello_offer').get(heldWaId), 0, 'nothing while the escalation is open');
    const held = await campaignView(stack, created.body.id);
    // Held for an escalation, not for capacity: the campaign keeps running (docs/capacity.md, "Campaigns").
    assert.equal(held.status, 'running', `${held.status}: ${held.statusReason ?? ''}`);

    const resolved = await stack.api('POST', `/v1/escalations/${escalation.id}/resolve`);
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    const done = await campaignReaches(stack, created.body.id, ['completed'], 120_000);
    assert.equal(done.counts.delivered + done.counts.read, 20, JSON.stringify(done.counts));
    assert.deepEqual(
      [...new Set(received(stack, waIds, 'hello_offer').values())],
      [1],
      'every customer, the held one included, got exactly one message',
    );
  });
});
