import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createContactsRepo } from '../../src/db/repositories/contacts';
import { createConversationsRepo } from '../../src/db/repositories/conversations';
import { createEscalationsRepo } from '../../src/db/repositories/escalations';
import { conversationWorkflowId } from '../../workflows/definitions';
import { assertBad } from '../helpers/assert-bad';
import { httpClient, waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const WABA = '200000000000900';
const PHONE = '300000000000901';
const ASHA = '447700900081';
const NEVER = '447700900082';
const BEN = '447700900083';

const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `r${i}`, title: `Row ${i}` }));

describe('session messages: every type inside the window, WhatsApp limits, idempotency, tenants', () => {
  let stack: Stack;
  const post = (waId: string, body: unknown) => stack.api('POST', `/v1/conversations/+${waId}/messages`, body);
  const settled = (id: string) =>
    waitFor(async () => {
      const m = (await stack.api('GET', `/v1/messages/${id}`)).body;
      return ['delivered', 'read', 'failed'].includes(m.status) ? m : undefined;
    }, `message ${id} settled`);

  before(async () => {
    stack = await startStack({ scenario: 'minimal', tenantSettings: { timing: { statusTimeout: '20s' } } });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
    await stack.control.customerReply(ASHA, { type: 'text', text: 'hello', phoneNumberId: PHONE });
    await waitFor(
      async () => (await stack.api('GET', `/v1/conversations/+${ASHA}`)).body.windows[0]?.open,
      'window open',
    );
  });
  after(() => stack.stop());

  it('when the customer never wrote, then 409 window_closed says a template is needed, and nothing is sent', async () => {
    const r = await post(NEVER, { type: 'text', text: 'hi' });
    assertBad(r, 409, 'window_closed', 'waId');
    assert.equal(r.body.error.details[0].closedAt, null);
    assert.match(r.body.error.message, /template/);
    assert.equal((await stack.control.sends({ recipient: NEVER })).length, 0);
  });

  it('when each message type is sent inside the window, then Meta accepts it and the customer gets it', async () => {
    const bodies = [
      { type: 'image', link: 'https://cdn.example.com/a.jpg', caption: 'Your order' },
      { type: 'document', link: 'https://cdn.example.com/a.pdf', caption: 'Invoice', filename: 'invoice.pdf' },
      {
        type: 'buttons',
        header: { type: 'text', text: 'Your order' },
        body: 'Did it arrive?',
        footer: 'Tap one',
        buttons: [
          { id: 'yes', title: 'Yes' },
          { id: 'no', title: 'No' },
        ],
      },
      { type: 'list', body: 'Pick a slot', button: 'See slots', sections: [{ title: 'Today', rows: rows(3) }] },
      { type: 'cta_url', body: 'Track it here', displayText: 'Track', url: 'https://shop.example.com/t/1' },
    ];
    for (const body of bodies) {
      const r = await post(ASHA, body);
      assert.equal(r.status, 202, JSON.stringify(r.body));
      const m = await settled(r.body.id);
      assert.ok(['delivered', 'read'].includes(m.status), `${body.type}: ${JSON.stringify(m.failure)}`);
      assert.deepEqual(
        m.attempts.map((a: { kind: string }) => a.kind),
        ['session'],
      );
    }
    const got = (await stack.control.inbox(ASHA)).map((e) => e.interactiveType ?? e.type);
    assert.deepEqual(got, ['image', 'document', 'button', 'list', 'cta_url']);
  });

  it('when the same idempotency key is used again, then the same message comes back; a different body is a conflict', async () => {
    const body = { type: 'text', text: 'Once only', idempotencyKey: 'once-1' };
    const first = await post(ASHA, body);
    const again = await post(ASHA, body);
    assert.equal(first.status, 202);
    assert.equal(again.body.id, first.body.id);
    assert.equal(again.body.created, false);
    assertBad(await post(ASHA, { ...body, text: 'Another' }), 409, 'idempotency_conflict');
    await settled(first.body.id);
    assert.equal((await stack.control.sends({ recipient: ASHA })).filter((s) => s.type === 'text').length, 1);
  });

  it('when a field breaks WhatsApp limits or the contract, then 400 names it', async () => {
    const long = (n: number) => 'x'.repeat(n);
    const cases: [unknown, string][] = [
      [{ text: 'no type' }, 'body.type'],
      [{ type: 'sticker', link: 'https://x.example/a.webp' }, 'body.type'],
      [{ type: 'text' }, 'body.text'],
      [{ type: 'text', text: '   ' }, 'body.text'],
      [{ type: 'text', text: long(4097) }, 'body.text'],
      [{ type: 'text', text: 'a\u0000b' }, 'body.text'],
      [{ type: 'text', text: 'hi', colour: 'red' }, 'body.colour'],
      [{ type: 'image', link: 'http://cdn.example.com/a.jpg' }, 'body.link'],
      [{ type: 'image', link: 'https://cdn.example.com/a.jpg', caption: long(1025) }, 'body.caption'],
      [{ type: 'image', link: 'https://cdn.example.com/a.jpg', filename: 'a.jpg' }, 'body.filename'],
      [{ type: 'buttons', body: 'b', buttons: [] }, 'body.buttons'],
      [{ type: 'buttons', body: 'b', buttons: rows(4) }, 'body.buttons'],
      [{ type: 'buttons', body: 'b', buttons: [{ id: 'a', title: long(21) }] }, 'body.buttons.0.title'],
      [
        {
          type: 'buttons',
          body: 'b',
          buttons: [
            { id: 'a', title: 'Same' },
            { id: 'b', title: 'Same' },
          ],
        },
        'body.buttons.1.title',
      ],
      [{ type: 'buttons', body: long(1025), buttons: rows(1) }, 'body.body'],
      [{ type: 'buttons', body: 'b', footer: long(61), buttons: rows(1) }, 'body.footer'],
      [{ type: 'list', body: 'b', button: 'Open', sections: [{ rows: rows(11) }] }, 'body.sections.0.rows'],
      [
        { type: 'list', body: 'b', button: 'Open', sections: [{ rows: rows(6) }, { title: 'B', rows: rows(6) }] },
        'body.sections',
      ],
      [
        { type: 'list', body: 'b', button: 'Open', sections: [{ rows: rows(1) }, { rows: rows(1) }] },
        'body.sections.0.title',
      ],
      [{ type: 'list', body: 'b', button: long(21), sections: [{ rows: rows(1) }] }, 'body.button'],
      [
        {
          type: 'list',
          body: 'b',
          button: 'Open',
          header: { type: 'image', link: 'https://x.example/a.jpg' },
          sections: [{ rows: rows(1) }],
        },
        'body.header.type',
      ],
      [{ type: 'cta_url', body: 'b', displayText: 'Go', url: 'javascript:alert(1)' }, 'body.url'],
      [{ type: 'cta_url', body: 'b', displayText: long(21), url: 'https://x.example' }, 'body.displayText'],
      [{ type: 'text', text: 'hi', escalationId: 'nope', agent: 'maya' }, 'body.escalationId'],
      [{ type: 'text', text: 'hi', escalationId: crypto.randomUUID() }, 'body.agent'],
    ];
    for (const [body, field] of cases) assertBad(await post(ASHA, body), 400, 'validation_failed', field);
    assertBad(
      await stack.api('POST', '/v1/conversations/abc/messages', { type: 'text', text: 'x' }),
      400,
      'validation_failed',
      'params.waId',
    );
    assertBad(await stack.api('GET', `/v1/conversations/+${ASHA}?limit=0`), 400, 'validation_failed', 'query.limit');
    assertBad(
      await stack.api('GET', `/v1/conversations/+${ASHA}?cursor=zzz`),
      400,
      'validation_failed',
      'query.cursor',
    );
    assertBad(await stack.api('GET', `/v1/conversations/+${ASHA}?bogus=1`), 400, 'validation_failed', 'query.bogus');
    const unknownEscalation = { type: 'text', text: 'hi', agent: 'maya', escalationId: crypto.randomUUID() };
    assertBad(await post(ASHA, unknownEscalation), 404, 'not_found');
  });

  it('when the thread is long, then it pages newest first with a cursor', async () => {
    const first = (await stack.api('GET', `/v1/conversations/+${ASHA}?limit=2`)).body;
    assert.equal(first.thread.length, 2);
    const second = (await stack.api('GET', `/v1/conversations/+${ASHA}?limit=2&cursor=${first.nextCursor}`)).body;
    const all = (await stack.api('GET', `/v1/conversations/+${ASHA}?limit=200`)).body;
    assert.deepEqual(
      [...first.thread, ...second.thread].map((e: { id: string }) => e.id),
      all.thread.slice(0, 4).map((e: { id: string }) => e.id),
    );
    assert.equal(all.nextCursor, null);
    assert.equal(all.thread.at(-1).direction, 'inbound');
    assert.equal(all.thread.at(-1).text, 'hello');
  });

  it("when another tenant asks, then it sees no thread or window of this tenant's customer and cannot send", async () => {
    const other = await stack.admin('POST', '/v1/tenants', { name: 'other', settings: {} });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey as string);
    const view = (await otherApi('GET', `/v1/conversations/+${ASHA}`)).body;
    assert.deepEqual([view.thread, view.windows], [[], []]);
    assertBad(
      await otherApi('POST', `/v1/conversations/+${ASHA}/messages`, { type: 'text', text: 'x' }),
      409,
      'window_closed',
    );
    assertBad(await otherApi('GET', `/v1/conversations/+${ASHA}`, undefined, { key: null }), 401, 'unauthenticated');
  });

  it('when campaigns are held during escalations, then heldRecipients names exactly the customers with an open one', async () => {
    const escalations = createEscalationsRepo(stack.db.pool);
    const e = await escalations.create({
      tenantId: stack.tenant.id,
      waId: BEN,
      phoneNumberId: PHONE,
      text: 'agent',
      wamid: 'wamid.held-1',
      forward: false,
    });
    assert.deepEqual(
      [...(await escalations.heldRecipients(stack.tenant.id, [BEN, ASHA]))],
      [],
      'the tenant does not hold',
    );
    await stack.db.pool.query(
      `UPDATE tenants SET settings = settings || '{"escalation":{"holdCampaigns":true}}' WHERE id = $1`,
      [stack.tenant.id],
    );
    assert.deepEqual([...(await escalations.heldRecipients(stack.tenant.id, [BEN, ASHA]))], [BEN]);
    await escalations.resolve(stack.tenant.id, e!.id);
    assert.deepEqual([...(await escalations.heldRecipients(stack.tenant.id, [BEN, ASHA]))], []);
  });

  it('when a session send starts after the window closed, then the send activity refuses it before Meta (the guard Smart Utility Fallback shares)', async () => {
    await createContactsRepo(stack.db.pool).recordInbound(
      stack.tenant.id,
      BEN,
      PHONE,
      new Date(Date.now() - 25 * 3_600_000).toISOString(),
    );
    const id = crypto.randomUUID();
    const row = await createConversationsRepo(stack.db.pool).createSessionMessage({
      id,
      tenantId: stack.tenant.id,
      idempotencyKey: id,
      workflowId: conversationWorkflowId(stack.tenant.id, id),
      recipient: BEN,
      request: {},
    });
    const result = await stack.temporal.client.workflow.execute('conversationMessage', {
      workflowId: row.workflowId,
      taskQueue: stack.taskQueue,
      args: [
        {
          tenantId: stack.tenant.id,
          messageId: id,
          recipient: BEN,
          phoneNumberId: PHONE,
          payload: { type: 'text', text: { body: 'late' } },
          statusTimeoutMs: 5000,
        },
      ],
    });
    assert.deepEqual(result.failure, { reason: 'outside_service_window' });
    const m = (await stack.api('GET', `/v1/messages/${id}`)).body;
    assert.equal(m.status, 'failed');
    assert.equal(m.attempts[0].outcome, 'failed');
    assert.equal((await stack.control.sends({ recipient: BEN })).length, 0, 'nothing reached Meta');
  });
});
