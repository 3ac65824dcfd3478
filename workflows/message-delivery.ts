import { workflowInfo } from '@temporalio/workflow';
import { smartUtilityFallback } from './lib/smart-utility-fallback';
import { deliveredAttempt, isFinal, local, send, startRun, type Run } from './lib/run';
import type {
  AttemptView,
  Combination,
  FailureClass,
  MessageDeliveryInput,
  MessageDeliveryResult,
} from './definitions';

/** The durable life of one message: consent, resolve, send, await status, fail over, deliver (or recover via SUF). */
export async function messageDelivery(input: MessageDeliveryInput): Promise<MessageDeliveryResult> {
  const run = startRun(input);
  const { state, statuses } = run;

  const consent = await local.checkConsent({ tenantId: input.tenantId, recipient: input.recipient });
  if (!consent.allowed) return run.fail(consent.reason);

  const exclude = { wabaIds: [] as string[], phoneNumberIds: [] as string[], templateIds: [] as string[] };
  const deadline = workflowInfo().startTime.getTime() + input.timing.deadlineMs;
  let backoff = input.timing.noneBackoffMs;
  let transientRetries = 0;
  let resolutions = 0;

  for (let seq = 1; seq <= input.maxAttempts;) {
    if (run.cancelled()) return run.finish('cancelled', { reason: run.cancelled() });
    const delivered = deliveredAttempt(state.attempts);
    if (delivered) return run.deliver(delivered);

    resolutions += 1;
    const resolved = await local.resolveCombination({ ...input, exclude, step: resolutions });
    if (resolved.outcome === 'none') {
      // Only a wait is worth a status of its own: resolving itself takes milliseconds.
      if (state.status !== 'resolving') await run.setStatus('resolving');
      const wait = Math.min(backoff, input.timing.maxWaitMs);
      if (Date.now() + wait > deadline) return run.fail('no_healthy_combination');
      await run.waitUntil(() => false, wait);
      backoff *= 2;
      continue;
    }
    backoff = input.timing.noneBackoffMs;

    const combination = resolved.combination;
    const attempt: AttemptView = {
      attemptId: `${input.messageId}:${seq}`,
      kind: 'template',
      combination,
      status: 'sending',
    };
    state.attempts.push(attempt);
    seq += 1;
    state.status = 'sending'; // visible to the live query; the ledger shows the attempt row itself
    const sendIt = () =>
      send.sendTemplate({
        ...run.ctx,
        workflowId: run.workflowId(),
        attemptId: attempt.attemptId,
        seq: state.attempts.length,
        combination,
        recipient: input.recipient,
        parameters: input.parameters,
      });
    let failure = await run.sendAttempt(attempt, sendIt);
    // Outcome unknown (Meta may have accepted it): retry the *same* attempt — same id, same combination — which
    // the activity deduplicates; its pre-send health check still turns it away from a resource gone bad.
    while (failure?.kind === 'transient' && transientRetries < input.maxAttempts) {
      transientRetries += 1;
      await run.waitUntil(() => deliveredAttempt(state.attempts) !== undefined, failure.retryAfterMs ?? backoff);
      if (run.cancelled() || deliveredAttempt(state.attempts)) break;
      attempt.status = 'sending';
      failure = await run.sendAttempt(attempt, sendIt);
    }
    if (run.cancelled() || deliveredAttempt(state.attempts)) continue;
    if (failure) {
      const next = await react(run, failure, combination);
      if (next) return next;
      continue;
    }

    await run.setStatus('sent', {
      type: 'sent',
      data: { attemptId: attempt.attemptId, wamid: attempt.wamid, combination },
    });
    const settled = await run.waitUntil(
      () => isFinal(attempt.status) || deliveredAttempt(state.attempts) !== undefined,
      input.timing.statusTimeoutMs,
    );
    const done = deliveredAttempt(state.attempts);
    if (done) return run.deliver(done);
    if (run.cancelled()) continue;
    if (!settled) return run.finish('sent', { note: 'no delivery status before the status timeout' });
    const update = statuses.get(attempt.wamid!);
    const next = await react(
      run,
      update?.failure ?? { kind: 'transient', reason: 'failed without a reason' },
      combination,
    );
    if (next) return next;
  }
  return run.fail('attempts_exhausted');

  /** Decides what a failure means for this message: fail over, back off, recover, or end. */
  async function react(run: Run, failure: FailureClass, c: Combination): Promise<MessageDeliveryResult | undefined> {
    const attempt = state.attempts[state.attempts.length - 1];
    if (attempt) await local.markAttemptFailed({ attemptId: attempt.attemptId, failure });
    await run.note('attempt_failed', { combination: c, failure });
    switch (failure.kind) {
      // The activity or the webhook processor that saw the error already broke the circuit for every message;
      // this message only stops trying the resource.
      case 'resource':
      case 'auth': {
        const resource = failure.resource ?? 'waba';
        if (resource === 'waba') exclude.wabaIds.push(c.wabaId);
        else if (resource === 'phone') exclude.phoneNumberIds.push(c.phoneNumberId);
        else exclude.templateIds.push(c.templateId);
        return undefined;
      }
      case 'throttled':
        if (failure.scope === 'phone') exclude.phoneNumberIds.push(c.phoneNumberId);
        else await run.waitUntil(() => false, failure.retryAfterMs ?? 6000);
        return undefined;
      case 'transient':
        await run.waitUntil(() => false, failure.retryAfterMs ?? backoff);
        return undefined;
      case 'recipient':
        return run.fail(failure.reason, failure.code);
      case 'marketing_limit': {
        // Meta decides 131049 per recipient across all businesses: no other WABA or number helps.
        const suf = input.smartUtilityFallback;
        if (suf?.enabled && failure.code !== undefined && suf.recoverableCodes.includes(failure.code)) {
          return smartUtilityFallback(run, failure, c);
        }
        return run.fail('marketing_limit', failure.code);
      }
      case 'request':
        return run.fail('request_rejected', failure.code);
    }
  }
}
