import assert from 'node:assert/strict';
import type { Stack } from './stack';
import { waitFor } from './http';

/** Ids of the simulator's `festive-campaign` scenario (src/simulator/README.md). */
export const FESTIVE = {
  wabas: ['200000000000011', '200000000000012', '200000000000021', '200000000000022', '200000000000031'],
  token: (wabaId: string) => `EAAG-festive-waba-${wabaId.slice(-2)}`,
  phones: {
    '200000000000011': ['300000000000111', '300000000000112', '300000000000113'],
    '200000000000012': ['300000000000121', '300000000000122', '300000000000123'],
    '200000000000021': ['300000000000211', '300000000000212'],
    '200000000000022': ['300000000000221', '300000000000222'],
    '200000000000031': ['300000000000311', '300000000000312'],
  } as Record<string, string[]>,
  /** Template id of template number `tt` (01 festive_offer … 09 offer_consent) in WABA `wabaId`. */
  template: (wabaId: string, tt: string) => `4000000000${wabaId.slice(-2)}${tt}`,
  customers: { asha: '919800000001', bilal: '919800000002', gita: '919800000007', jay: '919800000010' },
};

/** Registers WABAs in the given order (the first is the primary of implicit template groups). */
export async function registerWabas(stack: Stack, wabaIds: string[] = FESTIVE.wabas): Promise<void> {
  for (const id of wabaIds) {
    const r = await stack.api('POST', '/v1/wabas', { id, accessToken: FESTIVE.token(id) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
}

export async function optIn(stack: Stack, ...waIds: string[]): Promise<void> {
  for (const waId of waIds) {
    const r = await stack.api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'test' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
}

export const FINAL = ['delivered', 'read', 'failed', 'cancelled', 'declined', 'expired'];

/** Sends a message and waits until it reaches a final status; returns the message view. */
export async function sendAndSettle(stack: Stack, body: Record<string, unknown>, timeoutMs = 30_000) {
  const r = await stack.api('POST', '/v1/messages', body);
  assert.equal(r.status, 202, JSON.stringify(r.body));
  return waitFor(
    async () => {
      const v = await stack.api('GET', `/v1/messages/${r.body.id}`);
      return FINAL.includes(v.body.status) ? v.body : undefined;
    },
    `message ${r.body.id} to settle`,
    timeoutMs,
  );
}
