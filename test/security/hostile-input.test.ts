import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { httpErrorOfDatabase } from '../../src/api/errors';
import { findUnsafeInput } from '../../src/api/input-guard';
import { sendMessageBodySchema } from '../../src/api/schemas/messages';
import { interpretConsent, withoutTrailingPunctuation } from '../../src/domain/consent';
import { normaliseKeyword } from '../../src/domain/inbound-keywords';
import { durationSchema, isoDateTime, safeText } from '../../src/domain/safe-input';
import type { HttpResult } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const message = { to: '+447700900001', template: 'hello_offer', language: 'en_US' };

function assert400(r: HttpResult, field: string): void {
  const where = `${field} → ${r.status} ${JSON.stringify(r.body)}`;
  assert.equal(r.status, 400, where);
  const fields = (r.body?.error?.details ?? []).map((d: { field?: string }) => d.field);
  assert.ok(fields.includes(field), where);
}

describe('hostile input never becomes a 500', () => {
  it('when a string carries NUL or a lone surrogate, then the shared schemas refuse it', () => {
    for (const bad of ['a\u0000b', '\ud800', 'x\udc00', '\udbff\udbff'])
      assert.equal(safeText(100).safeParse(bad).success, false);
    for (const good of ['plain', '😀 emoji', 'नमस्ते']) assert.equal(safeText(100).safeParse(good).success, true);
    const a = sendMessageBodySchema.safeParse({ ...message, idempotencyKey: '\ud800' });
    const b = sendMessageBodySchema.safeParse({ ...message, idempotencyKey: '\ud801' });
    assert.equal(a.success || b.success, false, 'two lone surrogates can no longer collide as one idempotency key');
    assert.deepEqual(findUnsafeInput({ a: [{ ['k\u0000']: 1 }] }, 'body')?.field, 'body.a.0');
  });

  it('when a duration or a date is out of range, then it is refused', () => {
    assert.equal(durationSchema.safeParse(`${'9'.repeat(400)}d`).success, false);
    assert.equal(durationSchema.safeParse('9999999999d').success, false);
    assert.equal(durationSchema.safeParse(Number.MAX_SAFE_INTEGER).success, false);
    assert.equal(durationSchema.parse('24h'), 86_400_000);
    assert.equal(isoDateTime.safeParse('0000-01-01T00:00:00Z').success, false);
    assert.equal(isoDateTime.safeParse('2026-12-01T10:00:00Z').success, true);
  });

  it('when PostgreSQL reports a data exception or an outage, then it maps to 400 or 503, never 500', () => {
    assert.equal(httpErrorOfDatabase({ code: '22008', message: 'date/time field value out of range' })?.status, 400);
    assert.equal(httpErrorOfDatabase({ code: '22P05', message: 'unsupported Unicode escape sequence' })?.status, 400);
    assert.equal(httpErrorOfDatabase({ code: '54000', message: 'index row size exceeds maximum' })?.status, 400);
    assert.equal(
      httpErrorOfDatabase({ code: '57014', message: 'canceling statement due to statement timeout' })?.status,
      503,
    );
    assert.equal(httpErrorOfDatabase(new Error('timeout exceeded when trying to connect'))?.status, 503);
    assert.equal(httpErrorOfDatabase(new Error('a bug')), undefined);
  });

  it('when a consent reply is 256k dots and a letter, then it is interpreted in linear time', { timeout: 5000 }, () => {
    // The old /[.!]+$/ took 26 s for 64k dots on this machine (quadratic); the timeout only catches a regression.
    const long = `${'.'.repeat(256 * 1024)}a`;
    assert.equal(interpretConsent({ text: long }), undefined);
    assert.equal(interpretConsent({ text: `yes${'!'.repeat(256 * 1024)}` }), 'yes');
    assert.equal(withoutTrailingPunctuation('ok.!.'), 'ok');
    assert.equal(normaliseKeyword(`a${' .'.repeat(100_000)}a`).length, 200_002);
  });

  describe('over HTTP', () => {
    let stack: Stack;
    before(async () => {
      stack = await startStack({ scenario: 'minimal', withoutWorker: true });
    });
    after(() => stack.stop());

    it('when NUL reaches any string (idempotency key, parameters, opt-in source, tenant name), then 400 names it', async () => {
      assert400(
        await stack.api('POST', '/v1/messages', { ...message, idempotencyKey: 'k\u0000' }),
        'body.idempotencyKey',
      );
      assert400(
        await stack.api('POST', '/v1/messages', { ...message, parameters: { body: ['x\u0000'] } }),
        'body.parameters.body.0',
      );
      assert400(await stack.api('POST', '/v1/contacts/+447700900001/opt-in', { source: 'web\u0000' }), 'body.source');
      assert400(await stack.admin('POST', '/v1/tenants', { name: 'evil\u0000corp' }), 'body.name');
      assert400(await stack.api('GET', '/v1/costs/summary?campaignId=a%00b'), 'query.campaignId');
    });

    it('when lone surrogates are sent as idempotency keys, then both are refused (no collision)', async () => {
      // JSON.stringify escapes lone surrogates (\ud800), so the server sees exactly these code units.
      for (const key of ['\ud800', '\ud801']) {
        assert400(await stack.api('POST', '/v1/messages', { ...message, idempotencyKey: key }), 'body.idempotencyKey');
      }
    });

    it('when since=0000-01-01T00:00:00Z is asked of the cost summary, then 400', async () => {
      assert400(await stack.api('GET', '/v1/costs/summary?since=0000-01-01T00:00:00Z'), 'query.since');
      assert.equal((await stack.api('GET', '/v1/costs/summary?since=2026-01-01T00:00:00Z')).status, 200);
    });

    it('when waitFor is "999…9d", then 400 instead of an infinite wait stored as null', async () => {
      const r = await stack.api('POST', '/v1/messages', {
        ...message,
        smartUtilityFallback: { enabled: true, waitFor: `${'9'.repeat(400)}d` },
      });
      assert400(r, 'body.smartUtilityFallback.waitFor');
    });

    it('when a body nests absurdly deep, then 400 (not a stack overflow)', async () => {
      const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      const r = await stack.api('POST', '/v1/messages', undefined, { raw: `{"to":${deep}}` });
      assert.equal(r.status, 400, JSON.stringify(r.body));
    });
  });
});
