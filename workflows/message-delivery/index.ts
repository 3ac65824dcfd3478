import { setCurrentDetails } from '@temporalio/workflow';
import { attemptId } from '../../src/delivery/attempt-ids';
import type { ConsentVerdict } from '../../src/delivery/consent';
import { decide, type DecideContext } from '../../src/delivery/decide';
import type { ResolveOutput } from '../../src/delivery/resolve';
import { isFinalAttemptStatus } from '../../src/delivery/types';
import { sentEventData } from '../../src/domain/timeline';
import type {
  AttemptView,
  Combination,
  FailureClass,
  MessageDeliveryInput,
  MessageDeliveryResult,
  MessageDeliveryWorkflow,
} from '../definitions';
import { local } from './activities';
import { startAttempts, type Attempts } from './attempts';
import { deliveredAttempt, startRun, type Run } from './run';
import { smartUtilityFallback } from './smart-utility-fallback';

/** Histories recorded before a late status could re-enter the lifecycle ended `sent` at the status timeout. */
const LATE_STATUS_PATCH = 'late-status-reenters-lifecycle';
/** The routing decision shown as the workflow's current details in the Temporal Web UI (docs/console.md). */
const ROUTING_DETAILS_PATCH = 'routing-decision-current-details';
const DEFAULT_LATE_STATUS_WINDOW_MS = 24 * 3_600_000;

/**
 * The durable life of one message, the per-message driver of the delivery core (docs/delivery-core.md):
 * check consent → resolve → send → await status → decide → deliver (or recover through Smart Utility Fallback).
 */
export async function messageDelivery(input: MessageDeliveryInput): Promise<MessageDeliveryResult> {
  const run = startRun(input);
  const attempts = startAttempts(input);
  const admitted = await admit(run, attempts);
  if (!admitted.consent.allowed) return run.fail(admitted.consent.reason);
  if (input.promoted) {
    // A campaign recipient after its retry rounds (docs/campaigns.md): its attempts so far were the campaign's.
    const { attempts: sent, combination, failure } = input.promoted;
    for (let n = 1; n <= sent; n++) {
      run.state.attempts.push({
        attemptId: attemptId(input.messageId, 'template', n),
        kind: 'template',
        combination,
        status: 'failed',
      });
    }
    return smartUtilityFallback(run, failure, combination);
  }

  let firstResolution = admitted.resolved;
  while (attempts.left()) {
    if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
    const delivered = deliveredAttempt(run.state.attempts);
    if (delivered) return run.deliver(delivered);

    const combination = await resolve(run, attempts, firstResolution);
    firstResolution = undefined;
    if (!combination) {
      if (await waitForAHealthyCombination(run, attempts)) continue;
      return run.fail('no_healthy_combination');
    }
    const attempt = startAttempt(run, attempts, combination);
    const sent = await sendWithResends(run, attempts, attempt, combination);
    let failure = sent.failure;
    // Cancelled, or delivered after all (reported by attempt id): the top of the loop ends the message.
    if (run.cancelled() || deliveredAttempt(run.state.attempts)) continue;
    if (!failure) {
      const status = await awaitStatus(run, attempt, combination, sent.sentRecorded);
      if (status.outcome === 'delivered') return run.deliver(status.attempt);
      if (status.outcome === 'cancelled') continue;
      if (status.outcome === 'no_status')
        return run.finish('sent', { note: 'no delivery status before the status timeout and the late-status window' });
      failure = status.failure;
    }
    const ended = await decideAndAct(run, attempts, failure, combination);
    if (ended) return ended;
  }
  return run.fail('attempts_exhausted');
}

// Clients start the workflow by name with this signature; the compiler keeps the two in step.
const _signature: MessageDeliveryWorkflow = messageDelivery;

/**
 * Consent, and from revision 3 of the path the first resolution with it, in one local activity (docs/temporal.md,
 * "Path revisions"). A promoted campaign recipient needs no resolution: its fallback resolves its own prompt.
 */
