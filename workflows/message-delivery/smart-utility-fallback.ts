import { sleep } from '@temporalio/workflow';
import { attemptId, consentResolutionStep } from '../../src/delivery/attempt-ids';
import { isDelivered, isFinalAttemptStatus, noExclusions } from '../../src/delivery/types';
import { consentPayloads } from '../../src/domain/consent';
import type { AttemptView, Combination, FailureClass, MessageDeliveryResult } from '../definitions';
import { local } from './activities';
import { deliveredAttempt, type Run } from './run';

/** A consent prompt refused by our own capacity limits is asked again this many times (docs/smart-utility-fallback.md). */
const PROMPT_THROTTLE_RETRIES = 3;
const PROMPT_THROTTLE_PATCH = 'suf-prompt-throttle-retry';
/** The same for a session message: the customer's answer and the prompts before it spent the pair's burst. */
const SESSION_THROTTLE_PATCH = 'suf-session-throttle-retry';
/** Meta's pair rate: about one message every 6 s from a number to one person. */
const PAIR_RETRY_FALLBACK_MS = 6_000;

/**
 * Smart Utility Fallback (docs/smart-utility-fallback.md): a marketing template Meta will not deliver to this person (131049) is
 * recovered by a UTILITY consent prompt, a durable wait for the customer's answer, and the original content as
 * session message(s) inside the service window the answer opened.
 */
