import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MessagesRepo } from '../../db/repositories/messages';
import { classifyMetaError } from '../../meta/error-classification';
import type { StatusPayload } from '../../meta/webhook-schemas';
import { foldStatus, toAttemptStatus } from '../../domain/status';
import { statusSignal, type StatusUpdate } from '../../../workflows/definitions';
import { toFailureClass } from '../../../activities/send';

export type HandlerOutcome = { done: true; note?: string } | { done: false; retry: string };

const KNOWN = new Set(['sent', 'delivered', 'read', 'failed']);

/** A delivery status → the attempt's ledger row (monotonic) and the message workflow's `status` signal. */
export function createStatusHandler(deps: { messages: MessagesRepo; temporal: Client }) {
  return async function handleStatus(s: StatusPayload): Promise<HandlerOutcome> {
    if (!KNOWN.has(s.status)) return { done: true, note: `ignored status ${s.status}` };
    const route =
      (await deps.messages.findWamid(s.id)) ??
      (s.biz_opaque_callback_data ? await deps.messages.routeByAttempt(s.biz_opaque_callback_data, s.id) : undefined);
    // The status can overtake the send's response: keep the event and try again shortly.
    if (!route) return { done: false, retry: `unknown wamid ${s.id}` };
    // Meta accepted an attempt whose send response we never stored (e.g. a timeout): record its wamid now, so a
    // retried send activity finds it and does not send the attempt a second time.
    await deps.messages.attemptAccepted(route.attemptId, s.id, route.workflowId);

    const errors = (s.errors ?? []).map((e) => ({
      code: e.code,
      title: e.title,
      message: e.message,
      details: e.error_data?.details,
    }));
    const first = s.errors?.[0];
    const update: StatusUpdate = {
      wamid: s.id,
      attemptId: route.attemptId,
      status: s.status as StatusUpdate['status'],
      timestamp: new Date(Number(s.timestamp) * 1000).toISOString(),
      ...(errors.length ? { errors } : {}),
      ...(s.pricing ? { pricing: s.pricing } : {}),
      ...(s.status === 'failed' ? { failure: toFailureClass(classifyMetaError(first ?? { code: 131000 })) } : {}),
    };

    const attempt = await deps.messages.getAttempt(route.attemptId);
    // 'sending' and 'accepted' rows have no WhatsApp status yet: anything Meta reports moves them forward.
    const current = toAttemptStatus(attempt?.status ?? '');
    if (foldStatus(current === 'accepted' ? undefined : current, update.status).changed) {
      await deps.messages.attemptStatus(route.attemptId, update.status, {
        errorCode: first?.code,
        error: update.failure,
        pricing: s.pricing,
      });
    } else if (s.pricing) {
      await deps.messages.attemptStatus(route.attemptId, attempt!.status, { pricing: s.pricing });
    }

    // `sent` decides nothing in the workflow (the send's response already told it Meta accepted the message):
    // not signalling it saves a workflow task per message.
    if (update.status === 'sent') return { done: true };
    try {
      await deps.temporal.workflow.getHandle(route.workflowId).signal(statusSignal, update);
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    // A success the workflow no longer waits for (it ended, or is writing its final `sent`) still reaches the
    // read model; lateSuccess moves only a message that is still `sent` (or `delivered` → `read`).
    if (update.status === 'delivered' || update.status === 'read') {
      await deps.messages.lateSuccess(route.tenantId, route.messageId, route.attemptId, update.status);
    }
    return { done: true };
  };
}
