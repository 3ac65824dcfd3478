import { PAIR_RATE_WAIT_MS, recipientReason } from '../src/delivery/decide';
import { isDelivered, isFinalAttemptStatus } from '../src/delivery/types';
import type { AttemptView, ConversationMessageInput, FailureClass, MessageDeliveryResult } from './definitions';
import { startRun } from './message-delivery/run';

/** Sends refused by a capacity reservation (pair rate, throughput) are retried, at most this many in all. */
const MAX_SEND_TRIES = 10;

/** A recipient failure keeps Meta's reason (`outside_service_window`, `undeliverable`…); anything else is generic. */
const reasonOf = (f: FailureClass) => (f.kind === 'recipient' ? recipientReason(f.reason) : 'session_send_failed');

/**
 * One free-form session message (docs/conversations.md): sent once from the number the customer wrote to, then
 * tracked to its final status. A workflow, not a direct call, so the send is durable (a crash after Meta accepted
 * it never sends it twice: the attempt row and its id deduplicate), its statuses fold into the ledger like every
 * message's, and it is visible in the Temporal Web UI next to the template messages of the same customer.
 */
export async function conversationMessage(input: ConversationMessageInput): Promise<MessageDeliveryResult> {
  const run = startRun({
    tenantId: input.tenantId,
    messageId: input.messageId,
    recipient: input.recipient,
    templateKey: '',
    language: '',
    timing: { statusTimeoutMs: input.statusTimeoutMs, deadlineMs: 0, noneBackoffMs: 0, maxWaitMs: 0 },
    maxAttempts: 1,
  });
  if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });

  let attempt!: AttemptView;
  let failure: FailureClass | undefined;
  for (let n = 1; n <= MAX_SEND_TRIES; n++) {
    attempt = {
      attemptId: `${input.messageId}:s${n}`,
      kind: 'session',
      combination: { phoneNumberId: input.phoneNumberId },
      status: 'sending',
    };
    run.state.attempts.push(attempt);
    run.state.status = 'sending';
    const current = attempt;
    failure = await run.sendAttempt(current, async (resendAfter) => {
      const sent = await run.send.sendSession({
        resendAfter,
        ...run.ctx,
        workflowId: run.workflowId(),
        attemptId: current.attemptId,
        seq: n,
        recipient: input.recipient,
        phoneNumberId: input.phoneNumberId,
        payload: input.payload,
      });
      current.combination = { phoneNumberId: input.phoneNumberId, wabaId: sent.wabaId };
      return sent;
    });
    // The pair rate (about one message per 6 s to one person) or the number's throughput was reserved by other
    // sends (docs/capacity.md): wait as told and try again from the same number. The window is checked again.
    if (failure?.kind !== 'throttled' || failure.scope === 'phone') break;
    await run.sleep(failure.retryAfterMs ?? PAIR_RATE_WAIT_MS);
    if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
  }
  if (failure) return run.fail(reasonOf(failure), failure.code);

  await run.setStatus('sent', { type: 'session_sent', data: { attemptId: attempt.attemptId, wamid: attempt.wamid } });
  const settled = await run.waitUntil(() => isFinalAttemptStatus(attempt.status), input.statusTimeoutMs);
  if (isDelivered(attempt.status)) return run.deliver(attempt);
  if (!settled) return run.finish('sent', { note: 'no delivery status before the status timeout' });
  const update = run.statuses.get(attempt.wamid ?? '');
  return run.fail(
    update?.failure ? reasonOf(update.failure) : 'session_failed',
    update?.failure?.code ?? attempt.errorCode,
  );
}
