import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createCampaign, campaignReaches, campaignStack, campaignView, digits, received } from '../helpers/campaigns';
import { assertBad } from '../helpers/assert-bad';
import { httpClient, type HttpResult } from '../helpers/http';
import type { Stack } from '../helpers/stack';

const base = { name: 'Festive CSV', template: 'hello_offer', language: 'en_US' };

describe('campaigns: the API contract', () => {
  let stack: Stack;
  before(async () => {
    stack = await campaignStack();
  });
  after(() => stack.stop());

  const uploadCsv = (id: string, csv: string) =>
    stack.api('POST', `/v1/campaigns/${id}/recipients`, undefined, {
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    });

  it('when a CSV has bad rows, then each is reported with its line and field and the rest are sent', async () => {
    const created = await stack.api('POST', '/v1/campaigns', base);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.status, 'draft', 'no recipients given: the campaign waits for its start');
    const csv = [
      'to,ref,body.1,body.2',
      '+447700920001,c-1,Asha,20%',
      'not-a-number,c-2,Bilal,20%',
      '+447700920003,c-3,Chitra,',
      '+447700920001,c-4,Asha again,20%',
      '"+447700920005",c-5,"Dev, the second",10%',
    ].join('\n');
    const up = await uploadCsv(created.body.id, csv);
    assert.equal(up.status, 200, JSON.stringify(up.body));
    assert.equal(up.body.added, 2);
    assert.equal(up.body.duplicates, 1);
    // The upload is ingested once: its one duplicate is the campaign's one skipped row, and its two rows are all it has.
    const drafted = await campaignView(stack, created.body.id);
    assert.equal(drafted.counts.skipped, 1, JSON.stringify(drafted.counts));
    assert.equal(drafted.counts.total, 2, JSON.stringify(drafted.counts));
    assert.deepEqual(
      up.body.rejected.map((r: { line: number; field: string }) => [r.line, r.field]),
      [
        [3, 'to'],
        [4, 'body.2'],
        [5, 'to'],
      ],
    );
    const bad = await uploadCsv(created.body.id, 'phone,body.1\n+447700920009,x');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details[0].field, 'header.phone');

    assert.equal((await stack.api('POST', `/v1/campaigns/${created.body.id}/start`)).status, 202);
    const done = await campaignReaches(stack, created.body.id, ['completed'], 240_000);
    assert.equal(done.counts.total, 2);
    assert.equal(done.counts.delivered + done.counts.read, 2);
    const got = received(stack, ['447700920001', '447700920003', '447700920005'], 'hello_offer');
    assert.deepEqual([...got.values()], [1, 0, 1]);
    const dev = stack.sim.state.inbox('447700920005')[0]!;
    assert.match(JSON.stringify(dev.payload), /Dev, the second/);

    const exported = await fetch(`${stack.apiUrl}/v1/campaigns/${created.body.id}/recipients`, {
      headers: { authorization: `Bearer ${stack.tenant.apiKey}`, accept: 'text/csv' },
    });
    assert.equal(exported.status, 200);
    const lines = (await exported.text()).trim().split('\n');
    assert.equal(lines[0], 'to,ref,messageId,status,failureReason,failureCode,deliveredVia,round,updatedAt');
    assert.equal(lines.length, 3);
    assert.ok(
      lines.slice(1).every((l) => /,(delivered|read),/.test(l)),
      lines.join('\n'),
    );
  });

  it('when JSON recipients are bad, then each is reported with its index and the valid ones are added', async () => {
    const created = await createCampaign(stack, {
      ...base,
      start: false,
      recipients: [{ to: '+447700930001' }, { to: '12' }, { to: '+447700930003', parameters: { body: 'x' } }],
    });
    assert.equal(created.body.added, 1);
    assert.deepEqual(
      created.body.rejected.map((r: { line: number; field: string }) => [r.line, r.field]),
      [
        [1, 'to'],
        [2, 'parameters.body'],
      ],
    );
    assert.equal(created.body.status, 'draft');
    const invalid = await stack.api('POST', '/v1/campaigns', { ...base, retries: { rounds: 9 }, maxPerSecond: 0 });
    assert.equal(invalid.status, 400);
    const fields = invalid.body.error.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ['body.maxPerSecond', 'body.retries.rounds']);
  });

  it('when the same idempotencyKey is used twice, then the same campaign is returned; with another body, 409', async () => {
    const body = { ...base, idempotencyKey: 'festive-key', recipients: [{ to: '+447700940001' }], start: false };
    const a = await stack.api('POST', '/v1/campaigns', body);
    const b = await stack.api('POST', '/v1/campaigns', body);
    assert.equal(a.status, 201);
    assert.equal(b.status, 200);
    assert.equal(b.body.id, a.body.id);
    assert.equal((await campaignView(stack, a.body.id)).counts.total, 1);
    const c = await stack.api('POST', '/v1/campaigns', { ...body, name: 'another' });
    assert.equal(c.status, 409);
  });

  it('when another tenant asks for a campaign, then it is a 404 and nothing changes', async () => {
    const a = await stack.api('POST', '/v1/campaigns', {
      ...base,
      recipients: [{ to: '+447700950001' }],
      start: false,
    });
    const other = await stack.admin('POST', '/v1/tenants', { name: 'other tenant' });
    const intruder = httpClient(stack.apiUrl, other.body.apiKey as string);
    for (const [method, path] of [
      ['GET', `/v1/campaigns/${a.body.id}`],
      ['GET', `/v1/campaigns/${a.body.id}/recipients`],
      ['POST', `/v1/campaigns/${a.body.id}/start`],
      ['POST', `/v1/campaigns/${a.body.id}/cancel`],
      ['POST', `/v1/campaigns/${a.body.id}/pause`],
    ] as const) {
      const r = await intruder(method, path);
      assert.equal(r.status, 404, `${method} ${path} → ${r.status}`);
    }
    const append = await intruder('POST', `/v1/campaigns/${a.body.id}/recipients`, {
      recipients: [{ to: '+447700950002' }],
    });
    assert.equal(append.status, 404);
    assert.deepEqual((await intruder('GET', '/v1/campaigns')).body.data, []);
    const mine = await campaignView(stack, a.body.id);
    assert.equal(mine.status, 'draft');
    assert.equal(mine.counts.total, 1);
    assert.equal(received(stack, [digits('+447700950001')]).get('447700950001'), 0);
  });

  it('when a path under /v1/campaigns matches no route, then it is a 404 counted once by the rate limit', async () => {
    const remaining = async (path: string) => {
      const r = await stack.api('GET', path);
      return { status: r.status, left: Number(r.headers.get('ratelimit-remaining')) };
    };
    const before = await remaining('/v1/campaigns');
    const miss = await remaining('/v1/campaigns/00000000-0000-4000-8000-000000000000/nope');
    const after = await remaining('/v1/campaigns');
    assert.equal(miss.status, 404);
    // Three requests in a row spend three points (the window is a minute; the test's requests are the only ones).
    assert.equal(before.left - after.left, 2, `remaining ${before.left} → ${miss.left} → ${after.left}`);
  });

  it('when campaigns and recipients are paged, then every one appears once, the last page says so, and a forged cursor is a 400', async () => {
    const created = await stack.api('POST', '/v1/campaigns', {
      ...base,
      recipients: ['+447700960001', '+447700960002', '+447700960003'].map((to) => ({ to })),
      start: false,
    });
    const follow = async (first: string) => {
      const seen: string[] = [];
      for (let path: string | null = first; path;) {
        const r: HttpResult = await stack.api('GET', path);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        seen.push(...r.body.data.map((x: { id?: string; to?: string }) => x.id ?? x.to));
        path = r.body.nextCursor ? `${first}&cursor=${encodeURIComponent(r.body.nextCursor)}` : null;
      }
      return seen;
    };
    const all = (await stack.api('GET', '/v1/campaigns?limit=200')).body.data.map((c: { id: string }) => c.id);
    const paged = await follow('/v1/campaigns?limit=1');
    assert.deepEqual(paged, all, 'one at a time, newest first, each once');
    assert.deepEqual(await follow(`/v1/campaigns/${created.body.id}/recipients?limit=2`), [
      '+447700960001',
      '+447700960002',
      '+447700960003',
    ]);
    const forged = Buffer.from(JSON.stringify(['12'])).toString('base64url');
    assertBad(
      await stack.api('GET', `/v1/campaigns/${created.body.id}/recipients?cursor=12`),
      400,
      'validation_failed',
      'query.cursor',
    );
    assertBad(await stack.api('GET', `/v1/campaigns?cursor=${forged}`), 400, 'validation_failed', 'query.cursor');
    assertBad(await stack.api('GET', '/v1/campaigns?limit=201'), 400, 'validation_failed', 'query.limit');
  });
});
