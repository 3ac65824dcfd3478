import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/http';
import { messageView, settledView, submit } from '../helpers/minimal';
import { startStack, type Stack } from '../helpers/stack';
import { SUF, sufMessage, sufScenario } from '../helpers/suf-scenario';

/**
 * Issue 20, L5: a customer who types "Yes" instead of tapping the prompt's button quotes nothing. The rule
 * (docs/delivery-guarantees.md): a yes/no word from a contact with exactly one prompt awaiting an answer answers
 * that prompt; with several, it is ambiguous and answers none (the prompts keep waiting for a tap or a quote).
 */
const TYPIST = '447700800201';
const TWICE = '447700800202';

describe('Smart Utility Fallback: a typed answer that quotes no prompt', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({
      scenario: {
        ...sufScenario,
        customers: [
          ...sufScenario.customers,
          { waId: TYPIST, name: 'Tina', marketingCap: 0 },
          { waId: TWICE, name: 'Theo', marketingCap: 0 },
        ],
      },
      tenantSettings: {
        timing: { statusTimeout: '20s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' },
        smartUtilityFallback: { maxPromptsPerContact: 100 },
      },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: SUF.waba, accessToken: SUF.token })).status, 201);
    for (const waId of [TYPIST, TWICE]) {
      assert.equal((await stack.api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'test' })).status, 200);
    }
  });
  after(() => stack.stop());

  const awaiting = (id: string) =>
    waitFor(async () => (await messageView(stack, id)).status === 'awaiting_consent', `message ${id} to ask`, 30_000);

  it('when the contact has exactly one pending prompt and types "yes", then that prompt is answered and the content delivered', async () => {
    const id = await submit(stack, sufMessage('suf_text', TYPIST, { idempotencyKey: 'l5-typed-yes' }));
    await awaiting(id);
    // A customer types after the prompt reached the phone (the simulator delivers it a moment after accepting it).
    await waitFor(async () => (await stack.control.inbox(TYPIST)).length > 0, 'the prompt on the phone');
    await stack.control.customerReply(TYPIST, { type: 'text', text: 'yes' });
    const done = await settledView(stack, id, 60_000);
    assert.ok(['delivered', 'read'].includes(done.status), JSON.stringify({ status: done.status, f: done.failure }));
    assert.equal(done.deliveredVia.kind, 'session');
    assert.deepEqual(
      done.attempts.map((a: { kind: string }) => a.kind),
      ['template', 'consent', 'session'],
    );
  });

  it('when the contact has two pending prompts and types "yes", then neither is answered', async () => {
    const first = sufMessage('suf_text', TWICE, { idempotencyKey: 'l5-twice-1' });
    const second = sufMessage('suf_cta', TWICE, { idempotencyKey: 'l5-twice-2' });
    first.smartUtilityFallback.waitFor = '6s';
    second.smartUtilityFallback.waitFor = '6s';
    const ids = [await submit(stack, first), await submit(stack, second)];
    for (const id of ids) await awaiting(id);
    await stack.control.customerReply(TWICE, { type: 'text', text: 'Yes' });
    for (const id of ids) assert.equal((await settledView(stack, id, 60_000)).status, 'expired');
  });
});
