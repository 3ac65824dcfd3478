import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { assertBad } from '../helpers/assert-bad';
import { type HttpResult, httpClient } from '../helpers/http';
import { startStack, TEST_ADMIN_KEY, type Stack } from '../helpers/stack';

const WABA = '200000000000900'; // the `minimal` scenario
const PHONE = '300000000000901';
const message = { to: '+447700900001', template: 'hello_offer', language: 'en_US', parameters: { body: ['A', 'B'] } };

describe('API validation: bad input gets a 4xx naming the bad field, never a 500', () => {
  let stack: Stack;

  before(async () => {
    stack = await startStack({ scenario: 'minimal' });
    const reg = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
  });
  after(() => stack.stop());

  it('when a tenant is created without, or with a wrong, admin key or a bad body, then it is refused', async () => {
    const anonymous = httpClient(stack.apiUrl);
    assertBad(await anonymous('POST', '/v1/tenants', { name: 'x' }), 401, 'unauthenticated');
    assertBad(await anonymous('POST', '/v1/tenants', { name: 'x' }, { key: stack.tenant.apiKey }), 403, 'forbidden');
    const admin = httpClient(stack.apiUrl, TEST_ADMIN_KEY);
    assertBad(await admin('POST', '/v1/tenants', {}), 400, 'validation_failed', 'body.name');
    assertBad(await admin('POST', '/v1/tenants', { name: '' }), 400, 'validation_failed', 'body.name');
    assertBad(
      await admin('POST', '/v1/tenants', { name: 'x', settings: 'all' }),
      400,
      'validation_failed',
      'body.settings',
    );
  });

  it('when a message is posted with a bad field, then the answer is 400 naming that field', async () => {
    const { to: _to, ...withoutTo } = message;
    const cases: [Record<string, unknown>, string][] = [
      [withoutTo, 'body.to'],
      [{ ...message, to: '+12ab' }, 'body.to'],
      [{ ...message, to: '+0123456789' }, 'body.to'],
      [{ ...message, language: 'english' }, 'body.language'],
      [{ ...message, template: 'Hello Offer' }, 'body.template'],
      [{ ...message, parameters: { header: { type: 'image', link: 'not a url' } } }, 'body.parameters.header.link'],
      [
        { ...message, parameters: { header: { type: 'image', link: 'ftp://x.example/a.png' } } },
        'body.parameters.header.link',
      ],
      [{ ...message, parameters: { body: 'A' } }, 'body.parameters.body'],
      [
        { ...message, smartUtilityFallback: { enabled: true, waitFor: 'tomorrow' } },
        'body.smartUtilityFallback.waitFor',
      ],
      [{ ...message, smartUtilityFallback: { enabled: 'yes' } }, 'body.smartUtilityFallback.enabled'],
      [{ ...message, idempotencyKey: '' }, 'body.idempotencyKey'],
    ];
    for (const [body, field] of cases) {
      assertBad(await stack.api('POST', '/v1/messages', body), 400, 'validation_failed', field);
    }
  });

  it('when a body carries an unknown field, then the 400 names that field', async () => {
    const admin = httpClient(stack.apiUrl, TEST_ADMIN_KEY);
    const cases: [HttpResult, string][] = [
      [await admin('POST', '/v1/tenants', { name: 'x', plan: 'gold' }), 'body.plan'],
      [await stack.api('POST', '/v1/messages', { ...message, priority: 'high' }), 'body.priority'],
      [await stack.api('POST', '/v1/messages', { ...message, prefer: { channel: 'sms' } }), 'body.prefer.channel'],
      [await stack.api('PATCH', `/v1/phone-numbers/${PHONE}`, { enabled: true, colour: 'red' }), 'body.colour'],
    ];
    for (const [r, field] of cases) assertBad(r, 400, 'validation_failed', field);
  });

  it('when a body is not JSON, not an object or too large, then the answer is 400, 400 or 413', async () => {
    assertBad(await stack.api('POST', '/v1/messages', undefined, { raw: '{"to": "+4477' }), 400, 'invalid_json');
    assertBad(await stack.api('POST', '/v1/messages', undefined, { raw: '[1, 2]' }), 400, 'validation_failed', 'body');
    assertBad(await stack.api('POST', '/v1/messages', undefined, { raw: '"text"' }), 400, 'invalid_json');
    const huge = JSON.stringify({ ...message, parameters: { body: ['x'.repeat(1024)] }, pad: 'x'.repeat(300_000) });
    assertBad(await stack.api('POST', '/v1/messages', undefined, { raw: huge }), 413, 'payload_too_large');
    const asText = await stack.api('POST', '/v1/messages', undefined, {
      raw: JSON.stringify(message),
      headers: { 'content-type': 'text/plain' },
    });
    assertBad(asText, 400, 'validation_failed', 'body.to');
  });

  it('when a message id is malformed or unknown, then the answer is 400 naming params.id, or 404', async () => {
    assertBad(await stack.api('GET', '/v1/messages/not-a-uuid'), 400, 'validation_failed', 'params.id');
    assertBad(await stack.api('POST', '/v1/messages/not-a-uuid/cancel', {}), 400, 'validation_failed', 'params.id');
    assertBad(await stack.api('GET', `/v1/messages/${crypto.randomUUID()}`), 404, 'not_found');
    assertBad(await stack.api('POST', `/v1/messages/${crypto.randomUUID()}/cancel`, {}), 404, 'not_found');
    const badCancel = await stack.api('POST', `/v1/messages/${crypto.randomUUID()}/cancel`, { reason: 5 });
    assertBad(badCancel, 400, 'validation_failed', 'body.reason');
  });

  it('when registry routes get bad input, then they answer 400 naming the field, or 422 when Meta refuses', async () => {
    const patch = (body: unknown, id = PHONE) => stack.api('PATCH', `/v1/phone-numbers/${id}`, body);
    assertBad(await patch({}), 400, 'validation_failed', 'body');
    assertBad(await stack.api('PATCH', `/v1/phone-numbers/${PHONE}`), 400, 'validation_failed', 'body');
    assertBad(await patch({ enabled: 'no' }), 400, 'validation_failed', 'body.enabled');
    assertBad(await patch({ priority: 1.5 }), 400, 'validation_failed', 'body.priority');
    assertBad(await patch({ enabled: false }, 'not an id!'), 400, 'validation_failed', 'params.id');
    assertBad(await patch({ enabled: false }, '399999999999999'), 404, 'not_found');

    const group = (key: string, body: unknown) => stack.api('PUT', `/v1/template-groups/${key}`, body);
    assertBad(await group('festive', { members: [] }), 400, 'validation_failed', 'body.members');
    assertBad(await group('festive', {}), 400, 'validation_failed', 'body.members');
    assertBad(
      await group('Festive-Offer', { members: [{ wabaId: WABA, name: 'hello_offer', language: 'en_US' }] }),
      400,
      'validation_failed',
      'params.key',
    );
    const badMember = await group('festive', { members: [{ wabaId: WABA, name: 'hello_offer', language: 'English' }] });
    assertBad(badMember, 400, 'validation_failed', 'body.members.0.language');

    assertBad(await stack.api('POST', '/v1/wabas', { id: WABA }), 400, 'validation_failed', 'body.accessToken');
    assertBad(
      await stack.api('POST', '/v1/wabas', { id: 'a/b', accessToken: 'EAAG-minimal' }),
      400,
      'validation_failed',
      'body.id',
    );
    const refused = await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-refused-by-meta' });
    assertBad(refused, 422, 'meta_rejected', 'body.accessToken');
    assertBad(await stack.api('POST', '/v1/wabas/200000000000999/sync'), 404, 'not_found');
  });

  it('when a contact route gets a bad waId or body, then it answers 400 naming the field', async () => {
    assertBad(
      await stack.api('POST', '/v1/contacts/not-a-number/opt-in', { source: 'web' }),
      400,
      'validation_failed',
      'params.waId',
    );
    assertBad(await stack.api('POST', '/v1/contacts/+12/opt-out', {}), 400, 'validation_failed', 'params.waId');
    assertBad(await stack.api('GET', '/v1/contacts/abc'), 400, 'validation_failed', 'params.waId');
    assertBad(
      await stack.api('POST', '/v1/contacts/+447700900001/opt-in', {}),
      400,
      'validation_failed',
      'body.source',
    );
    assertBad(await stack.api('GET', '/v1/contacts/+447700900002'), 404, 'not_found');
  });

  it('when a route does not exist or a path is malformed, then the answer is a JSON 404 or 400', async () => {
    assertBad(await stack.api('GET', '/v1/nothing-here'), 404, 'not_found');
    assertBad(await stack.api('DELETE', `/v1/wabas/${WABA}`), 404, 'not_found');
    assertBad(await httpClient(stack.apiUrl)('GET', '/nothing-here'), 404, 'not_found');
    const malformed = await stack.api('GET', '/v1/messages/%E0%A4%A');
    assert.equal(malformed.status, 400, JSON.stringify(malformed.body));
    assert.ok(malformed.body.error.code);
  });

  it('when any route gets garbage bodies, then it never answers 5xx', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/messages'],
      ['POST', '/v1/wabas'],
      ['POST', `/v1/wabas/${WABA}/sync`],
      ['PATCH', `/v1/phone-numbers/${PHONE}`],
      ['PUT', '/v1/template-groups/festive'],
      ['POST', '/v1/contacts/+447700900001/opt-in'],
      ['POST', '/v1/contacts/+447700900001/opt-out'],
      ['POST', `/v1/messages/${crypto.randomUUID()}/cancel`],
    ];
    const garbage = [
      'null',
      '0',
      'true',
      '[]',
      '{}',
      '{"__proto__": {"x": 1}}',
      '{"to": {"$gt": ""}}',
      '{"a":'.repeat(50),
    ];
    for (const [method, path] of routes) {
      for (const raw of garbage) {
        const r = await stack.api(method, path, undefined, { raw });
        assert.ok(r.status < 500, `${method} ${path} ${raw} → ${r.status} ${JSON.stringify(r.body)}`);
        if (r.status >= 400) assert.equal(typeof r.body?.error?.code, 'string', `${method} ${path} ${raw}`);
      }
    }
  });
});
