import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ANALYTICS_GROUPS, type AnalyticsGroup } from '../../src/domain/delivery-funnel';
import { lineAmount, ratesFor } from '../../src/domain/pricing';
import type { Stack } from './stack';

/** Generated messages and attempts for the delivery analytics' tests, and the oracle that counts them. */
export const GROUPS = ANALYTICS_GROUPS;
const STATUSES = ['accepted', 'sending', 'sent', 'delivered', 'read', 'failed', 'expired', 'declined'];

const attemptArb = fc.record({
  kind: fc.constantFrom('template', 'consent', 'session'),
  waba: fc.constantFrom('w1', 'w2'),
  phone: fc.constantFrom('p1', 'p2', 'p3'),
  category: fc.constantFrom('marketing', 'utility', ''),
  billable: fc.boolean(),
});
/** What a status write changes on a message: its status, and with it the failure and the delivering route. */
const outcomeArb = fc.record({
  status: fc.constantFrom(...STATUSES),
  reason: fc.constantFrom('marketing_limit', 'recipient_rejected', 'attempts_exhausted'),
  via: fc.option(
    fc.record({
      kind: fc.constantFrom('template', 'session'),
      waba: fc.constantFrom('w1', 'w2'),
      phone: fc.constantFrom('p1', 'p2'),
    }),
  ),
});
export const messageArb = fc.record({
  offsetMin: fc.integer({ min: -4 * 1440, max: 1440 }),
  outcome: outcomeArb,
  campaign: fc.constantFrom(null, 'c1', 'c2'),
  template: fc.constantFrom('offer', 'notice'),
  country: fc.constantFrom<string>('IN', 'GB', ''),
  attempts: fc.array(attemptArb, { maxLength: 3 }),
});
export type Gen = typeof messageArb extends fc.Arbitrary<infer T> ? T : never;

/** A later write to a message: a new outcome, another country, or an attempt added, removed or priced again. */
export const changeArb = fc.record({
  outcome: fc.option(outcomeArb),
  country: fc.option(fc.constantFrom('IN', 'GB', 'BR')),
  attempt: fc.option(
    fc.oneof(fc.record({ add: attemptArb }), fc.constant('drop' as const), fc.constant('reprice' as const)),
  ),
});
export type Change = typeof changeArb extends fc.Arbitrary<infer T> ? T : never;

export interface Row {
  id: string;
  createdAt: string;
  g: Gen;
}

const messageColumns = (r: Row) => ({
  id: r.id,
  status: r.g.outcome.status,
  delivered_via: r.g.outcome.via && {
    kind: r.g.outcome.via.kind,
    wabaId: r.g.outcome.via.waba,
    phoneNumberId: r.g.outcome.via.phone,
    templateId: null,
  },
  failure: r.g.outcome.status === 'failed' ? { reason: r.g.outcome.reason } : null,
  recipient_country: r.g.country,
});
const pricingOf = (a: Gen['attempts'][number]) =>
  a.category ? { category: a.category, billable: a.billable, type: 'regular' } : null;

async function insertAttempts(stack: Stack, tenantId: string, attempts: { row: Row; seq: number }[]) {
  const rows = attempts.map(({ row, seq }) => {
    const a = row.g.attempts[seq - 1]!;
    return {
      id: `${row.id}:${seq}`,
      tenant_id: tenantId,
      message_id: row.id,
      seq,
      kind: a.kind,
      waba_id: a.waba,
      phone_number_id: a.phone,
      pricing: pricingOf(a),
    };
  });
  await stack.db.pool.query(
    `INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, waba_id, phone_number_id, pricing)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, tenant_id uuid, message_id uuid, seq int, kind text,
       waba_id text, phone_number_id text, pricing jsonb)`,
    [JSON.stringify(rows)],
  );
}

/** Writes generated messages and their attempts for a tenant, as the delivery paths would have left them. */
export async function insert(stack: Stack, tenantId: string, rows: Row[]): Promise<void> {
  const messages = rows.map((r) => ({
    ...messageColumns(r),
    tenant_id: tenantId,
    idempotency_key: r.id,
    workflow_id: `message-${r.id}`,
    recipient: `4477000${r.id.slice(0, 5).replace(/\D/g, '1')}`,
    template_key: r.g.template,
    language: 'en_US',
    campaign_id: r.g.campaign,
    request: {},
    created_at: r.createdAt,
  }));
  await stack.db.pool.query(
    `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id,
                           request, status, delivered_via, failure, recipient_country, created_at)
     SELECT id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, campaign_id, request,
            status, delivered_via, failure, recipient_country, created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, tenant_id uuid, idempotency_key text, workflow_id text,
       recipient text, template_key text, language text, campaign_id text, request jsonb, status text,
       delivered_via jsonb, failure jsonb, recipient_country text, created_at timestamptz)`,
    [JSON.stringify(messages)],
  );
  await insertAttempts(
    stack,
    tenantId,
    rows.flatMap((row) => row.g.attempts.map((_, i) => ({ row, seq: i + 1 }))),
  );
}

/**
 * Applies later writes to stored rows, in the database (one statement per kind of write, as the delivery paths
 * write) and to the rows themselves (the oracle's copy): status outcomes, countries, attempts added, removed or
 * priced again.
 */
