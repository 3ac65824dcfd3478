import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ID, settled, sleep, startSim, templateBody, type TestSim, textBody, WA, waitFor, wamidOf } from './support';

const inboundMessages = (t: TestSim) =>
  t.sim.state
    .webhooks()
    .filter((w) => w.field === 'messages')
    .flatMap((w) => (w.payload.entry[0]?.changes[0]?.value as { messages?: Record<string, unknown>[] }).messages ?? []);

const interactive = (to: string, i: object) => ({
  messaging_product: 'whatsapp',
  to,
  type: 'interactive',
  interactive: i,
});
const replyButtons = {
  type: 'button',
  body: { text: 'See the offer?' },
  action: {
    buttons: [
      { type: 'reply', reply: { id: 'yes-1', title: 'Yes please' } },
      { type: 'reply', reply: { id: 'no-1', title: 'No thanks' } },
    ],
  },
};
const listMessage = {
  type: 'list',
  body: { text: 'Pick' },
  action: {
    button: 'Plans',
    sections: [
      {
        title: 'All',
        rows: [
          { id: 'm-basic', title: 'Basic', description: '1 user' },
          { id: 'm-pro', title: 'Pro' },
        ],
      },
    ],
  },
};

describe('customers: scripted and controlled replies, inbox, windows', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim();
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  it('when a scripted customer says yes to a consent template, then it taps the quick reply with context.id and opens the window', async () => {
    const quickReply = {
      type: 'button',
      sub_type: 'quick_reply',
      index: '0',
      parameters: [{ type: 'payload', payload: 'CONSENT_YES:abc123' }],
    };
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.yes, 'consent', ['Ann'], [quickReply])));
    const [reply] = await waitFor(() => (inboundMessages(t).length ? inboundMessages(t) : undefined));
    assert.equal(reply?.type, 'button');
    assert.deepEqual(reply?.button, { payload: 'CONSENT_YES:abc123', text: 'Yes' });
    assert.deepEqual(reply?.context, { from: '447700800001', id: wamid });
    assert.equal(reply?.from, WA.yes);
    assert.equal(t.sim.state.windowOpen(ID.phoneA1, WA.yes), true);
    assert.equal((await t.send(ID.phoneA1, textBody(WA.yes, 'Here is the offer'))).status, 200);
  });

  it('when the quick reply has no payload, then the button text is the payload', async () => {
    await t.send(ID.phoneA1, templateBody(WA.yes, 'consent', ['Ann']));
    const [reply] = await waitFor(() => (inboundMessages(t).length ? inboundMessages(t) : undefined));
    assert.deepEqual(reply?.button, { payload: 'Yes', text: 'Yes' });
  });

  it('when control makes a customer tap an interactive reply button, then a button_reply with context.id arrives', async () => {
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const wamid = wamidOf(await t.send(ID.phoneA1, interactive(WA.quiet, replyButtons)));
    await waitFor(() => t.sim.state.inbox(WA.quiet).length === 1);
    const res = await t.control.customerReply(WA.quiet, { type: 'button_reply', title: 'No thanks' });
    assert.deepEqual(res.data.inbound?.message.interactive, {
      type: 'button_reply',
      button_reply: { id: 'no-1', title: 'No thanks' },
    });
    assert.equal((res.data.inbound?.message.context as { id: string }).id, wamid);
  });

  it('when control makes a customer pick a list row, then a list_reply arrives', async () => {
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const wamid = wamidOf(await t.send(ID.phoneA1, interactive(WA.quiet, listMessage)));
    await waitFor(() => t.sim.state.inbox(WA.quiet).length === 1);
    const res = await t.control.customerReply(WA.quiet, { type: 'list_reply', contextId: wamid, payload: 'm-basic' });
    assert.deepEqual(res.data.inbound?.message.interactive, {
      type: 'list_reply',
      list_reply: { id: 'm-basic', title: 'Basic', description: '1 user' },
    });
  });

  it('when a customer is scripted to say stop, then it sends the text STOP', async () => {
    await t.control.setCustomer(WA.quiet, { behaviour: { onPrompt: [{ reply: 'stop', probability: 1, delayMs: 0 }] } });
    await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann']));
    const [reply] = await waitFor(() => (inboundMessages(t).length ? inboundMessages(t) : undefined));
    assert.deepEqual([reply?.type, reply?.text], ['text', { body: 'STOP' }]);
  });

  it('when a customer stops marketing from WhatsApp, then user_preferences goes out and marketing fails with 131050', async () => {
    await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann']));
    await waitFor(() => t.sim.state.inbox(WA.quiet).length === 1);
    await t.control.customerReply(WA.quiet, { type: 'stop_marketing' });
    const [pref] = t.sim.state.webhooks().filter((w) => w.field === 'user_preferences');
    const value = pref?.payload.entry[0]?.changes[0]?.value as {
      user_preferences: { wa_id: string; value: string; category: string }[];
    };
    assert.deepEqual(
      [value.user_preferences[0]?.wa_id, value.user_preferences[0]?.value, value.user_preferences[0]?.category],
      [WA.quiet, 'stop', 'marketing_messages'],
    );
    const marketing = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet)));
    assert.equal((await settled(t.sim, marketing)).at(-1)?.code, 131050);
  });

  it('when a customer ignores messages, then nothing comes back', async () => {
    await settled(t.sim, wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann']))));
    await sleep(30);
    assert.equal(t.sim.state.stats().inbound, 0);
  });

  it('when the same content is sent twice, then the inbox shows both, in order, with wamid, sender, type and payload', async () => {
    const body = templateBody(WA.quiet, 'consent', ['Ann']);
    const first = wamidOf(await t.send(ID.phoneA1, body));
    const second = wamidOf(await t.send(ID.phoneA2, body));
    await waitFor(() => t.sim.state.inbox(WA.quiet).length === 2);
    const inbox = await t.control.inbox(WA.quiet);
    assert.deepEqual(
      inbox.map((e) => [e.wamid, e.fromPhoneNumberId, e.type, e.templateName]),
      [
        [first, ID.phoneA1, 'template', 'consent'],
        [second, ID.phoneA2, 'template', 'consent'],
      ],
    );
    assert.deepEqual(inbox[0]?.payload, body);
    assert.equal(inbox[0]?.rendered?.body, 'Hi Ann, see the offer?');
  });

  it('when a message fails or the customer is offline, then it is not in the inbox (offline stops at sent)', async () => {
    await t.send(ID.phoneA1, templateBody(WA.stopped));
    await t.control.setCustomer(WA.quiet, { online: false });
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann'])));
    await sleep(60);
    assert.deepEqual(t.sim.state.inbox(WA.stopped), []);
    assert.deepEqual(t.sim.state.inbox(WA.quiet), []);
    assert.equal(t.sim.state.sends().find((s) => s.wamid === wamid)?.status, 'sent');
  });

  it('when a customer has read receipts off, then the ladder stops at delivered and the reply still comes', async () => {
    await t.control.setCustomer(WA.yes, { readsMessages: false });
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.yes, 'consent', ['Ann'])));
    await waitFor(() => inboundMessages(t).length === 1);
    await sleep(30);
    assert.deepEqual(
      (await t.control.sends({ recipient: WA.yes })).map((s) => [s.wamid, s.status]),
      [[wamid, 'delivered']],
    );
  });

  it('when the business marks an inbound message read, then Meta answers success; an unknown id is 100', async () => {
    const res = await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const read = {
      messaging_product: 'whatsapp',
      status: 'read',
      message_id: res.data.inbound?.wamid,
      typing_indicator: { type: 'text' },
    };
    const ok = await t.send(ID.phoneA1, read);
    assert.deepEqual([ok.status, ok.body], [200, { success: true }]);
    assert.equal((await t.send(ID.phoneA1, { ...read, message_id: 'wamid.nope' })).body.error?.code, 100);
  });

  it('when replies have probabilities, then a seeded run mixes them', async () => {
    await t.control.setCustomer(WA.quiet, {
      behaviour: {
        onPrompt: [
          { reply: 'yes', probability: 0.5, delayMs: 0 },
          { reply: 'no', probability: 0.5, delayMs: 0 },
        ],
      },
    });
    for (let i = 0; i < 16; i++) {
      assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann']))).status, 200);
    }
    // Each reply follows its prompt's delivery, which the simulator schedules: on a loaded machine that takes a while.
    let seen = 0;
    const replies = await waitFor(
      () => {
        seen = inboundMessages(t).length;
        return seen >= 16 ? inboundMessages(t) : undefined;
      },
      60_000,
      '16 replies',
    ).catch((err: Error) => {
      throw new Error(`${err.message} (saw ${seen})`);
    });
    assert.equal(replies.length, 16, 'one reply per prompt');
    const titles = new Set(replies.map((m) => (m.button as { text: string }).text));
    assert.deepEqual([...titles].sort(), ['No', 'Yes']);
  });

  it('when control asks for a reply the message cannot take, then 409', async () => {
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    await t.send(ID.phoneA1, textBody(WA.quiet));
    await waitFor(() => t.sim.state.inbox(WA.quiet).length === 1);
    await assert.rejects(t.control.customerReply(WA.quiet, { type: 'tap', title: 'Nope' }), { status: 409 });
  });
});
