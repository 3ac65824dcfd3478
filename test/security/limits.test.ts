import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { httpErrorOfDatabase } from '../../src/api/errors';
import { createPool } from '../../src/db/pool';
import { createEscalationsRepo } from '../../src/db/repositories/escalations';
import { priceMessage, type PricedAttempt } from '../../src/domain/pricing';
import { startStack, type Stack } from '../helpers/stack';

const WABA = '200000000000900';

describe('unbounded work is bounded', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ scenario: 'minimal', withoutWorker: true });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  });
  after(() => stack.stop());

  it('when a registry list is paged, then every row comes exactly once and the last page says so', async () => {
    for (const path of ['/v1/phone-numbers', '/v1/templates', '/v1/wabas']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await stack.api(
          'GET',
          `${path}?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...page.body.data.map((r) => r.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const all = (await stack.api('GET', path)).body.data.map((r: { id: string }) => r.id);
      assert.deepEqual(seen, all, path);
      assert.equal(new Set(seen).size, seen.length);
      assert.ok(all.length >= 1, path);
    }
    assert.equal((await stack.api('GET', '/v1/templates?limit=0')).status, 400);
    assert.equal((await stack.api('GET', '/v1/templates?limit=201')).status, 400);
    assert.equal((await stack.api('GET', '/v1/templates?cursor=%%%')).status, 400);
  });

  it('when escalations are paged, then newest first, each once', async () => {
    const repo = createEscalationsRepo(stack.db.pool);
    for (let i = 0; i < 5; i++) {
      await repo.create({
        tenantId: stack.tenant.id,
        waId: '447700900001',
        phoneNumberId: 'p',
        text: `agent ${i}`,
        wamid: `w${i}`,
        forward: false,
      });
    }
    const first = await stack.api('GET', '/v1/escalations?limit=2');
    const second = await stack.api('GET', `/v1/escalations?limit=2&cursor=${first.body.nextCursor}`);
    const third = await stack.api('GET', `/v1/escalations?limit=2&cursor=${second.body.nextCursor}`);
    const texts = [...first.body.data, ...second.body.data, ...third.body.data].map((e: { text: string }) => e.text);
    assert.deepEqual(texts, ['agent 4', 'agent 3', 'agent 2', 'agent 1', 'agent 0']);
    assert.equal(third.body.nextCursor, null);
  });

  it('when the cost summary aggregates in SQL, then it equals pricing every message one by one', async () => {
    const pricings: PricedAttempt['pricing'][] = [
      { billable: true, category: 'marketing' },
      { billable: true, category: 'utility' },
      { billable: false, category: 'marketing' },
      { category: 'service', type: 'free_customer_service' },
      null,
    ];
    const recipients = ['919800000001', '447700900001', '14155550123', '5511987654321', '999999'];
    const expected: { cost: number; delivered: boolean; session: boolean }[] = [];
    for (let i = 0; i < 40; i++) {
      const id = crypto.randomUUID();
      const recipient = recipients[i % recipients.length]!;
      const delivered = i % 3 !== 0;
      const session = delivered && i % 4 === 0;
      await stack.db.pool.query(
        `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request,
                               status, delivered_via, campaign_id)
         VALUES ($1, $2, $3, $4, $5, 'hello_offer', 'en_US', '{}', $6, $7, 'cost-test')`,
        [
          id,
          stack.tenant.id,
          `k${i}`,
          `wf${i}`,
          recipient,
          delivered ? 'delivered' : 'failed',
          session ? { kind: 'session' } : null,
        ],
      );
      const attempts: PricedAttempt[] = [];
      for (let seq = 0; seq < (i % 3) + 1; seq++) {
        const pricing = pricings[(i + seq) % pricings.length]!;
        attempts.push({ attemptId: `${id}:${seq}`, kind: 'template', pricing });
        await stack.db.pool.query(
          `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, pricing)
           VALUES ($1, $2, $3, $4, 'template', 'p', $5)`,
          [`${id}:${seq}`, stack.tenant.id, id, seq, pricing],
        );
      }
      expected.push({ cost: priceMessage(recipient, attempts).total, delivered, session });
    }
    const summary = (await stack.api('GET', '/v1/costs/summary?campaignId=cost-test')).body;
    const total = expected.reduce((s, e) => s + e.cost, 0);
    const recovered = expected.filter((e) => e.session);
    assert.equal(summary.messages, 40);
    assert.equal(summary.delivered, expected.filter((e) => e.delivered).length);
    assert.equal(summary.recoveredByFallback, recovered.length);
    assert.ok(Math.abs(summary.totalCost - total) < 1e-5, `${summary.totalCost} vs ${total}`);
    const perRecovered = recovered.reduce((s, e) => s + e.cost, 0) / recovered.length;
    assert.ok(Math.abs(summary.costPerRecoveredMessage - perRecovered) < 1e-5);
    assert.deepEqual(Object.keys(summary.byCategory).sort(), ['marketing', 'utility']);
  });
});

describe('database timeouts', () => {
  it('when the database accepts connections but never answers, then a query fails within the connect timeout', async () => {
    const sockets: net.Socket[] = [];
    const blackhole = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackhole.listen(0, '127.0.0.1', r));
    const port = (blackhole.address() as net.AddressInfo).port;
    const pool = createPool(`postgres://postgres@127.0.0.1:${port}/none`, 1, { connectMs: 300 });
    try {
      const err = await pool.query('SELECT 1').then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof Error, 'the query failed instead of hanging');
      assert.equal(httpErrorOfDatabase(err)?.status, 503);
    } finally {
      await pool.end().catch(() => undefined);
      for (const s of sockets) s.destroy();
      blackhole.close();
    }
  });

  it('when a statement runs past statement_timeout, then PostgreSQL cancels it (57014 → 503)', async () => {
    const url = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const pool = createPool(url, 1, { statementMs: 200 });
    try {
      const err = (await pool.query('SELECT pg_sleep(5)').catch((e: unknown) => e)) as { code?: string };
      assert.equal(err.code, '57014');
      assert.equal(httpErrorOfDatabase(err)?.status, 503);
    } finally {
      await pool.end();
    }
  });
});
