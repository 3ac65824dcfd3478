import fc from 'fast-check';
import { signWebhookBody } from '../../src/meta/webhook-signature';
import { TEST_ADMIN_KEY, TEST_APP_SECRET } from '../helpers/stack';
import { hostileString, hostileValue, isoDate, maybe, messageBody, tenantSettings } from './arbitraries';
import { webhookBody } from './webhook-arbitraries';

export const WABA = '200000000000900';
export const PHONES = ['300000000000901', '300000000000902'];

export interface Req {
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Every UTF-8 byte percent-encoded (a lone surrogate becomes U+FFFD's bytes; encodeURIComponent would throw). */
const percentEncode = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');

const text = (v: unknown) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

/** Header values as an HTTP client can send them (no control characters, latin-1). */
const headerSafe = (s: string) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 500);

/** `total` requests over every route and the webhook, reproducible from `seed`. */
export function requests(apiKey: string, total: number, seed: number): Req[] {
  const param = fc.oneof(
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString.map((s) => percentEncode(s) || 'x') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        WABA,
        ...PHONES,
        '+447700900001',
        'hello_offer',
        '%E0%A4%A',
        '%00',
        '..%2F..',
        '%ud800',
        '%ED%A0%80',
        '%FF',
        'a'.repeat(3000),
      ),
    },
  );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant(`Bearer ${apiKey}`) },
    { weight: 1, arbitrary: hostileString.map((s) => headerSafe(`Bearer ${s}`)) },
    { weight: 1, arbitrary: fc.constant('') },
  );
  const contentType = fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-16',
    'text/plain',
    'application/x-www-form-urlencoded',
    'text/csv',
  );
  const query = fc
    .dictionary(
      fc.constantFrom('limit', 'cursor', 'status', 'since', 'campaignId', 'hub.mode', 'x'),
      fc.oneof(hostileString, fc.constantFrom('1', '50', '0', '201', 'open', 'eyJ4Ijox', 'WyIyMDI2LTAxLTAxIiwieCJd')),
      { maxKeys: 3, noNullPrototype: true },
    )
    .map((q) => {
      const s = new URLSearchParams(q).toString();
      return s ? `?${s}` : '';
    });
  const bodyOf = (good: fc.Arbitrary<unknown>) =>
    fc.oneof(
      { weight: 6, arbitrary: good.map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: hostileString },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '{',
          '{"a":',
          '[[[[[[[[',
          `{"to":${'['.repeat(3000)}${']'.repeat(3000)}}`,
          '\u0000',
          '',
        ),
      },
    );
  const route = (name: string, method: string, path: fc.Arbitrary<string>, body?: fc.Arbitrary<unknown>) =>
    fc
      .record({ path, q: query, auth, ct: contentType, body: body ? bodyOf(body) : fc.constant(undefined) })
      .map(({ path: p, q, auth: a, ct, body: b }): Req => ({
        route: name,
        method,
        path: `${p}${q}`,
        headers: { ...(a ? { authorization: a } : {}), ...(b !== undefined ? { 'content-type': ct } : {}) },
        body: b,
      }));
  const optIn = fc.record({ source: maybe(hostileString), proof: maybe(hostileString) }, { requiredKeys: [] });
  const member = fc.record({
    wabaId: maybe(fc.constant(WABA)),
    name: maybe(hostileString),
    language: maybe(fc.constant('en_US')),
  });
  const api = fc.oneof(
    route('POST /v1/messages', 'POST', fc.constant('/v1/messages'), messageBody),
    route(
      'GET /v1/messages/:id',
      'GET',
      param.map((p) => `/v1/messages/${p}`),
    ),
    route(
      'POST /v1/messages/:id/cancel',
      'POST',
      param.map((p) => `/v1/messages/${p}/cancel`),
      fc.record({ reason: maybe(hostileString) }, { requiredKeys: [] }),
    ),
    route(
      'POST /v1/wabas',
      'POST',
      fc.constant('/v1/wabas'),
      fc.record(
        {
          id: maybe(fc.oneof(fc.constant(WABA), hostileString)),
          accessToken: maybe(hostileString),
          name: maybe(hostileString),
        },
        { requiredKeys: [] },
      ),
    ),
    route(
      'POST /v1/wabas/:id/sync',
      'POST',
      param.map((p) => `/v1/wabas/${p}/sync`),
    ),
    route('GET /v1/wabas', 'GET', fc.constant('/v1/wabas')),
    route('GET /v1/phone-numbers', 'GET', fc.constant('/v1/phone-numbers')),
    route(
      'PATCH /v1/phone-numbers/:id',
      'PATCH',
      param.map((p) => `/v1/phone-numbers/${p}`),
      fc.record({ enabled: maybe(fc.boolean()), priority: maybe(fc.integer()) }, { requiredKeys: [] }),
    ),
    route('GET /v1/templates', 'GET', fc.constant('/v1/templates')),
    route(
      'PUT /v1/template-groups/:key',
      'PUT',
      param.map((p) => `/v1/template-groups/${p}`),
      fc.record({ members: maybe(fc.array(member, { maxLength: 3 })) }),
    ),
    route('GET /v1/health', 'GET', fc.constant('/v1/health')),
    route(
      'POST /v1/contacts/:waId/opt-in',
      'POST',
      param.map((p) => `/v1/contacts/${p}/opt-in`),
      optIn,
    ),
    route(
      'POST /v1/contacts/:waId/opt-out',
      'POST',
      param.map((p) => `/v1/contacts/${p}/opt-out`),
      optIn,
    ),
    route(
      'GET /v1/contacts/:waId',
      'GET',
      param.map((p) => `/v1/contacts/${p}`),
    ),
    route('GET /v1/costs/summary', 'GET', fc.constant('/v1/costs/summary'), undefined),
    route(
      'GET /v1/costs/summary?since',
      'GET',
      isoDate.map((d) => `/v1/costs/summary?since=${percentEncode(d)}`),
    ),
    route('GET /v1/escalations', 'GET', fc.constant('/v1/escalations')),
    route('GET /v1/escalations/signing-secret', 'GET', fc.constant('/v1/escalations/signing-secret')),
    route(
      'POST /v1/escalations/:id/resolve',
      'POST',
      param.map((p) => `/v1/escalations/${p}/resolve`),
    ),
    route('GET /v1/api-keys', 'GET', fc.constant('/v1/api-keys')),
    route(
      'POST /v1/api-keys',
      'POST',
      fc.constant('/v1/api-keys'),
      fc.record({ label: maybe(hostileString) }, { requiredKeys: [] }),
    ),
    route(
      'POST /v1/api-keys/:id/revoke',
      'POST',
      param.map((p) => `/v1/api-keys/${p}/revoke`),
    ),
    route(
      'POST /v1/api-keys/:id/rotate',
      'POST',
      param.map((p) => `/v1/api-keys/${p}/rotate`),
      fc.record({ graceSeconds: maybe(fc.integer()) }, { requiredKeys: [] }),
    ),
    route(
      'GET /healthz|readyz|openapi.json',
      'GET',
      fc.constantFrom('/healthz', '/readyz', '/openapi.json', '/metrics'),
    ),
    route(
      'unknown',
      'DELETE',
      param.map((p) => `/v1/${p}`),
      hostileValue,
    ),
  );
  const admin = route(
    'POST /v1/tenants',
    'POST',
    fc.constant('/v1/tenants'),
    fc.record({ name: maybe(hostileString), settings: maybe(tenantSettings) }, { requiredKeys: [] }),
  ).map((r) => ({
    ...r,
    path: '/v1/tenants',
    headers: { ...r.headers, authorization: r.path.length % 10 !== 0 ? `Bearer ${TEST_ADMIN_KEY}` : 'Bearer x' },
  }));
  const handshake = fc
    .record({
      mode: maybe(fc.constant('subscribe')),
      token: maybe(fc.constant('test-verify-token')),
      challenge: hostileString,
    })
    .map((q): Req => ({
      route: 'GET /webhooks/whatsapp',
      method: 'GET',
      path: `/webhooks/whatsapp?${new URLSearchParams({ 'hub.mode': text(q.mode), 'hub.verify_token': text(q.token), 'hub.challenge': text(q.challenge) })}`,
      headers: {},
    }));
  const webhook = fc
    .record({
      body: fc.oneof(
        { weight: 9, arbitrary: webhookBody(WABA, PHONES).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: hostileString },
      ),
      signed: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
      badHeader: hostileString.map(headerSafe),
    })
    .map(({ body, signed, badHeader }): Req => ({
      route: 'POST /webhooks/whatsapp',
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signed ? signWebhookBody(body, TEST_APP_SECRET) : badHeader,
      },
      body,
    }));
  const all = fc.oneof(
    { weight: 12, arbitrary: api },
    { weight: 1, arbitrary: admin },
    { weight: 1, arbitrary: handshake },
    { weight: 6, arbitrary: webhook },
  );
  return fc.sample(all, { numRuns: total, seed });
}