export async function change(stack: Stack, tenantId: string, rows: Row[], changes: Change[]): Promise<void> {
  const pairs = rows.slice(0, changes.length).map((row, i) => ({ row, c: changes[i]! }));
  for (const { row, c } of pairs) {
    if (c.outcome) row.g.outcome = c.outcome;
    if (c.country) row.g.country = c.country;
  }
  const updated = pairs.filter(({ c }) => c.outcome || c.country).map(({ row }) => messageColumns(row));
  await stack.db.pool.query(
    `UPDATE messages m SET status = x.status, delivered_via = x.delivered_via, failure = x.failure,
            recipient_country = x.recipient_country, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, delivered_via jsonb, failure jsonb,
                                               recipient_country text)
      WHERE m.id = x.id`,
    [JSON.stringify(updated)],
  );
  const added: { row: Row; seq: number }[] = [];
  const dropped: string[] = [];
  const repriced: { id: string; pricing: unknown }[] = [];
  for (const { row, c } of pairs) {
    const attempts = row.g.attempts;
    if (c.attempt && typeof c.attempt === 'object') {
      attempts.push(c.attempt.add);
      added.push({ row, seq: attempts.length });
    } else if (c.attempt === 'drop' && attempts.length > 0) {
      dropped.push(`${row.id}:${attempts.length}`);
      attempts.pop();
    } else if (c.attempt === 'reprice' && attempts.length > 0) {
      const first = attempts[0]!;
      first.billable = !first.billable;
      first.category = first.category || 'utility';
      repriced.push({ id: `${row.id}:1`, pricing: pricingOf(first) });
    }
  }
  await insertAttempts(stack, tenantId, added);
  await stack.db.pool.query('DELETE FROM message_attempts WHERE id = ANY($1::text[])', [dropped]);
  await stack.db.pool.query(
    `UPDATE message_attempts a SET pricing = x.pricing, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, pricing jsonb) WHERE a.id = x.id`,
    [JSON.stringify(repriced)],
  );
}

/** The oracle: each group's funnel, counted from the generated rows themselves. */
type Counted = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed' | 'recoveredByFallback' | 'failovers' | 'cost';
type Expected = { key: string; failedByReason: Record<string, number> } & Record<Counted, number>;

export function expected(rows: Row[], groupBy: AnalyticsGroup, from: string, to: string): Expected[] {
  const out = new Map<string, Expected>();
  for (const { createdAt, g } of rows) {
    const t = Date.parse(createdAt);
    if (t < Date.parse(from) || t >= Date.parse(to)) continue;
    const last = g.attempts[g.attempts.length - 1];
    const { status, reason, via } = g.outcome;
    const key = {
      day: `${createdAt.slice(0, 10)}T00:00:00Z`,
      hour: `${createdAt.slice(0, 13)}:00:00Z`,
      campaign: g.campaign ?? '',
      template: g.template,
      waba: via?.waba ?? last?.waba ?? '',
      phone: via?.phone ?? last?.phone ?? '',
      country: g.country,
    }[groupBy];
    const e: Expected = out.get(key) ?? {
      key,
      accepted: 0,
      sent: 0,
      delivered: 0,
      read: 0,
      failed: 0,
      failedByReason: {},
      recoveredByFallback: 0,
      failovers: 0,
      cost: 0,
    };
    const inc = (k: Counted, by = 1) => (e[k] += by);
    const delivered = status === 'delivered' || status === 'read';
    inc('accepted');
    if (['sent', 'delivered', 'read'].includes(status)) inc('sent');
    if (delivered) inc('delivered');
    if (status === 'read') inc('read');
    if (status === 'failed') {
      inc('failed');
      e.failedByReason[reason] = (e.failedByReason[reason] ?? 0) + 1;
    }
    if (delivered && via?.kind === 'session') inc('recoveredByFallback');
    g.attempts.forEach((a, i) => {
      if (a.kind === 'template' && i > 0) inc('failovers');
      if (a.category && a.billable) inc('cost', lineAmount(ratesFor(g.country || null), a.category));
    });
    out.set(key, e);
  }
  return [...out.values()]
    .map((e) => ({ ...e, cost: Math.round(e.cost * 1e6) / 1e6 }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Every page of a grouping through the API (`limit` groups a page), rates left out. */
export async function allPages(stack: Stack, groupBy: AnalyticsGroup, from: string, to: string, limit = 3) {
  const got: Record<string, unknown>[] = [];
  let cursor: string | null = null;
  do {
    const qs: string = new URLSearchParams({
      from,
      to,
      groupBy,
      limit: String(limit),
      ...(cursor ? { cursor } : {}),
    }).toString();
    const page = await stack.api('GET', `/v1/analytics/delivery?${qs}`);
    assert.equal(page.status, 200, JSON.stringify(page.body));
    got.push(...(page.body.data as Record<string, unknown>[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return got.map(({ rates: _rates, ...rest }) => rest);
}

/** Asserts every grouping's pages equal the oracle's counts of `rows`. */
export async function assertCounts(stack: Stack, rows: Row[], from: string, to: string, when: string) {
  for (const groupBy of GROUPS) {
    assert.deepEqual(
      await allPages(stack, groupBy, from, to),
      expected(rows, groupBy, from, to),
      `${when}, groupBy=${groupBy}`,
    );
  }
}
