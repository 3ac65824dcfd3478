import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, FINAL, registerWabas } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const W11 = FESTIVE.wabas[0]!;
const BURST = 200;
const recipients = Array.from({ length: BURST }, (_, i) => `91990${String(i).padStart(7, '0')}`);

describe('message lifecycle: a WABA banned in the middle of a burst', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      tenantSettings: { requireOptIn: false, timing: { statusTimeout: '30s', noneBackoff: '200ms', maxWait: '1s' } },
    });
    await registerWabas(stack);
  });
  after(() => stack.stop());

  it('when the primary WABA is banned mid-burst, then all 200 are delivered once and none goes through it a second after the ban', async () => {
    const ids: string[] = [];
    const submit = async (from: number, to: number) => {
      for (let i = from; i < to; i += 20) {
        const batch = recipients.slice(i, Math.min(i + 20, to));
        const res = await Promise.all(
          batch.map((r, j) =>
            stack.api('POST', '/v1/messages', {
              to: `+${r}`,
              template: 'festive_text',
              language: 'en_US',
              parameters: { body: ['friend', '10%'] },
              idempotencyKey: `burst-${i + j}`,
            }),
          ),
        );
        for (const r of res) {
          assert.equal(r.status, 202);
          ids.push(r.body.id);
        }
      }
    };
    const firstHalf = submit(0, BURST);
    // Load spread sends only part of the burst through the primary WABA, and two test files share the machine:
    // allow the 40th such send a minute, and say how many there were when it times out.
    await waitFor(
      async (note) => {
        const n = (await stack.control.sends({ wabaId: W11 })).length;
        note({ sendsViaPrimary: n });
        return n >= 40;
      },
      '40 sends via the primary WABA',
      60_000,
    );
    await stack.control.banWaba(W11);
    // The promise runs from the moment Lifeline accepted the ban webhook (docs/delivery-guarantees.md, "A resource
    // turning unhealthy"): on a loaded machine the simulator's POST may itself arrive a while after the ban.
    const bannedAt = await waitFor(async () => {
      const r = await stack.db.pool.query<{ ms: number | null }>(
        `SELECT (extract(epoch FROM min(received_at)) * 1000)::float8 AS ms FROM webhook_inbox WHERE body @> $1::jsonb`,
        [JSON.stringify({ entry: [{ id: W11, changes: [{ field: 'account_update' }] }] })],
      );
      return r.rows[0]?.ms ?? undefined;
    }, 'the ban webhook accepted');
    await firstHalf;

    const views = await waitFor(
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await stack.api('GET', `/v1/messages/${id}`)).body));
        return all.every((v) => FINAL.includes(v.status)) ? all : undefined;
      },
      'all messages settled',
      120_000,
    );
    const statuses = views.map((v) => v.status);
    assert.equal(statuses.filter((s) => s === 'delivered' || s === 'read').length, BURST, JSON.stringify(statuses));

    const late = await stack.db.pool.query(
      // Attempts handed to Meta (`requests` counts them); the pre-send health gate and the capacity reservation
      // refuse the others without calling Meta.
      `SELECT id, kind, status, error_code, error->>'reason' AS reason, requests,
              round(extract(epoch FROM created_at) * 1000 - $2)::int AS "msAfterBan",
              round(extract(epoch FROM updated_at) * 1000 - $2)::int AS "updatedMsAfterBan"
         FROM message_attempts
        WHERE waba_id = $1 AND created_at > to_timestamp(($2 + 1000) / 1000.0)
          AND requests > 0`,
      [W11, bannedAt],
    );
    assert.deepEqual(late.rows, [], 'no attempt went through the banned WABA more than 1 s after the ban');
    const viaOthers = views.filter((v) => v.deliveredVia.wabaId !== W11).length;
    assert.ok(viaOthers > 0, 'the rest of the burst failed over to other WABAs');

    for (const r of recipients) {
      const inbox = await stack.control.inbox(r);
      assert.equal(inbox.length, 1, `${r} received ${inbox.length} messages`);
    }
  });
});
