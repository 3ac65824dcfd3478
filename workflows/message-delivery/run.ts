import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  patched,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SendResult } from '../../activities/send';
import { interpretConsent, messageOfConsentPayload } from '../../src/domain/consent';
import { failureKindOfType } from '../../src/domain/failure';
import type { FailureReason } from '../../src/domain/failure-reasons';
import type { StatusEvent, TimelineEventType } from '../../src/domain/timeline';
import { SA } from '../../src/domain/search-attributes';
import { foldStatus, isDelivered } from '../../src/domain/status';
import { local, sendActivities } from './activities';
import {
  cancelSignal,
  replySignal,
  stateQuery,
  statusSignal,
  type AttemptView,
  type FailureClass,
  type InboundReply,
  type MessageDeliveryInput,
  type MessageDeliveryResult,
  type MessageState,
  type MessageStatus,
  type StatusUpdate,
} from '../definitions';

export type Run = ReturnType<typeof startRun>;

/**
 * The state of one message and the handlers that feed it, registered before the first await (docs/temporal.md).
 * Signal handlers are tiny and idempotent: they fold, match and assign; no I/O.
 */
export function startRun(input: MessageDeliveryInput) {
  // Decided before the first command, once: a history recorded before revision 3 has no marker for it and replays
  // as it ran; a new workflow records this one marker instead of one per earlier patch (docs/temporal.md).
  const r3 = patched(PATH_R3_PATCH);
  /**
   * An earlier patch of this workflow: revision 3 implies every one of them (its histories carry no marker for
   * them, and its code takes every patched branch); before it, the patch's own marker decides.
   */
  const isPatched = (patchId: string): boolean => r3 || patched(patchId);
  const state: MessageState = { status: 'accepted', attempts: [] };
  const statuses = new Map<string, StatusUpdate>();
  let cancelReason: string | undefined;
  let step = 0;

  setHandler(statusSignal, (update) => {
    const previous = statuses.get(update.wamid);
    const { next, changed } = foldStatus(previous?.status, update.status);
    if (!changed) return; // duplicate or older status: never move backwards
    statuses.set(update.wamid, { ...update, status: next as StatusUpdate['status'] });
    // By wamid, or by our attempt id (biz_opaque_callback_data) for an attempt whose send response never came
    // back: its late delivery must be recognised, or a failover would send the content a second time.
    const attempt = state.attempts.find(
      (a) => a.wamid === update.wamid || (update.attemptId !== undefined && a.attemptId === update.attemptId),
    );
    if (attempt) {
      attempt.wamid ??= update.wamid;
      attempt.status = next as AttemptView['status'];
    }
  });
  setHandler(cancelSignal, ({ reason }) => {
    cancelReason ??= reason;
  });
  // A reply can arrive in the same activation as the prompt's send result, before the workflow has recorded the
  // prompt: keep it and judge it once the prompt is known, instead of dropping a customer's "Yes".
  const earlyReplies: InboundReply[] = [];
  function judgeReply(reply: InboundReply): void {
    const consent = state.consent;
    if (consent?.status !== 'asked') return;
    // Only a reply to *this* prompt counts: quoted (context.id), carrying this message's payload, or a typed answer
    // the webhook processor routed here because this is the contact's only pending prompt.
    const named = messageOfConsentPayload(reply.payload);
    const mine = named
      ? named === input.messageId
      : reply.contextWamid !== undefined
        ? reply.contextWamid === consent.wamid
        : reply.solePromptOf === input.messageId;
    if (!mine) return;
    const answer = interpretConsent(reply);
    if (!answer) {
      (state.otherReplies ??= []).push({ text: reply.text, at: reply.timestamp });
      return;
    }
    consent.status = answer === 'yes' ? 'granted' : 'declined';
    consent.answer = {
      text: reply.text,
      payload: reply.payload,
      phoneNumberId: reply.phoneNumberId,
      at: reply.timestamp,
    };
  }
  setHandler(replySignal, (reply: InboundReply) => {
    if (state.consent === undefined) earlyReplies.push(reply);
    else judgeReply(reply);
  });
  setHandler(stateQuery, () => state);

  const ctx = { tenantId: input.tenantId, messageId: input.messageId };

  async function setStatus(
    status: MessageStatus,
    event?: { type: TimelineEventType; data: Record<string, unknown> },
    sticky?: { recipient: string; phoneNumberId: string },
  ) {
    recorded(status);
    await local.recordProgress({
      ...ctx,
      status,
      event: event && { ...event, key: `step-${step}` },
      deliveredVia: state.deliveredVia,
      failure: state.failure,
      sticky,
    });
  }

  /** The workflow's side of a status change: its state, its step, its search attribute. */
  function recorded(status: MessageStatus) {
    state.status = status;
    step += 1;
    upsertSearchAttributes([{ key: SA.status, value: status }]);
  }

  /** A timeline event that changes no status. */
  async function note(type: TimelineEventType, data: Record<string, unknown>) {
    step += 1;
    await local.recordProgress({ ...ctx, status: state.status, event: { type, data, key: `step-${step}` } });
  }

  async function finish(
    status: StatusEvent,
    data: Record<string, unknown> = {},
    sticky?: { recipient: string; phoneNumberId: string },
  ): Promise<MessageDeliveryResult> {
    await setStatus(status, { type: status, data }, sticky);
    return { status, deliveredVia: state.deliveredVia, failure: state.failure };
  }

  return {
    input,
    /** Revision 3 of the path: three local activities on the delivered path instead of six (docs/temporal.md). */
    fewerLocalActivities: r3,
    patched: isPatched,
    /** The send activities, local or not as this run's revision says. */
    send: sendActivities(isPatched),
    state,
    statuses,
    ctx,
    cancelled: () => cancelReason,
    setStatus,
    /** The key the next status change's timeline event will carry (for an activity that records it itself). */
    nextStepKey: () => `step-${step + 1}`,
    /** A status change an activity already wrote with `nextStepKey()`. */
    recorded,
    finish,
    fail(reason: FailureReason, code?: number) {
      state.failure = { reason, code };
      return finish('failed', { ...state.failure });
    },
    note,
    /** A durable wait that a cancellation (a STOP, an operator) interrupts. */
    async sleep(ms: number): Promise<void> {
      await condition(() => cancelReason !== undefined, ms);
    },
    /** Waits for a condition, a cancellation, or the timeout; true if the condition held. */
    async waitUntil(fn: () => boolean, timeoutMs: number): Promise<boolean> {
      await condition(() => cancelReason !== undefined || fn(), timeoutMs);
      return fn();
    },
    /**
     * Runs one send activity for an attempt; returns the failure class when Meta refused it synchronously. An
     * unknown outcome is resolved here, before anything else happens to the message (docs/delivery-guarantees.md):
     * no resend until a status routed by the attempt id says Meta had it, or the bounded wait says it never did.
     */
    async sendAttempt(
      attempt: AttemptView,
      call: (resendAfter?: number) => Promise<SendResult>,
    ): Promise<FailureClass | undefined> {
      try {
        let sent = await call();
        for (let round = 1; sent.unknown; round++) {
          await note('outcome_unknown', { attemptId: attempt.attemptId, reason: sent.unknown.reason, round });
          const known = await condition(
            () => attempt.wamid !== undefined || cancelReason !== undefined,
            input.timing.unknownOutcomeWaitMs ?? DEFAULT_UNKNOWN_OUTCOME_WAIT_MS,
          );
          if (known && attempt.wamid !== undefined) {
            sent = { wamid: attempt.wamid };
            break;
          }
          if (cancelReason !== undefined || round >= MAX_UNKNOWN_ROUNDS) {
            return { kind: 'transient', reason: 'outcome_unknown' };
          }
          sent = await call(sent.unknown.requests); // no status at all: Meta never had it
        }
        attempt.wamid = sent.wamid!;
        attempt.status = statuses.get(sent.wamid)?.status ?? 'accepted';
        return undefined;
      } catch (err) {
        // A delivery reported by attempt id (the response was lost) wins over the error that lost it.
        if (!isDelivered(attempt.status)) attempt.status = 'failed';
        const cls = failureOf(err);
        attempt.errorCode = cls.code;
        return cls;
      }
    },
    workflowId: () => workflowInfo().workflowId,
    /** Records the consent prompt as asked, then judges any reply that arrived before it was recorded. */
    consentAsked(wamid: string | undefined, phoneNumberId: string) {
      state.consent = { status: 'asked', wamid, phoneNumberId };
      for (const reply of earlyReplies.splice(0)) judgeReply(reply);
    },
    /** Ends the message as delivered (or read) through this attempt, and makes its number the sticky sender. */
    async deliver(attempt: AttemptView): Promise<MessageDeliveryResult> {
      const c = attempt.combination as { wabaId?: string; phoneNumberId: string; templateId?: string };
      state.deliveredVia =
        attempt.kind === 'session'
          ? { wabaId: c.wabaId ?? null, phoneNumberId: c.phoneNumberId, templateId: null, kind: 'session' }
          : {
              wabaId: c.wabaId ?? null,
              phoneNumberId: c.phoneNumberId,
              templateId: c.templateId ?? null,
              kind: 'template',
            };
      const sticky = { recipient: input.recipient, phoneNumberId: c.phoneNumberId };
      if (!r3) await local.recordDelivered({ tenantId: input.tenantId, ...sticky });
      const status = statuses.get(attempt.wamid!)?.status === 'read' ? 'read' : 'delivered'; // read implies delivered
      const data = { attemptId: attempt.attemptId, wamid: attempt.wamid, kind: attempt.kind };
      return finish(status, data, r3 ? sticky : undefined); // from r3 the final record writes the sticky sender
    },
  };
}

