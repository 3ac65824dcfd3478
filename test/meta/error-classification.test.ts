import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FAILURE_KINDS, NON_RETRYABLE_FAILURE_TYPES } from '../../src/domain/failure';
import { classifyMetaError, type MetaErrorClass } from '../../src/meta/error-classification';
import { parseGraphErrorBody } from '../../src/meta/graph-error-body';

type Expected = { kind: MetaErrorClass['kind']; reason: string } & Record<string, unknown>;
type Row = readonly [code: number, httpStatus: number, expected: Expected];

const T = (reason: string): Expected => ({ kind: 'transient', reason });
const TH = (scope: string, reason: string, retryAfterMs: number): Expected => ({
  kind: 'throttled',
  scope,
  reason,
  retryAfterMs,
});
const RES = (resource: string, reason: string, temporary = false): Expected => ({
  kind: 'resource',
  resource,
  reason,
  temporary,
});
const REC = (reason: string): Expected => ({ kind: 'recipient', reason });
const REQ = (reason: string): Expected => ({ kind: 'request', reason });
const AUTH = (reason: string): Expected => ({ kind: 'auth', reason, resource: 'waba' });

/** Every code of docs/meta-cloud-api.md#errors, with the HTTP status Meta's table gives (400 where it gives none). */
const CODE_TABLE: readonly Row[] = [
  [0, 401, AUTH('token_invalid')],
  [1, 400, T('api_unknown')],
  [2, 503, T('api_service_unavailable')],
  [3, 500, AUTH('app_capability_missing')],
  [4, 400, TH('app', 'app_rate_limited', 60_000)],
  [10, 403, AUTH('permission_denied')],
  [33, 400, RES('phone', 'phone_number_deleted')],
  [100, 400, REQ('invalid_parameter')],
  [190, 401, AUTH('token_invalid')],
  [200, 403, AUTH('api_permission_missing')],
  [250, 403, AUTH('api_permission_missing')],
  [299, 403, AUTH('api_permission_missing')],
  [368, 403, RES('waba', 'policy_restricted')],
  [470, 400, REC('outside_service_window')],
  [80007, 400, TH('waba', 'waba_rate_limited', 60_000)],
  [130403, 400, REC('blocked_by_business')],
  [130429, 400, TH('phone', 'phone_throughput_reached', 1_000)],
  [130472, 400, REC('marketing_experiment_holdout')],
  [130497, 403, RES('waba', 'country_restricted')],
  [131000, 500, T('something_went_wrong')],
  [131005, 403, AUTH('access_denied')],
  [131008, 400, REQ('required_parameter_missing')],
  [131009, 400, REQ('parameter_value_invalid')],
  [131016, 503, T('service_unavailable')],
  [131021, 400, REC('recipient_is_sender')],
  [131026, 400, REC('undeliverable')],
  [131030, 400, REC('not_in_allowed_list')],
  [131031, 403, RES('waba', 'account_locked')],
  [131037, 400, RES('phone', 'display_name_not_approved')],
  [131042, 400, RES('waba', 'payment_issue')],
  [131045, 500, RES('phone', 'phone_registration_error')],
  [131047, 400, REC('outside_service_window')],
  [131048, 400, RES('phone', 'spam_rate_limited', true)],
  [131049, 400, { kind: 'marketing_limit', reason: 'per_user_marketing_limit', retryAfterMs: 86_400_000 }],
  [131050, 400, REC('marketing_opted_out')],
  [131051, 400, REQ('unsupported_message_type')],
  [131052, 400, T('inbound_media_download_failed')],
  [131053, 400, REQ('media_upload_failed')],
  [131055, 400, REQ('not_a_marketing_message')],
  [131056, 400, TH('pair', 'pair_rate_limited', 6_000)],
  [131057, 500, RES('phone', 'phone_maintenance', true)],
  [131062, 400, REQ('bsuid_recipient_not_supported')],
  [131063, 400, RES('waba', 'marketing_disabled_on_cloud_api')],
  [131064, 400, RES('waba', 'misclassification_enforcement', true)],
  [132000, 400, REQ('parameter_count_mismatch')],
  [132001, 404, RES('template', 'template_not_found')],
  [132005, 400, REQ('hydrated_text_too_long')],
  [132007, 400, RES('template', 'template_policy_violation')],
  [132008, 400, REQ('parameter_value_invalid')],
  [132012, 400, REQ('parameter_format_mismatch')],
  [132015, 400, RES('template', 'template_paused', true)],
  [132016, 400, RES('template', 'template_disabled')],
  [132018, 400, RES('template', 'template_mm_api_error')],
  [132068, 400, RES('template', 'flow_blocked')],
  [132069, 400, RES('template', 'flow_throttled', true)],
  [133000, 500, RES('phone', 'deregistration_incomplete')],
  [133004, 503, T('registration_service_unavailable')],
  [133005, 400, RES('phone', 'two_step_pin_incorrect')],
  [133006, 400, RES('phone', 'phone_not_verified')],
  [133008, 400, RES('phone', 'too_many_pin_guesses', true)],
  [133009, 400, RES('phone', 'pin_entered_too_quickly', true)],
  [133010, 400, RES('phone', 'phone_not_registered')],
  [133015, 400, RES('phone', 'phone_recently_deleted', true)],
  [133016, 400, RES('phone', 'too_many_registration_attempts', true)],
  [134011, 400, RES('waba', 'payments_terms_not_accepted')],
  [134100, 400, RES('template', 'template_syncing', true)],
  [134101, 400, RES('template', 'template_unavailable')],
  [134102, 500, RES('template', 'template_validation_error')],
  [135000, 400, REQ('unknown_parameter_error')],
  [137000, 400, REC('identity_key_mismatch')],
  [2388019, 400, REQ('template_count_limit')],
  [2494100, 400, RES('phone', 'phone_maintenance', true)],
];

