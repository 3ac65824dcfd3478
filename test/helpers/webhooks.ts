import crypto from 'node:crypto';
import { createMessagesRepo } from '../../src/db/repositories/messages';
import { signWebhookBody } from '../../src/meta/webhook-signature';
import { messageWorkflowId } from '../../workflows/definitions';
import type { HttpResult } from './http';
import { waitFor } from './http';
import { TEST_APP_SECRET, type Stack } from './stack';

/** Meta's envelope with one change (docs/meta-cloud-api.md#webhooks). */
export function envelope(wabaId: string, field: string, value: unknown, time = Math.floor(Date.now() / 1000)) {
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, time, changes: [{ field, value }] }] };
}

export const statusValue = (phoneNumberId: string, wamid: string, status: string, recipient = '447700900002') => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
  statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient }],
});

export const inboundValue = (phoneNumberId: string, from: string, message: Record<string, unknown>) => ({
  messaging_product: 'whatsapp',
  metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId },
  contacts: [{ profile: { name: 'Customer' }, wa_id: from }],
  messages: [{ from, id: `wamid.IN-${Math.random().toString(36).slice(2)}`, timestamp: '1767225600', ...message }],
});

/** POSTs a body to the webhook endpoint, signed with `secret` (null: unsigned). Strings are sent byte for byte. */
export function postWebhook(
  stack: Stack,
  body: unknown,
  opts: { secret?: string | null; signatureOf?: string | Buffer; path?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const secret = opts.secret === undefined ? TEST_APP_SECRET : opts.secret;
  const headers: Record<string, string> = {
    ...(secret ? { 'x-hub-signature-256': signWebhookBody(opts.signatureOf ?? raw, secret) } : {}),
    ...opts.headers,
  };
  return stack.api('POST', opts.path ?? '/webhooks/whatsapp', undefined, { raw, key: null, headers });
}

/** The value of a counter (with the given labels) in the API's /metrics output; 0 when absent. */
export async function metric(stack: Stack, name: string, labels: Record<string, string>): Promise<number> {
  const text = (await stack.api('GET', '/metrics', undefined, { key: null })).body as string;
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find(
      (l) =>
        (want.length === 0 && l.startsWith(`${name} `)) ||
        (l.startsWith(`${name}{`) && want.every((w) => l.slice(0, l.indexOf('}')).includes(w))),
    );
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

export async function inboxCount(stack: Stack): Promise<number> {
  return (await stack.db.pool.query('SELECT count(*)::int AS n FROM webhook_inbox')).rows[0].n as number;
}

/** Waits until every stored webhook body has been processed (or given up). */
export function drained(stack: Stack, what = 'webhook inbox drained'): Promise<true> {
  return waitFor(
    async () =>
      (await stack.db.pool.query('SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL')).rows[0]
        .n === 0,
    what,
  );
}

/** The signals a workflow received, by name, from its history (works whether or not a worker runs it). */
export async function signalsOf(stack: Stack, workflowId: string, name: string): Promise<unknown[]> {
  const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === name)
    .map((a) => {
      // fetchHistory decodes the history as JSON: payload bytes arrive base64-encoded.
      const data = a!.input!.payloads![0]!.data as Uint8Array | string;
      return JSON.parse(Buffer.from(data as string, typeof data === 'string' ? 'base64' : undefined).toString('utf8'));
    });
}

/**
 * A message whose workflow is running but parked (its task queue has no worker), with one attempt of `kind`:
 * signals sent to it stay in its history for the test to read. `wamid` undefined = the send response is not
 * stored yet (`accept(wamid)` stores it later).
 */
export async function parkedMessage(
  stack: Stack,
  opts: { recipient: string; phoneNumberId: string; kind?: 'template' | 'consent'; wamid?: string },
) {
  const messages = createMessagesRepo(stack.db.pool);
  const id = crypto.randomUUID();
  const workflowId = messageWorkflowId(stack.tenant.id, `parked-${id}`);
  await messages.createOrGet({
    id,
    tenantId: stack.tenant.id,
    idempotencyKey: `parked-${id}`,
    workflowId,
    recipient: opts.recipient,
    templateKey: 'hello_offer',
    language: 'en_US',
    request: {},
  });
  await messages.setStatus(stack.tenant.id, id, 'sent');
  const attemptId = `${id}:1`;
  await messages.beginAttempt({
    id: attemptId,
    tenantId: stack.tenant.id,
    messageId: id,
    seq: 1,
    kind: opts.kind ?? 'template',
    phoneNumberId: opts.phoneNumberId,
  });
  await stack.temporal.client.workflow.start('messageDelivery', {
    taskQueue: `parked-${id}`,
    workflowId,
    args: [{}],
  });
  const accept = (wamid: string) => messages.attemptAccepted(attemptId, wamid, workflowId);
  if (opts.wamid) await accept(opts.wamid);
  return {
    id,
    workflowId,
    attemptId,
    accept,
    attempt: () => messages.getAttempt(attemptId),
    terminate: () => stack.temporal.client.workflow.getHandle(workflowId).terminate('test over'),
  };
}
