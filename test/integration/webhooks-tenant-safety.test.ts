import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signWebhookBody } from '../../src/meta/webhook-signature';
import { waitFor } from '../helpers/http';
import { startStack, TEST_APP_SECRET, type Stack } from '../helpers/stack';
import {
  drained,
  envelope,
  inboundValue,
  metric,
  parkedMessage,
  postWebhook,
  signalsOf,
  statusValue,
} from '../helpers/webhooks';

const WABA = '200000000000900'; // the stack tenant's ("B")
const PHONE = '300000000000901';
const CUSTOMER = '447700900002';
const A_SECRET = 'tenant-a-own-app-secret';
const HMACS = 'lifeline_webhook_signature_checks_total';

describe("webhook tenant safety: a tenant's own secret speaks for that tenant only; refusals cost O(1)", () => {
  let stack: Stack;
  let tenantA: string;
  const pathA = () => `/webhooks/whatsapp/t/${tenantA}`;
  const b = {
    contact: async () => (await stack.api('GET', `/v1/contacts/+${CUSTOMER}`)).body,
    escalations: async () => (await stack.api('GET', '/v1/escalations')).body.data as unknown[],
    waba: async () =>
      (await stack.db.pool.query('SELECT fields FROM wabas WHERE id = $1', [WABA])).rows[0].fields as Record<
        string,
        unknown
      >,
    healthChanges: async () =>
      (await stack.db.pool.query("SELECT count(*)::int AS n FROM health_changes WHERE source = 'webhook'")).rows[0]
        .n as number,
  };
  const hmacs = () => metric(stack, HMACS, {});

  before(async () => {
    stack = await startStack({ scenario: 'minimal', tenantSettings: { requireOptIn: false } });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    const a = await stack.admin('POST', '/v1/tenants', { name: 'tenant A', settings: { metaAppSecret: A_SECRET } });
    assert.equal(a.status, 201);
    tenantA = a.body.id as string;
  });
  after(() => stack.stop());

  it("when tenant A signs a body naming B's WABA, number, customer and message, then nothing of B's changes", async () => {
    const parked = await parkedMessage(stack, {
      recipient: CUSTOMER,
      phoneNumberId: PHONE,
      wamid: `wamid.B-${Date.now()}`,
    });
    const wamid = (await parked.attempt())!.wamid!;
    try {
      const forged = {
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA,
            time: Math.floor(Date.now() / 1000),
            changes: [
              { field: 'messages', value: inboundValue(PHONE, CUSTOMER, { type: 'text', text: { body: 'STOP' } }) },
              {
                field: 'messages',
                value: inboundValue(PHONE, CUSTOMER, { type: 'text', text: { body: 'agent please' } }),
              },
              { field: 'messages', value: statusValue(PHONE, wamid, 'delivered') },
              { field: 'account_update', value: { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } } },
              {
                field: 'user_preferences',
                value: {
                  metadata: { phone_number_id: PHONE },
                  user_preferences: [
                    { wa_id: CUSTOMER, value: 'stop', category: 'marketing_messages', timestamp: 1767225600 },
                  ],
                },
              },
            ],
          },
        ],
      };
      const healthBefore = await b.healthChanges();
      const res = await postWebhook(stack, forged, { secret: A_SECRET, path: pathA() });
      assert.equal(res.status, 200, 'the signature is valid: accepted, stored, then refused event by event');
      await drained(stack);
      assert.equal((await b.contact()).optedOutAt ?? null, null, 'no opt-out');
      assert.equal((await b.escalations()).length, 0, 'no escalation');
      assert.notEqual((await b.waba()).banState, 'DISABLE', 'no health change');
      assert.equal(await b.healthChanges(), healthBefore);
      assert.equal((await parked.attempt())?.status, 'accepted', 'no status');
      assert.equal((await signalsOf(stack, parked.workflowId, 'status')).length, 0, 'no signal');
      const note = await stack.db.pool.query('SELECT last_error FROM webhook_inbox ORDER BY id DESC LIMIT 1');
      assert.match(note.rows[0].last_error, /does not belong to the tenant whose secret signed the body/);

      // The same status signed by the platform app applies: the refusal above was the tenant scope, not the body.
      assert.equal(
        (await postWebhook(stack, envelope(WABA, 'messages', statusValue(PHONE, wamid, 'delivered')))).status,
        200,
      );
      await waitFor(async () => (await parked.attempt())?.status === 'delivered', 'platform-signed status applied');
    } finally {
      await parked.terminate();
    }
  });

  it('when signatures are wrong or malformed, then each request costs at most one HMAC, however many tenants have secrets', async () => {
    for (let i = 0; i < 20; i++) {
      const t = await stack.admin('POST', '/v1/tenants', {
        name: `app ${i}`,
        settings: { metaAppSecret: `secret-of-app-${i}` },
      });
      assert.equal(t.status, 201);
    }
    const body = JSON.stringify(envelope(WABA, 'account_review_update', { decision: 'APPROVED' })).padEnd(60_000, ' ');
    const start = await hmacs();
    const wrong = signWebhookBody(body, 'secret-of-app-7'); // a real tenant's secret, on the platform path
    for (let i = 0; i < 10; i++) {
      assert.equal(
        (await postWebhook(stack, body, { secret: null, headers: { 'x-hub-signature-256': wrong } })).status,
        401,
      );
    }
    assert.equal((await hmacs()) - start, 10, 'one HMAC per wrong signature');

    const malformed = ['sha256=abc', 'sha1=' + 'a'.repeat(40), 'sha256=' + 'z'.repeat(64), `${wrong}00`, ''];
    for (const header of malformed) {
      const res = await postWebhook(stack, body, { secret: null, headers: { 'x-hub-signature-256': header } });
      assert.equal(res.status, 401, header);
    }
    assert.equal(await postWebhook(stack, body, { secret: null }).then((r) => r.status), 401, 'unsigned');
    assert.equal((await hmacs()) - start, 10, 'no HMAC for a malformed or missing header');

    const unknownTenant = `/webhooks/whatsapp/t/${crypto.randomUUID()}`;
    assert.equal((await postWebhook(stack, body, { secret: TEST_APP_SECRET, path: unknownTenant })).status, 401);
    assert.equal((await postWebhook(stack, body, { secret: 'guess', path: pathA() })).status, 401);
    assert.equal(
      (await hmacs()) - start,
      11,
      "a tenant path checks that tenant's secret only; an unknown tenant costs none",
    );
    assert.equal((await postWebhook(stack, body, { secret: A_SECRET, path: pathA() })).status, 200);
    assert.equal((await hmacs()) - start, 12);
  });
});
