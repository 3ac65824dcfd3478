import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { composeLifeline } from '../../src/composition';
import { createLogger } from '../../src/logger';
import { createMetaClient } from '../../src/meta/client';
import { createSecretBox } from '../../src/secrets';
import { createWebhookIngestion } from '../../src/services/webhooks';
import type { ProcessorOptions } from '../../src/services/webhooks/processor';
import { createInboxListener } from '../../src/services/webhooks/inbox-listener';
import type { CampaignFailure } from '../../src/services/webhooks/status-batch';
import { waitFor } from '../helpers/http';
import { startStack, TEST_ENCRYPTION_KEY, type Stack } from '../helpers/stack';
import { drained, envelope, parkedMessage, postWebhook, signalsOf, statusValue } from '../helpers/webhooks';

const WABA = '200000000000900';
const PHONE = '300000000000901';
const CUSTOMER = '447700900002';

const statusItem = (wamid: string, status: string, extra: Record<string, unknown> = {}) => ({
  id: wamid,
  status,
  timestamp: String(Math.floor(Date.now() / 1000)),
  recipient_id: CUSTOMER,
  ...extra,
});
const statuses = (items: unknown[]) => ({ ...statusValue(PHONE, 'x', 'sent'), statuses: items });

describe('webhook pipeline: batched folds, dead letters, processors side by side, campaign-driven messages', () => {
  let stack: Stack;
  const deadLetter = async (key: string) =>
    (
      await stack.db.pool.query(
        'SELECT reason, attempts, inbox_id::int AS "inboxId" FROM webhook_dead_letters WHERE event_key = $1',
        [key],
      )
    ).rows[0] as { reason: string; attempts: number; inboxId: number | null } | undefined;
  /** Another processor on the same database (as `npm run webhooks` runs one). */
  const processor = (opts: ProcessorOptions = {}, campaigns?: { failed(f: CampaignFailure[]): Promise<void> }) => {
    const lifeline = composeLifeline({
      pool: stack.db.pool,
      meta: createMetaClient({ graphUrl: stack.simUrl, apiVersion: 'v23.0', timeoutMs: 5000 }),
      secrets: createSecretBox(TEST_ENCRYPTION_KEY),
    });
    return createWebhookIngestion(
      {
        ...lifeline,
        temporal: stack.temporal.client,
        log: createLogger('silent'),
        campaigns,
        sessions: lifeline.sessionsOn(stack.temporal.client, stack.taskQueue),
      },
      { pollMs: 20, retention: false, ...opts },
    );
  };

  before(async () => {
    stack = await startStack({ scenario: 'minimal', tenantSettings: { requireOptIn: false } });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
  });
  after(() => stack.stop());

  it('when the same status arrives 5 times (one body, and four more), then it is applied and signalled once', async () => {
    const wamid = `wamid.FIVE-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid });
    try {
      const one = statusItem(wamid, 'delivered');
      assert.equal((await postWebhook(stack, envelope(WABA, 'messages', statuses([one, one])))).status, 200);
      for (let i = 0; i < 3; i++) {
        const body = envelope(WABA, 'messages', statuses([one]), 1767225600 + i); // different bytes, same event
        assert.equal((await postWebhook(stack, body)).status, 200);
      }
      await drained(stack);
      assert.equal((await parked.attempt())?.status, 'delivered');
      const signalled = (await signalsOf(stack, parked.workflowId, 'status')) as { status: string }[];
      assert.deepEqual(
        signalled.map((s) => s.status),
        ['delivered'],
      );
    } finally {
      await parked.terminate();
    }
  });

  it('when statuses arrive out of order, in one body and across bodies, then the attempt never regresses', async () => {
    const wamid = `wamid.ORDER-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid });
    try {
      const body = statuses([statusItem(wamid, 'read'), statusItem(wamid, 'sent'), statusItem(wamid, 'delivered')]);
      assert.equal((await postWebhook(stack, envelope(WABA, 'messages', body))).status, 200);
      await drained(stack);
      assert.equal((await parked.attempt())?.status, 'read');
      for (const s of ['failed', 'sent', 'delivered']) {
        const late = statuses([statusItem(wamid, s, s === 'failed' ? { errors: [{ code: 131026 }] } : {})]);
        assert.equal((await postWebhook(stack, envelope(WABA, 'messages', late))).status, 200);
        await drained(stack);
        assert.equal((await parked.attempt())?.status, 'read', `after a late ${s}`);
      }
      const message = await stack.api('GET', `/v1/messages/${parked.id}`);
      assert.equal(message.body.status, 'read', 'the message took the late success too');
    } finally {
      await parked.terminate();
    }
  });

  it('when a body mixes impossible events with good ones, then each bad one is dead-lettered with its reason and the rest apply', async () => {
    const good = `wamid.GOOD-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid: good });
    try {
      const badTime = statusItem(`wamid.BAD-${Date.now()}`, 'delivered', { timestamp: 'abc' });
      const farInbound = {
        ...statusValue(PHONE, 'x', 'sent'),
        statuses: undefined,
        contacts: [{ wa_id: CUSTOMER }],
        messages: [
          {
            from: CUSTOMER,
            id: `wamid.IN-${Date.now()}`,
            timestamp: '10000000000000',
            type: 'text',
            text: { body: 'hi' },
          },
        ],
      };
      const body = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            time: 'not-a-number',
            changes: [{ field: 'messages', value: statuses([badTime, statusItem(good, 'delivered')]) }],
          },
          {
            id: WABA,
            time: 1767225600,
            changes: [
              { field: 'messages', value: null },
              { field: 'messages', value: farInbound },
            ],
          },
        ],
      };
      const res = await postWebhook(stack, body);
      assert.equal(res.status, 200, 'a non-numeric entry.time and a null change value do not reject the body');
      await drained(stack);
      assert.equal((await parked.attempt())?.status, 'delivered', 'the good sibling applied');
      const letters = (await stack.db.pool.query('SELECT kind, reason FROM webhook_dead_letters ORDER BY id')).rows as {
        reason: string;
      }[];
      assert.ok(
        letters.some((l) => /timestamp: must be Unix seconds/.test(l.reason)),
        JSON.stringify(letters),
      );
      assert.ok(
        letters.some((l) => /value/.test(l.reason)),
        'the null change value',
      );
      assert.equal(
        letters.filter((l) => /must be Unix seconds/.test(l.reason)).length,
        2,
        'status "abc" and inbound 1e13',
      );
    } finally {
      await parked.terminate();
    }
  });

  it('when a handler keeps failing on an event, then it is dead-lettered after bounded tries; an outage retries without counting', async () => {
    await stack.processor.stop();
    const flaky = processor({ maxAttempts: 3, retryBaseMs: 20, outageRetryMs: 20 });
    const wamid = `wamid.FLAKY-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid });
    const original = stack.db.pool.query.bind(stack.db.pool);
    let outages = 0;
    // The fold statement fails: first as an outage (connection refused) five times, then as a bug, forever.
    (stack.db.pool as { query: unknown }).query = (async (...args: Parameters<typeof original>) => {
      const text = typeof args[0] === 'string' ? args[0] : '';
      if (text.includes('UPDATE message_attempts a SET')) {
        if (outages < 5) {
          outages += 1;
          throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
        }
        throw new TypeError('a bug that this event always triggers');
      }
      return original(...args);
    }) as never;
    try {
      const body = envelope(WABA, 'account_review_update', { decision: 'APPROVED' });
      body.entry[0]!.changes.push({ field: 'messages', value: statuses([statusItem(wamid, 'delivered')]) } as never);
      assert.equal((await postWebhook(stack, body)).status, 200);
      flaky.start();
      const letter = await waitFor(() => deadLetter(`status:${wamid}:delivered`), 'dead-lettered');
      assert.equal(outages, 5);
      assert.equal(letter.attempts, 3, 'outages were not counted');
      assert.match(letter.reason, /a bug that this event always triggers/);
      // The letter is written before its body is marked done (a crash in between dead-letters it again, once).
      const inboxRow = async () =>
        (
          await stack.db.pool.query('SELECT processed_at, last_error FROM webhook_inbox WHERE id = $1', [
            letter.inboxId,
          ])
        ).rows[0] as { processed_at: Date | null; last_error: string | null };
      await waitFor(async () => (await inboxRow()).processed_at !== null, 'the body is done');
      assert.match((await inboxRow()).last_error ?? '', /dead-lettered: .*a bug that this event always triggers/);
      const waba = await stack.db.pool.query('SELECT fields FROM wabas WHERE id = $1', [WABA]);
      assert.equal(waba.rows[0].fields.accountReviewStatus, 'APPROVED', 'its sibling applied');
    } finally {
      (stack.db.pool as { query: unknown }).query = original;
      await flaky.stop();
      await parked.terminate();
      stack.processor.start();
    }
  });

  it('when two processors share one inbox, then every event is applied exactly once', async () => {
    await stack.processor.stop();
    const parked = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid: `wamid.TWO-${Date.now()}-${i}` }),
      ),
    );
    // 60 more attempts (and wamids) on those four workflows.
    const wamids: { wamid: string; workflowId: string }[] = [];
    for (let i = 0; i < 60; i++) {
      const p = parked[i % 4]!;
      const id = crypto.randomUUID();
      const wamid = `wamid.TWO-${id}`;
      await stack.db.pool.query(
        `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request, status)
         VALUES ($1, $2, $3, $4, $5, 'hello_offer', 'en_US', '{}', 'sent')`,
        [id, stack.tenant.id, `two-${id}`, p.workflowId, CUSTOMER],
      );
      await stack.db.pool.query(
        `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, wamid, status)
         VALUES ($1, $2, $3, 1, 'template', $4, $5, 'accepted')`,
        [`${id}:1`, stack.tenant.id, id, PHONE, wamid],
      );
      await stack.db.pool.query(
        'INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id) VALUES ($1, $2, $3, $4, $5)',
        [wamid, stack.tenant.id, id, `${id}:1`, p.workflowId],
      );
      wamids.push({ wamid, workflowId: p.workflowId });
    }
    for (let i = 0; i < wamids.length; i += 3) {
      const items = wamids
        .slice(i, i + 3)
        .flatMap((w) => [statusItem(w.wamid, 'sent'), statusItem(w.wamid, 'delivered')]);
      assert.equal((await postWebhook(stack, envelope(WABA, 'messages', statuses(items)))).status, 200);
    }
    const one = processor({ batchSize: 3 });
    const two = processor({ batchSize: 3 });
    one.start();
    two.start();
    try {
      await drained(stack);
      const folded = await stack.db.pool.query(
        "SELECT count(*)::int AS n FROM message_attempts WHERE wamid = ANY($1) AND status = 'delivered'",
        [wamids.map((w) => w.wamid)],
      );
      assert.equal(folded.rows[0].n, 60);
      const signalled = (await Promise.all(parked.map((p) => signalsOf(stack, p.workflowId, 'status')))).flat() as {
        wamid: string;
      }[];
      const mine = signalled.filter((s) => wamids.some((w) => w.wamid === s.wamid));
      assert.equal(mine.length, 60, 'one delivered signal per wamid');
      assert.equal(new Set(mine.map((s) => s.wamid)).size, 60, 'no wamid signalled twice');
    } finally {
      await Promise.all([one.stop(), two.stop()]);
      await Promise.all(parked.map((p) => p.terminate()));
      stack.processor.start();
    }
  });

  it('when a campaign-driven message gets statuses, then its rows fold without a signal and a failure reaches the campaign hook', async () => {
    await stack.processor.stop();
    const failures: CampaignFailure[] = [];
    const campaign = processor({}, { failed: async (f) => void failures.push(...f) });
    campaign.start();
    try {
      const ids = [crypto.randomUUID(), crypto.randomUUID()];
      for (const id of ids) {
        await stack.db.pool.query(
          `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request, status, driven_by, campaign_id)
           VALUES ($1, $2, $3, $4, $5, 'hello_offer', 'en_US', '{}', 'accepted', 'campaign', 'camp-1')`,
          [id, stack.tenant.id, `camp-${id}`, `campaign:camp-1`, CUSTOMER],
        );
        await stack.db.pool.query(
          `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, status)
           VALUES ($1, $2, $3, 1, 'template', $4, 'sending')`,
          [`${id}:1`, stack.tenant.id, id, PHONE],
        );
      }
      // Routed by attempt id (biz_opaque_callback_data): the campaign engine has not stored the wamids.
      const [ok, bad] = ids.map((id) => ({ wamid: `wamid.CAMP-${id}`, hint: `${id}:1` }));
      const body = statuses([
        statusItem(ok!.wamid, 'sent', { biz_opaque_callback_data: ok!.hint }),
        statusItem(ok!.wamid, 'delivered', { biz_opaque_callback_data: ok!.hint }),
        statusItem(bad!.wamid, 'failed', {
          biz_opaque_callback_data: bad!.hint,
          errors: [{ code: 131026, title: 'undeliverable' }],
        }),
      ]);
      assert.equal((await postWebhook(stack, envelope(WABA, 'messages', body))).status, 200);
      await drained(stack);
      const rows = await stack.db.pool.query(
        `SELECT m.id, m.status, a.status AS attempt, a.wamid, (SELECT count(*)::int FROM wamids w WHERE w.attempt_id = a.id) AS routes
           FROM messages m JOIN message_attempts a ON a.message_id = m.id WHERE m.id = ANY($1::uuid[]) ORDER BY m.id = $2 DESC`,
        [ids, ids[0]],
      );
      assert.deepEqual(
        rows.rows.map((r) => [r.status, r.attempt, r.wamid, r.routes]),
        [
          ['delivered', 'delivered', ok!.wamid, 1],
          ['failed', 'failed', bad!.wamid, 1],
        ],
      );
      assert.equal(failures.length, 1);
      assert.equal(failures[0]!.messageId, ids[1]);
      assert.equal(failures[0]!.campaignId, 'camp-1');
      assert.equal(failures[0]!.failure.code, 131026);
    } finally {
      await campaign.stop();
      stack.processor.start();
    }
  });

  it('when a processor runs in its own process, then a stored body wakes it at once (LISTEN/NOTIFY), not at its next poll', async () => {
    await stack.processor.stop();
    const own = processor({ pollMs: 600_000 });
    const listener = createInboxListener(stack.db.url, () => own.kick(), createLogger('silent'));
    own.start();
    listener.start();
    const wamid = `wamid.WAKE-${Date.now()}`;
    const parked = await parkedMessage(stack, { recipient: CUSTOMER, phoneNumberId: PHONE, wamid });
    try {
      await own.drain(); // its first pass is over; the next poll is ten minutes away
      await new Promise((r) => setTimeout(r, 500)); // the listener is connected
      assert.equal(
        (await postWebhook(stack, envelope(WABA, 'messages', statuses([statusItem(wamid, 'delivered')])))).status,
        200,
      );
      await waitFor(async () => (await parked.attempt())?.status === 'delivered', 'applied on notification', 10_000);
    } finally {
      await listener.stop();
      await own.stop();
      await parked.terminate();
      stack.processor.start();
    }
  });

  it('when retention runs, then old processed bodies (and their seen keys), old dead letters and long-waiting statuses go', async () => {
    const wamid = `wamid.NEVER-${Date.now()}`;
    assert.equal(
      (await postWebhook(stack, envelope(WABA, 'messages', statuses([statusItem(wamid, 'read')])))).status,
      200,
    );
    await drained(stack);
    const old = await stack.db.pool.query(
      "UPDATE webhook_inbox SET processed_at = now() - interval '8 days' WHERE id = (SELECT max(id) FROM webhook_inbox) RETURNING id",
    );
    await stack.db.pool.query(
      "UPDATE webhook_waiting_statuses SET received_at = now() - interval '8 days' WHERE wamid = $1",
      [wamid],
    );
    await stack.db.pool.query("UPDATE webhook_dead_letters SET created_at = now() - interval '31 days'");
    const before = (await stack.db.pool.query('SELECT count(*)::int AS n FROM webhook_dead_letters')).rows[0]
      .n as number;
    assert.ok(before > 0, 'earlier tests left dead letters');
    const pruned = await stack.processor.prune();
    assert.deepEqual(pruned, { expired: 1, inbox: 1, deadLetters: before });
    const id = old.rows[0].id as number;
    assert.equal((await stack.db.pool.query('SELECT 1 FROM webhook_inbox WHERE id = $1', [id])).rowCount, 0);
    assert.equal(
      (await stack.db.pool.query('SELECT 1 FROM webhook_events_seen WHERE inbox_id = $1', [id])).rowCount,
      0,
    );
    const letter = await deadLetter(`status:${wamid}:read`);
    assert.equal(letter?.reason, 'its wamid was never stored');
  });
});
