import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { consentPayloads } from '../../src/domain/consent';
import { signWebhookBody } from '../../src/meta/webhook-signature';
import { startDesk } from '../helpers/desk';
import { httpClient, waitFor } from '../helpers/http';
import { loopbackAllowedPolicy } from '../helpers/https-receiver';
import { startStack, type Stack } from '../helpers/stack';
import { drained, envelope, inboundValue, parkedMessage, postWebhook, signalsOf } from '../helpers/webhooks';

const WABA = '200000000000900';
const PHONE = '300000000000901';
const ALICE = '447700900001';

describe('inbound replies: human escalations and consent answers', () => {
  let stack: Stack;
  let desk: Awaited<ReturnType<typeof startDesk>>;
  const inbound = (message: Record<string, unknown>, from = ALICE) =>
    postWebhook(stack, envelope(WABA, 'messages', inboundValue(PHONE, from, message)));

  before(async () => {
    desk = await startDesk((n) => (n === 0 ? 500 : 200)); // refuses the first delivery
    stack = await startStack({
      scenario: 'minimal',
      tenantSettings: { escalationWebhookUrl: desk.url },
      app: { outbound: loopbackAllowedPolicy },
    });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
  });
  after(async () => {
    await stack.stop();
    await desk.close();
  });

  it('when a customer asks for a human, then an escalation is recorded and forwarded, signed, with retries', async () => {
    const asked = { id: 'wamid.IN-agent-1', type: 'text', text: { body: ' Agent ' } };
    assert.equal((await inbound(asked)).status, 200);
    assert.equal((await inbound({ type: 'text', text: { body: 'can an agent call me?' } })).status, 200);
    const forwarded = await waitFor(async () => {
      const list = await stack.api('GET', '/v1/escalations');
      return list.body.data[0]?.forwarding.forwardedAt ? list.body.data : undefined;
    }, 'escalation forwarded');
    assert.equal(forwarded.length, 1, 'a sentence mentioning an agent is not an escalation');
    const e = forwarded[0];
    assert.equal(e.status, 'open');
    assert.equal(e.waId, ALICE);
    assert.equal(e.phoneNumberId, PHONE);
    assert.equal(e.wamid, 'wamid.IN-agent-1');
    assert.equal(e.forwarding.attempts, 2, 'the desk refused the first delivery');

    assert.deepEqual(
      desk.received.map((r) => r.status),
      [500, 200],
    );
    const { secret } = (await stack.api('GET', '/v1/escalations/signing-secret')).body;
    assert.ok(secret.length >= 32);
    for (const r of desk.received) assert.equal(r.signature, signWebhookBody(r.body, secret));
    assert.equal(JSON.parse(desk.received[1]!.body).escalation.id, e.id);

    // The same inbound message delivered again in another body: still one escalation, forwarded once.
    await postWebhook(stack, envelope(WABA, 'messages', inboundValue(PHONE, ALICE, asked), 1767225999));
    await drained(stack);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await stack.api('GET', '/v1/escalations')).body.data.length, 1);
    assert.equal(desk.received.length, 2);
  });

  it('when an escalation is resolved, then the status filter sees it move; other tenants never see it', async () => {
    const [open] = (await stack.api('GET', '/v1/escalations?status=open')).body.data;
    const resolved = await stack.api('POST', `/v1/escalations/${open.id}/resolve`);
    assert.equal(resolved.status, 200);
    assert.equal(resolved.body.status, 'resolved');
    assert.ok(resolved.body.resolvedAt);
    assert.equal((await stack.api('GET', '/v1/escalations?status=open')).body.data.length, 0);
    assert.equal((await stack.api('GET', '/v1/escalations?status=resolved')).body.data.length, 1);
    assert.equal((await stack.api('GET', '/v1/escalations?status=bogus')).status, 400);
    assert.equal((await stack.api('POST', `/v1/escalations/${crypto.randomUUID()}/resolve`)).status, 404);
    assert.equal((await stack.api('GET', '/v1/escalations', undefined, { key: null })).status, 401);

    const other = await stack.admin('POST', '/v1/tenants', { name: 'other tenant' });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey as string);
    assert.equal((await otherApi('GET', '/v1/escalations')).body.data.length, 0);
    assert.equal((await otherApi('POST', `/v1/escalations/${open.id}/resolve`)).status, 404);
  });

  it('when a customer answers a consent prompt, then the reply is signalled to that message only', async () => {
    const prompt = await parkedMessage(stack, {
      recipient: ALICE,
      phoneNumberId: PHONE,
      kind: 'consent',
      wamid: `wamid.PROMPT-${Date.now()}`,
    });
    const plain = await parkedMessage(stack, {
      recipient: ALICE,
      phoneNumberId: PHONE,
      wamid: `wamid.PLAIN-${Date.now()}`,
    });
    const byPayload = await parkedMessage(stack, { recipient: ALICE, phoneNumberId: PHONE, kind: 'consent' });
    try {
      const promptWamid = (await prompt.attempt())!.wamid!;
      const plainWamid = (await plain.attempt())!.wamid!;
      await inbound({
        type: 'button',
        button: { text: 'Yes', payload: consentPayloads(prompt.id).yes },
        context: { from: '15550001111', id: promptWamid },
      });
      await inbound({ type: 'text', text: { body: 'Yes' }, context: { from: '15550001111', id: plainWamid } });
      await inbound({
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: consentPayloads(byPayload.id).no, title: 'No' } },
      });
      await drained(stack);

      const [toPrompt] = (await signalsOf(stack, prompt.workflowId, 'reply')) as any[];
      assert.equal(toPrompt.kind, 'button');
      assert.equal(toPrompt.payload, `CONSENT_YES:${prompt.id}`);
      assert.equal(toPrompt.contextWamid, promptWamid);
      assert.equal(toPrompt.phoneNumberId, PHONE);
      assert.equal(toPrompt.from, ALICE);
      assert.equal((await signalsOf(stack, plain.workflowId, 'reply')).length, 0, 'not a consent prompt');
      const [toPayload] = (await signalsOf(stack, byPayload.workflowId, 'reply')) as any[];
      assert.equal(toPayload.kind, 'button_reply');
      assert.equal(toPayload.payload, `CONSENT_NO:${byPayload.id}`);
      assert.equal((await signalsOf(stack, prompt.workflowId, 'reply')).length, 1, 'one reply, one signal');
    } finally {
      await Promise.all([prompt.terminate(), plain.terminate(), byPayload.terminate()]);
    }
  });
});
