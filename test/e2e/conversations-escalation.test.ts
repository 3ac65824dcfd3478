import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/http';
import { startDesk } from '../helpers/desk';
import { loopbackAllowedPolicy } from '../helpers/https-receiver';
import { startStack, type Stack } from '../helpers/stack';

const WABA = '200000000000900';
const PHONES = ['300000000000901', '300000000000902'];
const CUSTOMER = '447700900071';
const DAY_MS = 24 * 3_600_000;

describe('human escalation end to end: ask → acknowledgement → desk → agent answers → window closes', () => {
  let stack: Stack;
  let desk: Awaited<ReturnType<typeof startDesk>>;
  const inbox = async () => stack.control.inbox(CUSTOMER);

  before(async () => {
    desk = await startDesk();
    stack = await startStack({
      scenario: 'minimal',
      tenantSettings: {
        escalationWebhookUrl: desk.url,
        escalation: { enabled: true, humanPath: { agentHandoff: true, phone: '+15550001234' } },
        timing: { statusTimeout: '20s' },
      },
      app: { outbound: loopbackAllowedPolicy },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  });
  after(async () => {
    await stack.stop();
    await desk.close();
  });

  it('when a customer writes "I want to talk to a person", then the escalation is acknowledged, forwarded and answered from the same number, and refused 25 h later', async () => {
    await stack.control.customerReply(CUSTOMER, {
      type: 'text',
      text: 'Where is my order #123?',
      phoneNumberId: PHONES[1],
    });
    await stack.control.customerReply(CUSTOMER, {
      type: 'text',
      text: 'I want to talk to a person',
      phoneNumberId: PHONES[1],
    });

    // Escalation created, with the conversation's recent context, and forwarded to the desk.
    const escalation = await waitFor(async () => {
      const [e] = (await stack.api('GET', '/v1/escalations')).body.data;
      return e?.acknowledgementMessageId && e.forwarding.forwardedAt ? e : undefined;
    }, 'escalation acknowledged and forwarded');
    assert.equal(escalation.waId, CUSTOMER);
    assert.equal(escalation.phoneNumberId, PHONES[1]);
    assert.equal(escalation.language, 'en');
    assert.deepEqual(
      escalation.context.map((c: { direction: string; text: string }) => [c.direction, c.text]),
      [
        ['inbound', 'Where is my order #123?'],
        ['inbound', 'I want to talk to a person'],
      ],
    );
    assert.equal(escalation.answers.first, null);
    assert.equal(escalation.timeToFirstAnswerMs, null);
    const forwarded = JSON.parse(desk.received[0]!.body);
    assert.equal(forwarded.escalation.id, escalation.id);
    assert.equal(forwarded.escalation.context.length, 2);

    // The acknowledgement reaches the customer from the number they wrote to, with the human path.
    const ack = await waitFor(async () => (await inbox()).find((m) => m.type === 'text'), 'acknowledgement received');
    assert.equal(ack.fromPhoneNumberId, PHONES[1]);
    const ackText = (ack.payload.text as { body: string }).body;
    assert.match(ackText, /connecting you with a person/);
    assert.match(ackText, /\+15550001234/);
    assert.match(ackText, /reply in this chat/);

    // The agent answers through the session API: the customer gets it from the same number.
    const reply = await stack.api('POST', `/v1/conversations/+${CUSTOMER}/messages`, {
      type: 'text',
      text: 'Hi, I am Maya from the support team. Your order ships today.',
      agent: 'maya@shop.example',
    });
    assert.equal(reply.status, 202, JSON.stringify(reply.body));
    assert.equal(reply.body.from, PHONES[1]);
    assert.deepEqual(reply.body.escalationsAnswered, [escalation.id]);
    assert.equal(reply.headers.get('location'), `/v1/messages/${reply.body.id}`);
    const delivered = await waitFor(async () => {
      const m = (await stack.api('GET', `/v1/messages/${reply.body.id}`)).body;
      return ['delivered', 'read'].includes(m.status) ? m : undefined;
    }, 'agent reply delivered');
    assert.equal(delivered.deliveredVia.kind, 'session');
    assert.equal(delivered.deliveredVia.phoneNumberId, PHONES[1]);
    const received = (await inbox()).filter((m) => m.type === 'text');
    assert.equal(received.length, 2);
    assert.equal(received[1]!.fromPhoneNumberId, PHONES[1]);
    assert.match((received[1]!.payload.text as { body: string }).body, /Maya/);

    // Who answered and when; time to first human answer.
    const answered = (await stack.api('GET', `/v1/escalations`)).body.data[0];
    assert.equal(answered.answers.count, 1);
    assert.equal(answered.answers.first.by, 'maya@shop.example');
    assert.ok(answered.timeToFirstAnswerMs >= 0, JSON.stringify(answered));

    // The thread: inbound, outbound with statuses, and the window per number.
    const thread = (await stack.api('GET', `/v1/conversations/+${CUSTOMER}`)).body;
    assert.deepEqual(
      thread.thread.map((e: { direction: string }) => e.direction),
      ['outbound', 'outbound', 'inbound', 'inbound'],
    );
    assert.equal(thread.thread[0].agent, 'maya@shop.example');
    assert.ok(['delivered', 'read'].includes(thread.thread[0].attempts[0].status));
    assert.equal(thread.windows[0].phoneNumberId, PHONES[1]);
    assert.equal(thread.windows[0].open, true);
    assert.equal(thread.replyFrom, PHONES[1]);

    // 25 h later: the same call is refused with the window error and nothing reaches Meta.
    const sendsBefore = (await stack.control.sends({ recipient: CUSTOMER })).length;
    await stack.advanceClock(DAY_MS + 3_600_000);
    const refused = await stack.api('POST', `/v1/conversations/+${CUSTOMER}/messages`, {
      type: 'text',
      text: 'Hi, I am Maya from the support team. Your order ships today.',
      agent: 'maya@shop.example',
    });
    assert.equal(refused.status, 409, JSON.stringify(refused.body));
    assert.equal(refused.body.error.code, 'window_closed');
    assert.match(refused.body.error.message, /template/);
    assert.equal(refused.body.error.details[0].closedAt, thread.windows[0].closesAt);
    assert.equal(refused.body.error.details[0].templateRequired, true);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await stack.control.sends({ recipient: CUSTOMER })).length, sendsBefore, 'nothing reached Meta');
    const closed = (await stack.api('GET', `/v1/conversations/+${CUSTOMER}`)).body;
    assert.equal(closed.windows[0].open, false);
    assert.equal(closed.replyFrom, null);
    assert.equal((await stack.api('GET', `/v1/escalations`)).body.data[0].answers.count, 1, 'a refusal is no answer');
  });
});