const graphBody = (code: number, extra: Record<string, unknown> = {}) => ({
  error: { message: `(#${code}) title`, type: 'OAuthException', code, fbtrace_id: 'Atrace', ...extra },
});

function assertMatches(actual: MetaErrorClass, code: number, expected: Expected): void {
  assert.equal(actual.code, code);
  for (const [key, value] of Object.entries(expected))
    assert.deepEqual(actual[key as keyof MetaErrorClass], value, key);
  assert.equal(actual.retryable, actual.kind === 'transient' || actual.kind === 'throttled');
}

void describe('classifyMetaError: the code table', () => {
  for (const [code, httpStatus, expected] of CODE_TABLE) {
    void test(`when code ${code} arrives synchronously (HTTP ${httpStatus}), then it is ${expected.kind}/${expected.reason}`, () => {
      const cls = classifyMetaError({ httpStatus, body: graphBody(code) });
      assertMatches(cls, code, expected);
      assert.equal(cls.httpStatus, httpStatus);
      assert.equal(cls.fbtraceId, 'Atrace');
    });

    void test(`when code ${code} arrives in a failed status webhook, then it is ${expected.kind}/${expected.reason}`, () => {
      const cls = classifyMetaError({ code, title: 'title', message: 'msg', error_data: { details: 'why' } });
      assertMatches(cls, code, expected);
      assert.equal(cls.details, 'why');
      assert.equal(cls.message, 'msg');
    });

    void test(`when code ${code} comes with a misleading HTTP status, then the code still decides`, () => {
      const misleading = httpStatus >= 500 ? 400 : 503;
      assertMatches(classifyMetaError({ httpStatus: misleading, body: graphBody(code) }), code, expected);
    });
  }
});

void describe('classifyMetaError: subcodes and details', () => {
  void test('when code 100 has subcode 33 (object does not exist), then the phone number config is broken', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(100, { error_subcode: 33 }) });
    assertMatches(cls, 100, RES('phone', 'object_not_found'));
    assert.equal(cls.subcode, 33);
  });
  void test('when code 190 has subcode 463 or 460, then the token is expired or invalidated', () => {
    const expired = classifyMetaError({ httpStatus: 401, body: graphBody(190, { error_subcode: 463 }) });
    const changed = classifyMetaError({ httpStatus: 401, body: graphBody(190, { error_subcode: 460 }) });
    assertMatches(expired, 190, AUTH('token_expired'));
    assertMatches(changed, 190, AUTH('token_invalidated'));
  });
  void test('when error_data.details is present, then the request class carries it', () => {
    const body = graphBody(131009, { error_data: { messaging_product: 'whatsapp', details: 'button title too long' } });
    const cls = classifyMetaError({ httpStatus: 400, body });
    assert.equal(cls.kind, 'request');
    assert.equal(cls.details, 'button title too long');
  });
  void test('when a webhook error carries details flattened at top level, then they are kept', () => {
    assert.equal(classifyMetaError({ code: 131053, details: 'media link 404' }).details, 'media link 404');
  });
  void test('when a request error has no details, then details falls back to the message', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(132000) });
    assert.equal(cls.kind === 'request' && cls.details, '(#132000) title');
  });
});

