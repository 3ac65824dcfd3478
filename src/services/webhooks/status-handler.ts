import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MessagesRepo } from '../../db/repositories/messages';
import { classifyStatusFailure } from '../../meta/failure-class';
import type { StatusPayload } from '../../meta/webhook-schemas';
import { ATTEMPT_STATUS_ORDER } from '../../domain/status';
import { blamedResource, type CircuitBreaker } from '../circuit-breaker';
import { statusSignal, type StatusUpdate } from '../../../workflows/definitions';

export type HandlerOutcome = { done: true; note?: string } | { done: false; retry: string };

const KNOWN = new Set(['sent', 'delivered', 'read', 'failed']);

/** A delivery status → the attempt's ledger row (monotonic) and the message workflow's `status` signal. */
export function createStatusHandler(deps: { messages: MessagesRepo; temporal: Client; breaker: CircuitBreaker }) {
  return async function handleStatus(s: StatusPayload): Promise<HandlerOutcome> {
    if (!KNOWN.has(s.status)) return { done: true, note: `ignored status ${s.status}` };
    const known = await deps.messages.findWamid(s.id);
    const route =
      known ??
      (s.biz_opaque_callback_data ? await deps.messages.routeByAttempt(s.biz_opaque_callback_data, s.id) : undefined);
    // The status can overtake the send's response: keep the event and try again shortly.
    if (!route) return { done: false, retry: `unknown wamid ${s.id}` };
    // Routed by our attempt id: Meta accepted an attempt whose send response we never stored (e.g. a timeout).
    // Record its wamid now, so a retried send activity finds it and does not send the attempt a second time.
    if (!known) await deps.messages.attemptAccepted(route.attemptId, s.id, route.workflowId);

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
      ...(s.status === 'failed' ? { failure: classifyStatusFailure(first) } : {}),
    };

    await deps.messages.foldAttemptStatus(route.attemptId, update.status, ATTEMPT_STATUS_ORDER, {
      errorCode: first?.code,
      error: update.failure,
      pricing: s.pricing,
    });
    // An asynchronous failure Meta attributes to a resource breaks the circuit here, for every message at once.
    if (update.failure && blamedResource(update.failure)) {
      const attempt = await deps.messages.getAttempt(route.attemptId);
      if (attempt) await deps.breaker.report(route.tenantId, attempt, update.failure);
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
