import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertBad } from '../helpers/assert-bad';
import { httpClient, waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { drained, envelope, inboundValue, postWebhook } from '../helpers/webhooks';

const WABA = '200000000000900';
const PHONE = '300000000000901';
const ASHA = '447700900091';
const RAVI = '447700900092';
const WORDING = 'I consent to receive order updates from Fresh Produce on my WhatsApp number XXXXXX0091';

describe('consent records: what the customer agreed to, where and when; history and audit export', () => {
  let stack: Stack;
  const optIn = (waId: string, body: unknown) => stack.api('POST', `/v1/contacts/+${waId}/opt-in`, body);

  before(async () => {
    stack = await startStack({ scenario: 'minimal' });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  });
  after(() => stack.stop());

  it('when an opt-in names its wording, channel, source and proof, then all of it is kept with the time', async () => {
    const at = new Date(Date.now() - 3_600_000).toISOString();
    const r = await optIn(ASHA, {
      channel: 'checkout',
      wording: WORDING,
      sourceRef: 'https://shop.example.com/checkout?v=2026-11',
      proof: 'order 8812, checkbox ticked, ip 203.0.113.7',
      at,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Date(r.body.optedInAt).toISOString(), at);
    assert.equal(r.body.record.channel, 'checkout');
    assert.equal(r.body.record.wording, WORDING);
    const legacy = await optIn(RAVI, { source: 'website checkbox' });
    assert.equal(legacy.body.record.channel, 'unspecified');
    assert.equal(legacy.body.optInSource, 'website checkbox');
  });

  it('when a customer sends STOP, then the opt-out records the keyword once, however often the event is retried', async () => {
    const thirtyMinutesAgo = String(Math.floor(Date.now() / 1000) - 1800);
    const body = envelope(
      WABA,
      'messages',
      inboundValue(PHONE, ASHA, {
        id: 'wamid.stop-1',
        timestamp: thirtyMinutesAgo,
        type: 'text',
        text: { body: 'Stop!' },
      }),
    );
    await postWebhook(stack, body);
    await postWebhook(stack, { ...body, entry: [{ ...body.entry[0]!, time: body.entry[0]!.time + 1 }] });
    await drained(stack);
    const c = await waitFor(async () => {
      const v = (await stack.api('GET', `/v1/contacts/+${ASHA}`)).body;
      return v.optedOutAt ? v : undefined;
    }, 'opted out');
    assert.deepEqual(
      c.consents.map((r: { kind: string; channel: string; keyword: string | null }) => [r.kind, r.channel, r.keyword]),
      [
        ['opt_out', 'whatsapp', 'stop'],
        ['opt_in', 'checkout', null],
      ],
    );
  });

  it('when an opt-in is back-dated before the opt-out, then it is in the history but does not re-subscribe', async () => {
    const r = await optIn(ASHA, {
      channel: 'ivr',
      wording: 'Press 1 to agree',
      at: new Date(Date.now() - 7_200_000).toISOString(),
    });
    assert.equal(r.status, 200);
    assert.ok(r.body.optedOutAt, 'still opted out');
    const fresh = await optIn(ASHA, {
      channel: 'sms',
      wording: 'Reply YES to get updates',
      sourceRef: 'sms-campaign-7',
    });
    assert.equal(fresh.body.optedOutAt, null, 'a newer opt-in re-subscribes');
    const out = await stack.api('POST', `/v1/contacts/+${RAVI}/opt-out`, {
      channel: 'email',
      keyword: 'unsubscribe link',
    });
    assert.equal(out.body.record.channel, 'email');
    assert.equal(out.body.record.keyword, 'unsubscribe link');
    assert.equal((await stack.api('GET', `/v1/contacts/+${ASHA}`)).body.consents.length, 4);
  });

  it('when the tenant exports its consents, then JSON pages and the CSV list every record, and only its own', async () => {
    const first = (await stack.api('GET', '/v1/consents?limit=2')).body;
    assert.equal(first.data.length, 2);
    const rest = (await stack.api('GET', `/v1/consents?cursor=${first.nextCursor}`)).body;
    assert.equal(first.data.length + rest.data.length, 6);
    assert.equal(rest.nextCursor, null);

    const csv = await fetch(`${stack.apiUrl}/v1/consents`, {
      headers: { authorization: `Bearer ${stack.tenant.apiKey}`, accept: 'text/csv' },
    });
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines[0], 'id,waId,kind,channel,wording,source,sourceRef,proof,keyword,occurredAt,recordedAt');
    assert.equal(lines.length, 7);
    assert.ok(lines.some((l) => l.includes(WORDING) && l.includes('"order 8812, checkbox ticked, ip 203.0.113.7"')));

    const other = await stack.admin('POST', '/v1/tenants', { name: 'other', settings: {} });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey as string);
    assert.deepEqual((await otherApi('GET', '/v1/consents')).body.data, []);
    assertBad(await otherApi('GET', `/v1/contacts/+${ASHA}`), 404, 'not_found');
  });

  it('when consent input is bad, then 400 names the field', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const cases: [string, unknown, string][] = [
      ['opt-in', {}, 'body.channel'],
      ['opt-in', { channel: 'carrier-pigeon', wording: 'x' }, 'body.channel'],
      ['opt-in', { channel: 'checkout' }, 'body.wording'],
      ['opt-in', { channel: 'checkout', wording: 'x', at: future }, 'body.at'],
      ['opt-in', { channel: 'checkout', wording: 'x', at: 'yesterday' }, 'body.at'],
      ['opt-in', { channel: 'checkout', wording: 'x', color: 1 }, 'body.color'],
      ['opt-out', { channel: 'fax' }, 'body.channel'],
      ['opt-out', { keyword: '' }, 'body.keyword'],
    ];
    for (const [route, body, field] of cases) {
      assertBad(await stack.api('POST', `/v1/contacts/+${ASHA}/${route}`, body), 400, 'validation_failed', field);
    }
    assertBad(await stack.api('GET', '/v1/consents?cursor=abc'), 400, 'validation_failed', 'query.cursor');
    assertBad(await stack.api('GET', '/v1/consents?limit=5000'), 400, 'validation_failed', 'query.limit');
    const badSettings = await stack.admin('POST', '/v1/tenants', {
      name: 'x',
      settings: { escalation: { enabled: true } },
    });
    assertBad(badSettings, 400, 'validation_failed', 'body.settings.escalation.humanPath');
    const badPath = await stack.admin('POST', '/v1/tenants', {
      name: 'x',
      settings: { escalation: { enabled: true, humanPath: { webForm: 'http://x.example' } } },
    });
    assertBad(badPath, 400, 'validation_failed', 'body.settings.escalation.humanPath.webForm');
  });
});