async function admit(run: Run, attempts: Attempts): Promise<{ consent: ConsentVerdict; resolved?: ResolveOutput }> {
  const { tenantId, recipient } = run.input;
  if (run.input.promoted || !run.fewerLocalActivities)
    return { consent: await local.checkConsent({ tenantId, recipient }) };
  return local.admit({ ...run.input, exclude: attempts.exclude, step: attempts.resolution() });
}

/** Resolve: the healthiest least-deviating combination, avoiding what failed this message (or the one admit found). */
async function resolve(run: Run, attempts: Attempts, admitted?: ResolveOutput): Promise<Combination | undefined> {
  const resolved =
    admitted ??
    (await local.resolveCombination({
      ...run.input,
      exclude: attempts.exclude,
      step: attempts.resolution(),
    }));
  if (run.patched(ROUTING_DETAILS_PATCH)) setCurrentDetails(routingDetails(resolved));
  if (resolved.outcome === 'none') return undefined;
  attempts.resolved();
  return resolved.combination;
}

/** The Web UI's "current details": the latest routing decision and the resolver's reason, in Markdown. */
export function routingDetails(r: ResolveOutput): string {
  if (r.outcome === 'none') return `**No healthy combination** (${r.reason}); waiting for one.`;
  const c = r.combination;
  const why = r.why ? `\n\n${r.why}` : '';
  return `**Routed** via WABA \`${c.wabaId}\`, number \`${c.phoneNumberId}\`, template \`${c.templateName}\` (${c.language}).${why}`;
}

/** Nothing is healthy: wait with a doubling back-off, up to the message's deadline; false once it would pass. */
async function waitForAHealthyCombination(run: Run, attempts: Attempts): Promise<boolean> {
  // Only a wait is worth a status of its own: resolving itself takes milliseconds.
  if (run.state.status !== 'resolving') await run.setStatus('resolving');
  const wait = attempts.nextWaitForHealth();
  if (wait === undefined) return false;
  await run.sleep(wait);
  return true;
}

function startAttempt(run: Run, attempts: Attempts, combination: Combination): AttemptView {
  const attempt: AttemptView = {
    attemptId: attemptId(run.input.messageId, 'template', attempts.start()),
    kind: 'template',
    combination,
    status: 'sending',
  };
  run.state.attempts.push(attempt);
  run.state.status = 'sending'; // visible to the live query; the ledger shows the attempt row itself
  return attempt;
}

/**
 * Send, and resend the *same* attempt (same id, same combination) while its outcome is unknown — Meta may have
 * accepted it — which the send step deduplicates; its pre-send health gate still turns it away from a resource
 * gone bad. Returns the failure Meta (or the gate) gave, if any.
 */
async function sendWithResends(
  run: Run,
  attempts: Attempts,
  attempt: AttemptView,
  combination: Combination,
): Promise<{ failure?: FailureClass; sentRecorded: boolean }> {
  // From revision 3 of the path an accepted send writes the `sent` record itself (one local activity fewer).
  const recordsSent = run.fewerLocalActivities;
  let sentRecorded = false;
  const sendIt = async (resendAfter?: number) => {
    const result = await run.send.sendTemplate({
      resendAfter,
      ...run.ctx,
      workflowId: run.workflowId(),
      attemptId: attempt.attemptId,
      seq: run.state.attempts.length,
      combination,
      recipient: run.input.recipient,
      parameters: run.input.parameters,
      recordSent: recordsSent ? { key: run.nextStepKey() } : undefined,
    });
    sentRecorded = result.sentRecorded === true;
    return result;
  };
  let failure = await run.sendAttempt(attempt, sendIt);
  while (failure) {
    const next = decide(failure, decideContext(run, attempts, combination, { outcomeUnknown: true }));
    if (next.action !== 'retry_attempt') return { failure, sentRecorded: false };
    attempts.resend();
    await run.waitUntil(() => deliveredAttempt(run.state.attempts) !== undefined, next.afterMs);
    if (run.cancelled() || deliveredAttempt(run.state.attempts)) return { failure, sentRecorded: false };
    attempt.status = 'sending';
    failure = await run.sendAttempt(attempt, sendIt);
  }
  return { sentRecorded };
}