export async function smartUtilityFallback(
  run: Run,
  failure: FailureClass,
  failed: Combination,
): Promise<MessageDeliveryResult> {
  const { input, state, ctx } = run;
  const suf = input.smartUtilityFallback!;
  if (!suf.consentTemplate) return run.fail('no_consent_template_configured', failure.code);

  // Build the session content first: asking permission for content that cannot be delivered would waste a prompt.
  const plan = await local.prepareFallback({
    tenantId: input.tenantId,
    recipient: input.recipient,
    campaignId: input.campaignId,
    templateId: failed.templateId,
    parameters: input.parameters,
  });
  if (!plan.allowed) return run.fail(plan.reason, failure.code);
  if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
  await run.note('fallback_started', {
    trigger: failure.code,
    scenario: plan.scenario,
    messages: plan.messages.length,
  });

  // 1. The consent prompt: the UTILITY template group, preferring the number that just failed.
  const resolved = await local.resolveCombination({
    ...ctx,
    recipient: input.recipient,
    templateKey: suf.consentTemplate,
    language: input.language,
    prefer: { phoneNumberId: failed.phoneNumberId },
    exclude: noExclusions(),
    category: 'UTILITY',
    step: consentResolutionStep(state.attempts.length),
  });
  // A consent template Meta re-categorised as MARKETING no longer resolves under category UTILITY.
  if (resolved.outcome === 'none') return run.fail('no_utility_consent_template', failure.code);
  const payloads = consentPayloads(input.messageId);
  const sendPrompt = async (): Promise<{ prompt: AttemptView; failure?: FailureClass }> => {
    const prompt: AttemptView = {
      attemptId: attemptId(input.messageId, 'consent', state.attempts.length + 1),
      kind: 'consent',
      combination: resolved.combination,
      status: 'sending',
    };
    state.attempts.push(prompt);
    const failure = await run.sendAttempt(prompt, (resendAfter) =>
      run.send.sendTemplate({
        resendAfter,
        ...ctx,
        workflowId: run.workflowId(),
        attemptId: prompt.attemptId,
        seq: state.attempts.length,
        combination: resolved.combination,
        recipient: input.recipient,
        kind: 'consent',
        parameters: {
          ...suf.consentParameters,
          buttons: [
            { index: 0, payload: payloads.yes },
            { index: 1, payload: payloads.no },
          ],
        },
      }),
    );
    return { prompt, failure };
  };
  let { prompt, failure: promptFailure } = await sendPrompt();
  // Our own capacity reservation (the 6 s pair rate above all: the failed template and an earlier prompt went to the
  // same person from the same number) refuses before Meta is called: wait the time it names and ask again, as a new
  // attempt, instead of giving the fallback up. Behind patched(): histories that failed here replay unchanged.
  for (
    let round = 1;
    promptFailure?.kind === 'throttled' && round <= PROMPT_THROTTLE_RETRIES && run.patched(PROMPT_THROTTLE_PATCH);
    round++
  ) {
    await run.sleep(promptFailure.retryAfterMs ?? PAIR_RETRY_FALLBACK_MS);
    if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
    ({ prompt, failure: promptFailure } = await sendPrompt());
  }
  if (promptFailure) return run.fail('consent_prompt_failed', promptFailure.code);
  run.consentAsked(prompt.wamid, resolved.combination.phoneNumberId);
  const consentLedger = { ...ctx, recipient: input.recipient, campaignId: input.campaignId };
  await local.recordConsent({ ...consentLedger, attemptId: prompt.attemptId, outcome: 'asked' });
  await run.setStatus('awaiting_consent', {
    type: 'consent_asked',
    data: { wamid: prompt.wamid, combination: resolved.combination },
  });

  // 2. The durable wait: an answer to *this* prompt, a cancellation (STOP), the timeout, or the original template
  //    turning out delivered after all (a late delivery must not be followed by a second copy).
  const consent = state.consent!;
  const answered = await run.waitUntil(
    () => consent.status !== 'asked' || prompt.status === 'failed' || deliveredAttempt(state.attempts) !== undefined,
    suf.waitForMs,
  );
  const late = deliveredAttempt(state.attempts);
  if (late) {
    await local.recordConsent({ ...consentLedger, outcome: 'cancelled' });
    return run.deliver(late);
  }
  if (run.cancelled() && consent.status === 'asked') {
    await local.recordConsent({ ...consentLedger, outcome: 'cancelled' });
    return run.finish('cancelled', { reason: run.cancelled() });
  }
  if (prompt.status === 'failed' && consent.status === 'asked') {
    // Meta accepted the prompt but could not deliver it: nobody will answer.
    await local.recordConsent({ ...consentLedger, outcome: 'cancelled' });
    return run.fail('consent_prompt_failed', statusCodeOf(run, prompt));
  }
  if (!answered) {
    consent.status = 'expired';
    await local.recordConsent({ ...consentLedger, outcome: 'expired' });
    return run.finish('expired', { waitedMs: suf.waitForMs });
  }
  if (consent.status === 'declined') {
    await local.recordConsent({ ...consentLedger, outcome: 'declined' });
    return run.finish('declined', { answer: consent.answer });
  }

  // 3. Session delivery from the number the customer answered (the service window is per number and customer).
  await local.recordConsent({ ...consentLedger, outcome: 'granted' });
  await run.setStatus('sending', { type: 'consent_granted', data: { answer: consent.answer } });
  const phoneNumberId = consent.answer!.phoneNumberId;
  let last: AttemptView | undefined;
  // Session attempts are numbered in the order they are made: a refused send asked again is a new attempt.
  let sessionSeq = 0;
  const sendSession = async (payload: (typeof plan.messages)[number]) => {
    const attempt: AttemptView = {
      attemptId: attemptId(input.messageId, 'session', ++sessionSeq),
      kind: 'session',
      combination: { phoneNumberId },
      status: 'sending',
    };
    state.attempts.push(attempt);
    const failure = await run.sendAttempt(attempt, async (resendAfter) => {
      const sent = await run.send.sendSession({
        resendAfter,
        ...ctx,
        workflowId: run.workflowId(),
        attemptId: attempt.attemptId,
        seq: state.attempts.length,
        recipient: input.recipient,
        phoneNumberId,
        payload,
      });
      attempt.combination = { phoneNumberId, wabaId: sent.wabaId };
      return sent;
    });
    return { attempt, failure };
  };
  for (const [i, payload] of plan.messages.entries()) {
    if (i > 0) await sleep(plan.minSpacingMs); // the pair rate: about one message per 6 s to one person
    // A STOP between the answer and a session message binds at once (opt-out is honoured immediately).
    if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled(), sessionMessagesSent: i });
    let { attempt, failure: sessionFailure } = await sendSession(payload);
    // Refused by our own pair rate before Meta was called (the template, its retries and the prompts went to the same
    // person from the same number): wait the time the limiter named and send again, as for the prompt. Patched:
    // histories that failed here replay unchanged.
    for (
      let round = 1;
      sessionFailure?.kind === 'throttled' && round <= PROMPT_THROTTLE_RETRIES && run.patched(SESSION_THROTTLE_PATCH);
      round++
    ) {
      await run.sleep(sessionFailure.retryAfterMs ?? PAIR_RETRY_FALLBACK_MS);
      if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled(), sessionMessagesSent: i });
      ({ attempt, failure: sessionFailure } = await sendSession(payload));
    }
    // The window the answer opened can close before a delayed send (refused before Meta, or Meta's 131047).
    if (sessionFailure?.reason === 'outside_service_window')
      return run.fail(sessionFailure.reason, sessionFailure.code);
    if (sessionFailure) return run.fail('session_send_failed', sessionFailure.code);
    last = attempt;
  }
  await run.setStatus('sent', {
    type: 'session_sent',
    data: { scenario: plan.scenario, messages: plan.messages.length },
  });
  const settled = await run.waitUntil(() => isFinalAttemptStatus(last!.status), input.timing.statusTimeoutMs);
  if (isDelivered(last!.status)) return run.deliver(last!);
  if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
  if (!settled) return run.finish('sent', { note: 'no delivery status for the session message before the timeout' });
  return run.fail('session_failed', last!.errorCode);
}

/** The error code Meta gave an attempt's asynchronous failure, if any. */
function statusCodeOf(run: Run, attempt: AttemptView): number | undefined {
  return run.statuses.get(attempt.wamid ?? '')?.failure?.code ?? attempt.errorCode;
}