void describe('classifyMetaError: retry hints', () => {
  void test('when Retry-After accompanies 130429, then retryAfterMs follows the header', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(130429), headers: { 'Retry-After': '3' } });
    assert.equal(cls.kind === 'throttled' && cls.retryAfterMs, 3_000);
  });
  void test('when a pair limit says retry after 1 s, then the 6 s pair spacing still applies', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(131056), headers: { 'retry-after': '1' } });
    assert.equal(cls.kind === 'throttled' && cls.retryAfterMs, 6_000);
  });
  void test('when X-Business-Use-Case-Usage estimates 5 minutes, then retryAfterMs is 300 s', () => {
    const usage = JSON.stringify({
      '123': [{ type: 'whatsapp', call_count: 100, estimated_time_to_regain_access: 5 }],
    });
    const cls = classifyMetaError({
      httpStatus: 400,
      body: graphBody(4),
      headers: { 'X-Business-Use-Case-Usage': usage },
    });
    assert.equal(cls.kind === 'throttled' && cls.retryAfterMs, 300_000);
  });
  void test('when usage headers are malformed, then the scope default applies', () => {
    const headers = { 'x-business-use-case-usage': '{oops', 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' };
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(80007), headers });
    assert.equal(cls.kind === 'throttled' && cls.retryAfterMs, 60_000);
  });
});

void describe('classifyMetaError: no parsable code', () => {
  const cases: readonly [string, Parameters<typeof classifyMetaError>[0], Expected][] = [
    ['a network failure', { networkError: 'ECONNRESET' }, { ...T('network_error'), message: 'ECONNRESET' }],
    ['no status and no body', {}, T('network_error')],
    [
      'HTML from a proxy with 502',
      { httpStatus: 502, body: '<html><body>Bad Gateway</body></html>' },
      T('server_error'),
    ],
    ['HTML with 403', { httpStatus: 403, body: '<html>Forbidden</html>' }, REQ('unparsable_client_error')],
    [
      'a 429 without body',
      { httpStatus: 429, headers: { 'Retry-After': '2' } },
      { ...T('http_rate_limited'), retryAfterMs: 2000 },
    ],
    ['a gateway 408', { httpStatus: 408, body: '' }, T('http_rate_limited')],
    ['truncated JSON with 400', { httpStatus: 400, body: '{"error":{"code":131' }, REQ('unparsable_client_error')],
    [
      'an envelope without code, 400',
      { httpStatus: 400, body: { error: { message: 'x' } } },
      REQ('unparsable_client_error'),
    ],
    ['an envelope without code, 503', { httpStatus: 503, body: { error: { message: 'x' } } }, T('server_error')],
    ['a JSON array with 500', { httpStatus: 500, body: [1, 2] }, T('server_error')],
    ['a 200 with garbage', { httpStatus: 200, body: 'ok' }, REQ('unexpected_response')],
  ];
  for (const [name, input, expected] of cases) {
    void test(`when the response is ${name}, then it is ${expected.kind}/${expected.reason} with a null code`, () => {
      const cls = classifyMetaError(input);
      assert.equal(cls.code, null);
      for (const [key, value] of Object.entries(expected)) assert.deepEqual(cls[key as keyof MetaErrorClass], value);
    });
  }
  void test('when the body is a JSON string of a Graph error, then it is parsed and classified by code', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: JSON.stringify(graphBody(131047)) });
    assertMatches(cls, 131047, REC('outside_service_window'));
  });
  void test('when the code is a numeric string (BSP proxies), then it is classified by code', () => {
    assertMatches(classifyMetaError({ httpStatus: 429, body: graphBody(131056, { code: '131056' }) }), 131056, {
      ...TH('pair', 'pair_rate_limited', 6_000),
    });
  });
});

