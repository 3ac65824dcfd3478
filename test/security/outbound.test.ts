import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPublicAddress, outboundUrlProblem } from '../../src/domain/outbound-url';
import { tenantSettingsSchema } from '../../src/domain/tenant-settings';
import { OUTBOUND_PROBLEMS, safePost } from '../../src/services/safe-http';
import { loopbackAllowedPolicy, productionLikePolicy, startHttpsReceiver } from '../helpers/https-receiver';

describe('outbound calls a tenant controls (SSRF)', () => {
  it('when an address is loopback, private, link-local, ULA, CGNAT or metadata, then it is not public', () => {
    for (const a of [
      '127.0.0.1',
      '10.0.0.1',
      '172.16.5.4',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    for (const a of [
      '::1',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '64:ff9b::a00:1',
      '::',
    ]) {
      assert.equal(isPublicAddress(a), false, a);
    }
    assert.equal(isPublicAddress('8.8.8.8'), true);
    assert.equal(isPublicAddress('2606:4700:4700::1111'), true);
    assert.equal(isPublicAddress('not an address'), false);
  });

  it('when a tenant configures a non-https, credentialled or internal escalation URL, then the settings are refused', () => {
    for (const url of [
      'http://desk.example.com/hook',
      'file:///etc/passwd',
      'gopher://desk.example.com/',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://10.0.0.5/hook',
      'https://user:pw@desk.example.com/hook',
      'https://localhost/hook',
      'https://metadata.google.internal/',
    ]) {
      assert.ok(outboundUrlProblem(url), url);
      assert.equal(tenantSettingsSchema.safeParse({ escalationWebhookUrl: url }).success, false, url);
    }
    assert.equal(
      tenantSettingsSchema.safeParse({ escalationWebhookUrl: 'https://desk.example.com/hook' }).success,
      true,
    );
  });

  describe('at connect time', () => {
    let receiver: Awaited<ReturnType<typeof startHttpsReceiver>>;
    before(async () => {
      receiver = await startHttpsReceiver((hit, _n, res) => {
        if (hit.path === '/redirect')
          res.writeHead(307, { location: receiver.url('/internal', 'internal.test') }).end();
        else if (hit.path === '/big') {
          res.writeHead(200);
          const chunk = Buffer.alloc(64 * 1024, 'x');
          const pump = () => {
            while (!res.destroyed && res.write(chunk));
            if (!res.destroyed) res.once('drain', pump);
          };
          pump();
        } else res.writeHead(hit.path === '/fail' ? 500 : 200).end('ok');
      });
    });
    after(() => receiver.close());

    it('when a public-looking name resolves to loopback, then the connection is refused and nothing is sent', async () => {
      const before = receiver.hits.length;
      const outcome = await safePost(receiver.url('/desk'), '{}', {}, productionLikePolicy);
      assert.equal(outcome.ok, false);
      assert.equal(!outcome.ok && outcome.problem, OUTBOUND_PROBLEMS.refusedAddress);
      assert.equal(receiver.hits.length, before, 'the receiver on loopback was never reached');
    });

    it('when the URL is an internal literal, then it is refused before any connection', async () => {
      const outcome = await safePost(`https://127.0.0.1:${receiver.port}/desk`, '{}', {}, loopbackAllowedPolicy);
      assert.equal(!outcome.ok && outcome.problem, OUTBOUND_PROBLEMS.refusedUrl);
      const plain = await safePost('http://desk.example.com/', '{}', {}, productionLikePolicy);
      assert.equal(!plain.ok && plain.problem, OUTBOUND_PROBLEMS.refusedUrl);
    });

    it('when the receiver answers with a redirect, then it is not followed (the signed body goes nowhere else)', async () => {
      const outcome = await safePost(receiver.url('/redirect'), '{"signed":true}', {}, loopbackAllowedPolicy);
      assert.deepEqual(
        { ok: outcome.ok, status: outcome.status, problem: !outcome.ok && outcome.problem },
        { ok: false, status: 307, problem: OUTBOUND_PROBLEMS.redirect },
      );
      assert.equal(receiver.hits.filter((h) => h.path === '/internal').length, 0);
    });

    it('when the receiver accepts, then the body arrives; an error status is reported generically', async () => {
      assert.deepEqual(await safePost(receiver.url('/desk'), '{"a":1}', {}, loopbackAllowedPolicy), {
        ok: true,
        status: 200,
      });
      assert.equal(receiver.hits.at(-1)?.body, '{"a":1}');
      const failed = await safePost(receiver.url('/fail'), '{}', {}, loopbackAllowedPolicy);
      assert.equal(!failed.ok && failed.problem, OUTBOUND_PROBLEMS.status);
    });

    it('when the receiver streams an endless answer, then at most the bound is read', async () => {
      const outcome = await safePost(
        receiver.url('/big'),
        '{}',
        {},
        { ...loopbackAllowedPolicy, maxResponseBytes: 1024 },
      );
      assert.deepEqual(outcome, { ok: true, status: 200 });
    });

    it('when nothing listens, then the tenant learns only "could not be reached" (no port-scan oracle)', async () => {
      const closed = await startHttpsReceiver(() => undefined);
      const url = closed.url('/desk');
      await closed.close();
      const outcome = await safePost(url, '{}', {}, loopbackAllowedPolicy);
      assert.equal(!outcome.ok && outcome.problem, OUTBOUND_PROBLEMS.unreachable);
      assert.doesNotMatch(!outcome.ok ? outcome.problem : '', /ECONN|refused|port/i);
    });
  });
});