/**
 * Revision 3 of the path (docs/temporal.md, "Path revisions"): consent with the first resolution (`admit`), the
 * `sent` record with the send, the sticky sender with the final record — one patch for the three.
 */
const PATH_R3_PATCH = 'path-r3-fewer-local-activities';

/** Statuses normally follow an accepted send within seconds; two minutes of silence means Meta never had it. */
const DEFAULT_UNKNOWN_OUTCOME_WAIT_MS = 120_000;
/** Unknown outcomes in a row before the attempt is given up as a transient failure. */
const MAX_UNKNOWN_ROUNDS = 3;

/** The attempt that reached the customer with the message's content (a consent prompt is not the content). */
export function deliveredAttempt(attempts: AttemptView[]): AttemptView | undefined {
  return attempts.find((a) => a.kind !== 'consent' && isDelivered(a.status));
}

/**
 * The failure class an activity carried to the workflow. Classification happened once, in the activity
 * (src/meta); what arrives without one (a timeout, a crash) is treated as transient: the outcome is unknown.
 */
function failureOf(err: unknown): FailureClass {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure && cause.details?.[0]) return cause.details[0] as FailureClass;
  const kind = cause instanceof ApplicationFailure ? failureKindOfType(cause.type) : undefined;
  return { kind: kind ?? 'transient', reason: cause instanceof Error ? cause.message : 'unknown send failure' };
}