void describe('classifyMetaError: unknown codes', () => {
  void test('when an unknown code is not flagged transient, then it is a non-retryable request error', () => {
    assertMatches(classifyMetaError({ httpStatus: 400, body: graphBody(999_999) }), 999_999, REQ('unknown_code'));
    assertMatches(classifyMetaError({ code: 999_999 }), 999_999, REQ('unknown_code'));
  });
  void test('when an unknown code has is_transient or a 5xx, then it is transient', () => {
    const flagged = classifyMetaError({ httpStatus: 400, body: graphBody(999_999, { is_transient: true }) });
    assertMatches(flagged, 999_999, T('unknown_transient_code'));
    assertMatches(
      classifyMetaError({ httpStatus: 502, body: graphBody(999_998) }),
      999_998,
      T('unknown_code_server_error'),
    );
  });
  void test('when a known code says is_transient, then the table still decides', () => {
    const cls = classifyMetaError({ httpStatus: 400, body: graphBody(131026, { is_transient: true }) });
    assertMatches(cls, 131026, REC('undeliverable'));
  });
  void test('when a webhook error has a non-integer code, then it is a request error with a null code', () => {
    const cls = classifyMetaError({ code: Number.NaN, title: 'odd' });
    assert.deepEqual([cls.kind, cls.code, cls.reason], ['request', null, 'unparsable_webhook_error']);
  });
});

void describe('parseGraphErrorBody', () => {
  void test('when error_data is a string and subcode a numeric string, then both are normalised', () => {
    const parsed = parseGraphErrorBody({ error: { code: 100, error_subcode: '33', error_data: 'no such object' } });
    assert.deepEqual(parsed, { code: 100, subcode: 33, details: 'no such object' });
  });
  void test('when optional fields are malformed, then the code survives', () => {
    const parsed = parseGraphErrorBody({ error: { code: 4, message: 42, is_transient: 'yes', error_data: 7 } });
    assert.deepEqual(parsed, { code: 4 });
  });
  void test('when the value is not an envelope, then the result is undefined', () => {
    for (const body of [undefined, null, 'x', '<html/>', 12, {}, { error: 'x' }, { error: { code: 'abc' } }]) {
      assert.equal(parseGraphErrorBody(body), undefined);
    }
  });
});

void describe('the failure vocabulary', () => {
  void test('when each code is classified, then its kind names a failure type, and an activity retries in place only what repeating can fix', () => {
    const seen = new Set<string>();
    for (const [code, httpStatus] of CODE_TABLE) {
      const cls = classifyMetaError({ httpStatus, body: graphBody(code) });
      const { type, retryInPlace } = FAILURE_KINDS[cls.kind];
      seen.add(type);
      assert.equal(NON_RETRYABLE_FAILURE_TYPES.includes(type), !retryInPlace, `${code} → ${type}`);
      if (retryInPlace) assert.equal(cls.retryable, true, `${code} is retried in place but cannot succeed`);
      if (!cls.retryable) assert.ok(NON_RETRYABLE_FAILURE_TYPES.includes(type), `${code} must not be retried`);
    }
    assert.equal(seen.size, 7);
  });
});

void describe('classifyMetaError: properties', () => {
  void test('when given any body, status, or webhook item, then it never throws and stays JSON-stable', () => {
    const sync = fc.record(
      { httpStatus: fc.option(fc.integer({ min: 0, max: 599 }), { nil: undefined }), body: fc.anything() },
      { requiredKeys: [] },
    );
    const asyncItem = fc.record({ code: fc.integer(), title: fc.option(fc.string(), { nil: undefined }) });
    fc.assert(
      fc.property(fc.oneof(sync, asyncItem), (input) => {
        const cls = classifyMetaError(input);
        assert.equal(cls.retryable, cls.kind === 'transient' || cls.kind === 'throttled');
        assert.equal(typeof cls.message, 'string');
        assert.deepEqual(JSON.parse(JSON.stringify(cls)), cls);
      }),
    );
  });
});