type StatusOutcome =
  | { outcome: 'delivered'; attempt: AttemptView }
  | { outcome: 'failed'; failure: FailureClass }
  | { outcome: 'cancelled' }
  | { outcome: 'no_status' };

/** Await status: Meta accepted the send; wait for its delivery (of this or an earlier attempt) or failure. */
async function awaitStatus(
  run: Run,
  attempt: AttemptView,
  combination: Combination,
  sentRecorded: boolean,
): Promise<StatusOutcome> {
  if (sentRecorded) run.recorded('sent');
  else {
    await run.setStatus('sent', { type: 'sent', data: sentEventData(attempt.attemptId, attempt.wamid, combination) });
  }
  const settledOrDelivered = () =>
    isFinalAttemptStatus(attempt.status) || deliveredAttempt(run.state.attempts) !== undefined;
  let settled = await run.waitUntil(settledOrDelivered, run.input.timing.statusTimeoutMs);
  if (!settled && !run.cancelled() && run.patched(LATE_STATUS_PATCH)) {
    // The read model says `sent`; a failure reported later still re-enters the lifecycle (failover, fallback).
    const lateMs = run.input.timing.lateStatusWindowMs ?? DEFAULT_LATE_STATUS_WINDOW_MS;
    await run.note('status_timeout', { attemptId: attempt.attemptId, waitingForLateStatusMs: lateMs });
    settled = await run.waitUntil(settledOrDelivered, lateMs);
  }
  const delivered = deliveredAttempt(run.state.attempts);
  if (delivered) return { outcome: 'delivered', attempt: delivered };
  if (run.cancelled()) return { outcome: 'cancelled' };
  if (!settled) return { outcome: 'no_status' };
  const failure = run.statuses.get(attempt.wamid!)?.failure;
  return { outcome: 'failed', failure: failure ?? { kind: 'transient', reason: 'failed without a reason' } };
}

/** Decide what the failure means for this message (src/delivery/decide.ts), then act on it; a result ends it. */
async function decideAndAct(
  run: Run,
  attempts: Attempts,
  failure: FailureClass,
  combination: Combination,
): Promise<MessageDeliveryResult | undefined> {
  const attempt = run.state.attempts[run.state.attempts.length - 1];
  if (attempt) await local.markAttemptFailed({ attemptId: attempt.attemptId, failure });
  await run.note('attempt_failed', { combination, failure });
  // The attempt is over: its resends, if any, are spent or no longer apply.
  const action = decide(failure, decideContext(run, attempts, combination, { outcomeUnknown: false }));
  switch (action.action) {
    case 'exclude':
      attempts.excludeResource(action);
      return undefined;
    case 'wait':
      await run.sleep(action.ms);
      return undefined;
    case 'retry_attempt':
      await run.sleep(action.afterMs);
      return undefined;
    case 'fallback':
      return smartUtilityFallback(run, failure, combination);
    // A message workflow has no later round (`laterRound: false`), so `decide` never asks it for one.
    case 'retry_later':
      return run.fail('attempts_exhausted', action.code);
    case 'fail':
      return run.fail(action.reason, action.code);
  }
}

function decideContext(
  run: Run,
  attempts: Attempts,
  combination: Combination,
  send: { outcomeUnknown: boolean },
): DecideContext {
  return {
    combination,
    outcomeUnknown: send.outcomeUnknown,
    sameAttemptRetriesLeft: attempts.resendsLeft(),
    backoffMs: attempts.backoffMs,
    laterRound: false,
    smartUtilityFallback: run.input.smartUtilityFallback,
  };
}
