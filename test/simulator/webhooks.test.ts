import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { afterEach, describe, it } from 'node:test';
import { verifySignature } from '../../src/simulator';
import {
  ID,
  SECRET,
  settled,
  startReceiver,
  startSim,
  statusesOf,
  templateBody,
  type TestSim,
  textBody,
  VERIFY_TOKEN,
  WA,
  waitFor,
  wamidOf,
} from './support';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const hmac = (raw: Buffer | string, secret = SECRET) =>
  'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');

describe('webhooks: signature, envelope, status ladder, retries', () => {
  let t: TestSim;
  let rx: Receiver;
  const setup = async (
    status?: (n: number) => number,
    retry = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40, timeoutMs: 1000 },
  ) => {
    rx = await startReceiver(status);
    t = await startSim({ webhookUrl: rx.url, webhookRetry: retry });
  };
  afterEach(async () => {
    await t.close();
    await rx.close();
  });

  it('when a webhook carries non-ASCII text, then the raw body is \\u-escaped ASCII and its signature verifies with the app secret', async () => {
    await setup();
    const text = 'नमस्ते café 😀';
    await t.control.customerReply(WA.quiet, { type: 'text', text, phoneNumberId: ID.phoneA1 });
    const hook = await waitFor(() => rx.received[0]);
    assert.ok(
      [...hook.raw].every((b) => b < 0x80),
      'raw body is pure ASCII',
    );
    assert.ok(hook.raw.toString().includes('\\u0928\\u092e'), 'Devanagari escaped as \\uXXXX');
    assert.ok(hook.raw.toString().includes('\\ud83d\\ude00'), 'emoji escaped as a surrogate pair');
    assert.equal(hook.headers['x-hub-signature-256'], hmac(hook.raw));
    assert.equal(verifySignature(hook.raw, hook.headers['x-hub-signature-256'] as string, SECRET), true);
    assert.equal(verifySignature(hook.raw, hook.headers['x-hub-signature-256'] as string, 'wrong-secret'), false);
    const reserialised = JSON.stringify(JSON.parse(hook.raw.toString()));
    assert.notEqual(hmac(reserialised), hook.headers['x-hub-signature-256'], 're-serialised JSON does not verify');
    assert.equal((hook.body.entry[0]?.changes[0]?.value.messages?.[0]?.text as { body: string }).body, text);
  });

  it("when a message is accepted, then the envelope matches Meta's: object, entry id = WABA, time, field, metadata", async () => {
    await setup();
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet)));
    const hook = await waitFor(() => rx.received.find((r) => r.body.entry[0]?.changes[0]?.value.statuses));
    const body = hook.body as unknown as Record<string, unknown> & typeof hook.body;
    assert.equal(body.object, 'whatsapp_business_account');
    const entry = hook.body.entry[0] as {
      id: string;
      time: number;
      changes: { field: string; value: Record<string, unknown> }[];
    };
    assert.equal(entry.id, ID.wabaA);
    assert.equal(typeof entry.time, 'number');
    assert.equal(entry.changes[0]?.field, 'messages');
    assert.deepEqual(entry.changes[0]?.value.metadata, {
      display_phone_number: '447700800001',
      phone_number_id: ID.phoneA1,
    });
    const status = (entry.changes[0]?.value.statuses as Record<string, unknown>[])[0]!;
    assert.equal(status.id, wamid);
    assert.match(status.timestamp as string, /^\d{10}$/);
    assert.equal(status.recipient_id, WA.quiet);
    assert.equal(hook.headers['content-type'], 'application/json');
    assert.match(String(hook.headers['x-hub-signature']), /^sha1=[0-9a-f]{40}$/);
  });

  it('when a marketing template is delivered and read, then sent → delivered → read with PMP pricing and biz_opaque_callback_data on each', async () => {
    await setup();
    const wamid = wamidOf(
      await t.send(ID.phoneA1, { ...templateBody(WA.quiet), biz_opaque_callback_data: 'attempt-42' }),
    );
    await settled(t.sim, wamid);
    const statuses = await waitFor(() => {
      const list = rx.values('messages').flatMap((v) => v.statuses ?? []);
      return list.length === 3 ? list : undefined;
    });
    // One POST per status, sent concurrently: like Meta's, they may arrive out of order (receivers fold by rank).
    const byStatus = new Map(statuses.map((s) => [s.status, s]));
    assert.deepEqual([...byStatus.keys()].sort(), ['delivered', 'read', 'sent']);
    const pricing = { billable: true, pricing_model: 'PMP', type: 'regular', category: 'marketing' };
    assert.deepEqual(byStatus.get('sent')?.pricing, pricing);
    assert.deepEqual(byStatus.get('delivered')?.pricing, pricing);
    assert.equal(byStatus.get('read')?.pricing, undefined);
    assert.ok(statuses.every((s) => s.biz_opaque_callback_data === 'attempt-42'));
  });

  it('when a utility template or free-form goes inside an open window, then pricing is free_customer_service', async () => {
    await setup();
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const utility = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet, 'consent', ['Ann'])));
    const session = wamidOf(await t.send(ID.phoneA1, textBody(WA.quiet)));
    await settled(t.sim, utility);
    await settled(t.sim, session);
    const sent = (id: string) =>
      t.sim.state
        .webhooks()
        .flatMap(
          (w) =>
            (w.payload.entry[0]?.changes[0]?.value as { statuses?: { id: string; status: string; pricing?: object }[] })
              .statuses ?? [],
        )
        .find((s) => s.id === id && s.status === 'sent');
    assert.deepEqual(sent(utility)?.pricing, {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'utility',
    });
    assert.deepEqual(sent(session)?.pricing, {
      billable: false,
      pricing_model: 'PMP',
      type: 'free_customer_service',
      category: 'service',
    });
  });

  it('when the receiver answers 500 twice, then the webhook is retried with backoff and delivered on the 3rd attempt', async () => {
    await setup((n) => (n <= 2 ? 500 : 200));
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    await waitFor(() => rx.received.length === 1);
    const [record] = await t.control.webhooks({ field: 'messages' });
    assert.equal(record?.status, 'delivered');
    assert.equal(record?.attempts, 3);
    assert.equal(
      verifySignature(rx.received[0]!.raw, rx.received[0]!.headers['x-hub-signature-256'] as string, SECRET),
      true,
    );
  });

  it('when the receiver keeps failing, then the simulator gives up after maxAttempts and records it', async () => {
    await setup(() => 503, { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 1000 });
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const record = await waitFor(() => t.sim.state.webhooks().find((w) => w.status === 'given_up'));
    assert.equal(record.attempts, 3);
    assert.equal(rx.attempts(), 3);
    assert.equal(record.lastHttpStatus, 503);
    assert.equal((await t.control.stats()).webhooks.givenUp, 1);
  });

  it('when duplicates are switched on, then every status webhook arrives twice', async () => {
    await setup();
    await t.control.setDelivery({ duplicateRate: 1 });
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet)));
    const statuses = await waitFor(() => {
      const list = rx
        .values('messages')
        .flatMap((v) => v.statuses ?? [])
        .filter((s) => s.id === wamid);
      return list.length === 6 ? list : undefined;
    });
    assert.deepEqual(statuses.map((s) => s.status).sort(), ['delivered', 'delivered', 'read', 'read', 'sent', 'sent']);
  });

  it('when out-of-order delivery is switched on, then delivered is emitted before sent', async () => {
    await setup();
    await t.control.setDelivery({ outOfOrderRate: 1, statusDelayMs: 15 });
    const wamid = wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet)));
    assert.deepEqual(
      (await settled(t.sim, wamid)).map((s) => s.status),
      ['delivered', 'sent', 'read'],
    );
    await waitFor(() => rx.values('messages').length === 3);
    assert.equal(t.sim.state.sends()[0]?.status, 'read', 'the simulator itself never goes backwards');
  });

  it("when the webhook is configured with a verify token, then the simulator performs Meta's GET handshake", async () => {
    await setup();
    const good = await t.control.configureWebhook({ url: rx.url, verifyToken: VERIFY_TOKEN });
    assert.equal(good.ok, true);
    const bad = await t.control.configureWebhook({ url: rx.url, verifyToken: 'wrong' });
    assert.deepEqual([bad.ok, (bad.verification as { httpStatus: number }).httpStatus], [false, 403]);
  });

  it('when the app secret is changed by control, then later webhooks are signed with the new secret', async () => {
    await setup();
    await t.control.configureWebhook({ url: rx.url, appSecret: 'rotated' });
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const hook = await waitFor(() => rx.received[0]);
    assert.equal(hook.headers['x-hub-signature-256'], hmac(hook.raw, 'rotated'));
    assert.deepEqual(statusesOf(t.sim, 'none'), []);
  });
});
