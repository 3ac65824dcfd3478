import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { SA } from '../src/domain/search-attributes';
import { foldStatus } from '../src/domain/status';
import {
  cancelSignal,
  stateQuery,
  statusSignal,
  type AttemptView,
  type Combination,
  type FailureClass,
  type MessageDeliveryInput,
  type MessageDeliveryResult,
  type MessageState,
  type MessageStatus,
  type StatusUpdate,
} from './definitions';

type Activities = ReturnType<typeof createActivities>;

// A duplicate WhatsApp message is visible to a person: few, short attempts; the workflow decides what comes next.
const send = proxyActivities<Activities>({
  // Above the Meta client's own 10 s timeout; it bounds how long a dead worker's send stays unknown.
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [
      'MetaResourceError',
      'MetaRecipientError',
      'MetaMarketingLimitError',
      'MetaRequestError',
      'MetaAuthError',
      'MetaThrottledError',
    ],
  },
});
// Registry reads and ledger writes: fast, local, generously retried.
const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/** The durable life of one message: consent, resolve, send, await status, fail over, deliver. */
export async function messageDelivery(input: MessageDeliveryInput): Promise<MessageDeliveryResult> {
  const state: MessageState = { status: 'accepted', attempts: [] };
  const statuses = new Map<string, StatusUpdate>();
  let cancelReason: string | undefined;

  setHandler(statusSignal, (update) => {
    const previous = statuses.get(update.wamid);
    const { next, changed } = foldStatus(previous?.status, update.status);
    if (!changed) return; // duplicate or older status: never move backwards
    statuses.set(update.wamid, { ...update, status: next as StatusUpdate['status'] });
    const attempt = state.attempts.find((a) => a.wamid === update.wamid);
    if (attempt) attempt.status = next as AttemptView['status'];
  });
  setHandler(cancelSignal, ({ reason }) => {
    cancelReason ??= reason;
  });
  setHandler(stateQuery, () => state);

  const ctx = { tenantId: input.tenantId, messageId: input.messageId };
  let step = 0;
  const setStatus = async (status: MessageStatus, event?: { type: string; data: Record<string, unknown> }) => {
    state.status = status;
    step += 1;
    upsertSearchAttributes([{ key: SA.status, value: status }]);
    await local.recordProgress({
      ...ctx,
      status,
      event: event && { ...event, key: `step-${step}` },
      deliveredVia: state.deliveredVia,
      failure: state.failure,
    });
  };
  const finish = async (status: MessageStatus, data: Record<string, unknown> = {}): Promise<MessageDeliveryResult> => {
    await setStatus(status, { type: status, data });
    return { status, deliveredVia: state.deliveredVia, failure: state.failure };
  };
  const fail = (reason: string, code?: number) => {
    state.failure = { reason, code };
    return finish('failed', state.failure);
  };

  const consent = await local.checkConsent({ tenantId: input.tenantId, recipient: input.recipient });
  if (!consent.allowed) return fail(consent.reason);

  const exclude = { wabaIds: [] as string[], phoneNumberIds: [] as string[], templateIds: [] as string[] };
  const deadline = workflowInfo().startTime.getTime() + input.timing.deadlineMs;
  let backoff = input.timing.noneBackoffMs;
  let transientRetries = 0;

  for (let seq = 1; seq <= input.maxAttempts;) {
    if (cancelReason) return finish('cancelled', { reason: cancelReason });
    const delivered = deliveredAttempt(state.attempts);
    if (delivered) return succeed(delivered);

    await setStatus('resolving');
    const resolved = await local.resolveCombination({ ...input, exclude, step: seq });
    if (resolved.outcome === 'none') {
      const wait = Math.min(backoff, input.timing.maxWaitMs);
      if (Date.now() + wait > deadline) return fail('no_healthy_combination');
      await condition(() => cancelReason !== undefined, wait);
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
    await setStatus('sending');
    const failure = await sendAttempt(attempt, combination);
    if (failure?.kind === 'transient' && transientRetries < input.maxAttempts) {
      // Outcome unknown (Meta may have accepted it): retry the *same* attempt id, which the activity deduplicates.
      transientRetries += 1;
      state.attempts.pop();
      seq -= 1;
      await condition(() => cancelReason !== undefined, failure.retryAfterMs ?? input.timing.noneBackoffMs);
      continue;
    }
    if (failure) {
      const next = await react(failure, combination);
      if (next) return next;
      continue;
    }

    await setStatus('sent', {
      type: 'sent',
      data: { attemptId: attempt.attemptId, wamid: attempt.wamid, combination },
    });
    const settled = await condition(
      () => cancelReason !== undefined || isFinal(attempt.status) || deliveredAttempt(state.attempts) !== undefined,
      input.timing.statusTimeoutMs,
    );
    const done = deliveredAttempt(state.attempts);
    if (done) return succeed(done);
    if (!settled) return finish('sent', { note: 'no delivery status before the status timeout' });
    if (attempt.status === 'failed') {
      const update = statuses.get(attempt.wamid!);
      const next = await react(
        update?.failure ?? { kind: 'transient', reason: 'failed without a reason' },
        combination,
      );
      if (next) return next;
    }
  }
  return fail('attempts_exhausted');

  async function succeed(attempt: AttemptView): Promise<MessageDeliveryResult> {
    const c = attempt.combination as Combination;
    state.deliveredVia = {
      wabaId: c.wabaId,
      phoneNumberId: c.phoneNumberId,
      templateId: c.templateId,
      kind: 'template',
    };
    await local.recordDelivered({
      tenantId: input.tenantId,
      recipient: input.recipient,
      phoneNumberId: c.phoneNumberId,
    });
    const status = statuses.get(attempt.wamid!)?.status === 'read' ? 'read' : 'delivered';
    return finish(status, { attemptId: attempt.attemptId, wamid: attempt.wamid });
  }

  /** Sends one attempt; returns the failure class when Meta refused it synchronously. */
  async function sendAttempt(attempt: AttemptView, combination: Combination): Promise<FailureClass | undefined> {
    try {
      const sent = await send.sendTemplate({
        ...ctx,
        workflowId: workflowInfo().workflowId,
        attemptId: attempt.attemptId,
        seq: state.attempts.length,
        combination,
        recipient: input.recipient,
        parameters: input.parameters,
      });
      attempt.wamid = sent.wamid;
      attempt.status = statuses.get(sent.wamid)?.status ?? 'accepted';
      return undefined;
    } catch (err) {
      attempt.status = 'failed';
      const cls = failureClassOf(err);
      attempt.errorCode = cls.code;
      return cls;
    }
  }

  /** Decides what a failure means for this message: fail over, back off, or end. */
  async function react(failure: FailureClass, c: Combination): Promise<MessageDeliveryResult | undefined> {
    const attempt = state.attempts[state.attempts.length - 1];
    if (attempt) await local.markAttemptFailed({ attemptId: attempt.attemptId, failure });
    await local.recordProgress({
      ...ctx,
      status: state.status,
      event: { type: 'attempt_failed', data: { combination: c, failure }, key: `failure-${state.attempts.length}` },
    });
    switch (failure.kind) {
      case 'resource':
      case 'auth': {
        const resource = failure.resource ?? 'waba';
        const id = resource === 'waba' ? c.wabaId : resource === 'phone' ? c.phoneNumberId : c.templateId;
        (resource === 'waba'
          ? exclude.wabaIds
          : resource === 'phone'
            ? exclude.phoneNumberIds
            : exclude.templateIds
        ).push(id);
        // A send that refused itself found the registry already knowing: there is no new fact to report.
        if (failure.reason !== 'unhealthy_before_send') {
          await local.reportResourceFault({ tenantId: input.tenantId, resource, id, failure });
        }
        return undefined;
      }
      case 'throttled':
        if (failure.scope === 'phone') {
          exclude.phoneNumberIds.push(c.phoneNumberId);
          await local.reportResourceFault({
            tenantId: input.tenantId,
            resource: 'phone',
            id: c.phoneNumberId,
            failure,
          });
        } else {
          await condition(() => cancelReason !== undefined, failure.retryAfterMs ?? 6000);
        }
        return undefined;
      case 'transient':
        await condition(() => cancelReason !== undefined, failure.retryAfterMs ?? backoff);
        return undefined;
      case 'recipient':
        return fail(failure.reason, failure.code);
      case 'marketing_limit':
        return fail('marketing_limit', failure.code);
      case 'request':
        return fail('request_rejected', failure.code);
    }
  }
}

function isFinal(status: AttemptView['status']): boolean {
  return status === 'delivered' || status === 'read' || status === 'failed';
}

function deliveredAttempt(attempts: AttemptView[]): AttemptView | undefined {
  return attempts.find((a) => a.status === 'delivered' || a.status === 'read');
}

function failureClassOf(err: unknown): FailureClass {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as FailureClass;
  return { kind: 'transient', reason: cause instanceof Error ? cause.message : 'unknown send failure' };
}
