import assert from 'node:assert/strict';
import { FINAL } from './festive';
import { waitFor } from './http';
import { startStack, type Stack, type StackOptions } from './stack';

/** Ids of the simulator's `minimal` scenario (src/simulator/scenarios/minimal.yaml). */
export const MINIMAL = {
  waba: '200000000000900',
  token: 'EAAG-minimal',
  phones: ['300000000000901', '300000000000902'],
  alice: '447700900001',
  bob: '447700900002',
};

/** A stack on the `minimal` scenario with its WABA registered and the given contacts opted in. */
export async function minimalStack(
  opts: StackOptions & { timing?: Record<string, string>; optIn?: string[] } = {},
): Promise<Stack> {
  const { timing, optIn = [MINIMAL.alice], ...rest } = opts;
  const stack = await startStack({
    scenario: 'minimal',
    ...rest,
    tenantSettings: {
      timing: { statusTimeout: '30s', noneBackoff: '200ms', maxWait: '1s', deadline: '120s', ...timing },
      ...rest.tenantSettings,
    },
  });
  assert.equal((await stack.api('POST', '/v1/wabas', { id: MINIMAL.waba, accessToken: MINIMAL.token })).status, 201);
  for (const waId of optIn) {
    assert.equal((await stack.api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'test' })).status, 200);
  }
  return stack;
}

/** A POST /v1/messages body for the minimal scenario's marketing template. */
export const helloOffer = (key: string, to = MINIMAL.alice) => ({
  to: `+${to}`,
  template: 'hello_offer',
  language: 'en_US',
  parameters: { body: ['Alice', '20%'] },
  idempotencyKey: key,
});

export const messageView = async (stack: Stack, id: string) => (await stack.api('GET', `/v1/messages/${id}`)).body;

/** Waits for the message to reach a final status and returns its view. */
export const settledView = (stack: Stack, id: string, timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const v = await messageView(stack, id);
      return FINAL.includes(v.status) ? v : undefined;
    },
    `message ${id} settled`,
    timeoutMs,
  );

/** Submits a message and returns its id. */
export async function submit(stack: Stack, body: Record<string, unknown>): Promise<string> {
  const r = await stack.api('POST', '/v1/messages', body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return r.body.id as string;
}
