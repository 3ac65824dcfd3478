import { NOT_REGISTERED, UNHEALTHY_BEFORE_SEND, type FailureClass } from '../domain/failure';
import { secretContext } from '../secrets';
import { MetaApiError } from '../meta/api-error';
import { checkConsent, type ConsentDeps } from './consent';
import type { SendParameters } from '../domain/send-parameters';
import { buildTemplateMessage } from '../domain/template-payload';
import { classifyGraphError, toFailureClass } from '../meta/failure-class';
import type { CapacityPort } from './capacity-port';
import { capacityFailure, capacityRequest } from './capacity';
import { unhealthyPart, type RegistryView, type SendTarget } from './health-gate';
import type { AttemptKind, BlamedResource, Combination } from './types';

/** Who an attempt belongs to. `attemptId` is the idempotency key of the whole send step (see `attemptId()`). */
export interface AttemptRequest {
  tenantId: string;
  messageId: string;
  /** Where status webhooks for this attempt are routed (the message's workflow, or the campaign's). */
  workflowId: string;
  attemptId: string;
  /** The attempt's position among its message's attempts (1-based). */
  seq: number;
  recipient: string;
  /**
   * Set by a driver that resolved an unknown outcome as "Meta never had it" (no status for the attempt within its
   * bounded wait): the attempt's request count it saw. The send goes ahead only if no try has requested since.
   */
  resendAfter?: number;
}

export interface AttemptTarget extends SendTarget {
  kind: AttemptKind;
  portfolioId?: string;
  templateName?: string;
}

/** The ports the send step writes and reads through. A batch driver may buffer the ledger writes per batch. */
export interface SendDeps {
  attempts: {
    /** Writes the attempt row unless it exists; returns the wamid an earlier try of this attempt already got. */
    beginAttempt(a: {
      id: string;
      tenantId: string;
      messageId: string;
      seq: number;
      kind: AttemptKind;
      wabaId?: string;
      phoneNumberId: string;
      templateId?: string;
      templateName?: string;
    }): Promise<{ wamid: string | null; requests?: number }>;
    /**
     * Counts one more request handed to Meta, unless another try counted one since `seen`; returns the new count
     * (undefined: another try got there first).
     */
    markRequested(attemptId: string, seen: number): Promise<number | undefined>;
    attemptAccepted(attemptId: string, wamid: string, workflowId: string): Promise<void>;
    attemptFailed(attemptId: string, errorCode: number | undefined, error: Record<string, unknown>): Promise<void>;
  };
  /** The tenant's registry, version-checked: the pre-send health gate reads it right before every send. */
  registry: { get(tenantId: string): Promise<RegistryView> };
  templates: {
    template(
      tenantId: string,
      id: string,
    ): Promise<{ name: string; language: string; components: unknown[] } | undefined>;
  };
  /** The WABA's access token, opened; undefined when the WABA is not registered. */
  tokens: { tokenFor(tenantId: string, wabaId: string): Promise<string | undefined> };
  /** Throughput, pair-rate and messaging-limit reservations shared by every worker (docs/capacity.md). */
  capacity: CapacityPort;
  meta: {
    sendMessage(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<{ wamid: string }>;
  };
  /** Consent, re-checked right before every send: an opt-out recorded while the message waited binds at once. */
  consent: ConsentDeps;
  breaker: {
    report(
      tenantId: string,
      c: { wabaId?: string | null; phoneNumberId: string; templateId?: string | null },
      failure: FailureClass,
    ): Promise<void>;
    /** A send Meta accepted (the error-rate window's successes). */
    recordSuccess(
      tenantId: string,
      c: { wabaId?: string | null; phoneNumberId: string; templateId?: string | null },
    ): void;
  };
  log: { warn(message: string, meta: Record<string, unknown>): void };
  /**
   * The 24 h customer service windows (docs/conversations.md): a session send from a number whose window with the
   * customer is closed is refused before Meta (which would answer 131047). Every driver that sends session
   * messages provides it.
   */
  windows?: { isOpen(tenantId: string, waId: string, phoneNumberId: string): Promise<boolean> };
}

/**
 * How one send ended. `accepted`: Meta took it (or an earlier try of the same attempt had: `deduplicated`).
 * `refused`: Meta (or our own pre-send checks) refused it; `retryable` says whether resending the same attempt
 * can help, `failure` is what `decide` reads. Anything else (a database outage) is thrown.
 */
export type SendOutcome =
  | { outcome: 'accepted'; wamid: string; deduplicated: boolean }
  | { outcome: 'refused'; failure: FailureClass; message: string; retryable: boolean }
  | UnknownOutcome;

/**
 * Meta may have accepted the attempt, but nobody knows (a timeout or a reset after the request went out, or an
 * earlier try of the same attempt that never recorded its answer, e.g. a worker killed mid-send). The driver must
 * not send it again until its fate is known: a status webhook routed by the attempt id, or a bounded wait after
 * which it resends with `resendAfter: requests` (docs/delivery-guarantees.md).
 */
export interface UnknownOutcome {
  outcome: 'unknown';
  /** How many requests for this attempt were handed to Meta so far. */
  requests: number;
  message: string;
}

const unknown = (requests: number, message: string): UnknownOutcome => ({ outcome: 'unknown', requests, message });

type Refused = Extract<SendOutcome, { outcome: 'refused' }>;

/** A resource the registry no longer has (or one that turned unhealthy): refused before Meta is called. */
function refusedBeforeSend(resource: BlamedResource, reason: string, message: string): Refused {
  return { outcome: 'refused', failure: { kind: 'resource', resource, reason }, message, retryable: false };
}

/** The pre-send health gate: a refusal (recorded on the attempt) when any part of the target turned unhealthy. */
async function healthGate(
  deps: SendDeps,
  request: AttemptRequest,
  target: AttemptTarget,
  view: RegistryView,
): Promise<Refused | undefined> {
  const unhealthy = unhealthyPart(view, target, Date.now());
  if (!unhealthy) return undefined;
  const message = `${unhealthy.resource} turned unhealthy before the send: ${unhealthy.reasons.map((r) => r.code).join(', ')}`;
  const refused = refusedBeforeSend(unhealthy.resource, UNHEALTHY_BEFORE_SEND, message);
  await deps.attempts.attemptFailed(request.attemptId, undefined, { ...refused.failure, reasons: unhealthy.reasons });
  return refused;
}

/**
 * The one send step, for every driver. The attempt row is written before Meta is called and the attempt id
 * travels as `biz_opaque_callback_data`, so a retry that finds a wamid (stored from the response, or from a status
 * webhook that overtook it) returns it instead of sending again. The health gate runs right before the send. An
 * error Meta attributes to a resource breaks its circuit here, where it is seen, so concurrent messages avoid the
 * resource at once.
 */
export async function sendAttempt(
  deps: SendDeps,
  request: AttemptRequest,
  target: AttemptTarget,
  content: () => Promise<{ body: Record<string, unknown> } | { refused: SendOutcome }>,
): Promise<SendOutcome> {
  const attempt = await deps.attempts.beginAttempt({
    id: request.attemptId,
    tenantId: request.tenantId,
    messageId: request.messageId,
    seq: request.seq,
    kind: target.kind,
    wabaId: target.wabaId,
    phoneNumberId: target.phoneNumberId,
    templateId: target.templateId,
    templateName: target.templateName,
  });
  if (attempt.wamid) return { outcome: 'accepted', wamid: attempt.wamid, deduplicated: true };
  const requested = attempt.requests ?? 0;
  if (requested > (request.resendAfter ?? 0)) {
    return unknown(requested, 'an earlier try of this attempt was handed to Meta and its outcome is not known');
  }
  const view = await deps.registry.get(request.tenantId);
  const unhealthy = await healthGate(deps, request, target, view);
  if (unhealthy) return unhealthy;
  // An opt-out binds every send; a session message (inside the customer's window) needs no opt-in.
  const consent = await checkConsent(deps.consent, request, { session: target.kind === 'session' });
  if (!consent.allowed) {
    const failure: FailureClass = { kind: 'recipient', reason: consent.reason };
    await deps.attempts.attemptFailed(request.attemptId, undefined, { ...failure });
    return {
      outcome: 'refused',
      failure,
      message: `consent withdrawn before the send: ${consent.reason}`,
      retryable: false,
    };
  }
  const built = await content();
  if ('refused' in built) return built.refused;
  const body = { to: request.recipient, biz_opaque_callback_data: request.attemptId, ...built.body };
  const token = await deps.tokens.tokenFor(request.tenantId, target.wabaId);
  if (token === undefined) return refusedBeforeSend('waba', NOT_REGISTERED, `WABA ${target.wabaId} is not registered`);
  // Reserved (and waited for) right before the send; a refusal never reaches Meta.
  const reserved = await deps.capacity.reserve(capacityRequest(view, request, target));
  if (!reserved.ok) {
    const failure = capacityFailure(reserved);
    await deps.attempts.attemptFailed(request.attemptId, undefined, { ...failure });
    return { outcome: 'refused', failure, message: `capacity reserved: ${failure.reason}`, retryable: false };
  }
  // The reservation may have waited for a throughput slot: a ban that landed meanwhile must still stop this send,
  // so the gate runs again, on the registry as it is now (the cache answers from memory unless its version moved).
  const late = await healthGate(deps, request, target, await deps.registry.get(request.tenantId));
  if (late) {
    await deps.capacity.release(reserved.reservation, { left: false });
    return late;
  }
  const requests = await deps.attempts.markRequested(request.attemptId, requested);
  if (requests === undefined) {
    // Another try holds this attempt and its own reservation: this one never leaves.
    await deps.capacity.release(reserved.reservation, { left: false });
    return unknown(requested + 1, 'another try of this attempt is sending it');
  }
  let sent: { wamid: string };
  try {
    sent = await deps.meta.sendMessage(target.phoneNumberId, token, body);
    deps.breaker.recordSuccess(request.tenantId, target);
  } catch (err) {
    if (err instanceof MetaApiError && err.httpStatus === undefined && err.mayHaveReachedMeta !== false) {
      return unknown(requests, `no answer from Meta: ${err.message}`);
    }
    const cls = classifyGraphError(err);
    if (!cls) throw err;
    // Meta answered, so nothing was sent: give the reservation back. A timeout's outcome is unknown: keep it.
    if (err instanceof MetaApiError && err.httpStatus !== undefined) {
      await deps.capacity.release(reserved.reservation, { left: true });
    }
    const failure = toFailureClass(cls);
    // Best effort: the driver still excludes the resource for this message if the report fails.
    await deps.breaker.report(request.tenantId, target, failure).catch((e: unknown) => {
      deps.log.warn('circuit breaker report failed', { error: (e as Error).message });
    });
    return {
      outcome: 'refused',
      failure,
      message: `${cls.reason}${cls.code ? ` (${cls.code})` : ''}: ${cls.message}`,
      retryable: cls.retryable,
    };
  }
  try {
    await deps.attempts.attemptAccepted(request.attemptId, sent.wamid, request.workflowId);
  } catch (err) {
    // Meta has the message: failing here would make the driver send it again. The wamid still reaches the driver,
    // and the first status webhook, routed by the attempt id, records it.
    deps.log.warn('recording an accepted attempt failed', {
      attemptId: request.attemptId,
      error: (err as Error).message,
    });
  }
  return { outcome: 'accepted', wamid: sent.wamid, deduplicated: false };
}

/** Sends one template attempt: the message itself, or a Smart Utility Fallback consent prompt. */
export function sendTemplate(
  deps: SendDeps,
  request: AttemptRequest & { combination: Combination; parameters?: SendParameters; kind?: 'template' | 'consent' },
): Promise<SendOutcome> {
  const c = request.combination;
  return sendAttempt(deps, request, { ...c, kind: request.kind ?? 'template' }, async () => {
    const template = await deps.templates.template(request.tenantId, c.templateId);
    if (!template)
      return { refused: refusedBeforeSend('template', NOT_REGISTERED, `template ${c.templateId} is gone`) };
    return { body: buildTemplateMessage(template, request.parameters) };
  });
}

/** Sends one free-form session message from a number (inside the service window the customer's reply opened). */
export async function sendSession(
  deps: SendDeps,
  request: AttemptRequest & { phoneNumberId: string; payload: Record<string, unknown> },
): Promise<SendOutcome & { wabaId?: string }> {
  const { index } = await deps.registry.get(request.tenantId);
  const phone = index.phones.get(request.phoneNumberId)?.phone;
  if (!phone)
    return refusedBeforeSend('phone', NOT_REGISTERED, `phone number ${request.phoneNumberId} is not registered`);
  const sent = await sendAttempt(
    deps,
    request,
    { kind: 'session', wabaId: phone.wabaId, phoneNumberId: phone.id },
    async () => {
      if (!deps.windows || (await deps.windows.isOpen(request.tenantId, request.recipient, phone.id))) {
        return { body: request.payload };
      }
      const failure: FailureClass = { kind: 'recipient', reason: 'outside_service_window' };
      await deps.attempts.attemptFailed(request.attemptId, undefined, { ...failure });
      const message = `the service window of number ${phone.id} with this customer is closed: a template is needed`;
      return { refused: { outcome: 'refused', failure, message, retryable: false } };
    },
  );
  return { ...sent, wabaId: phone.wabaId };
}

/** The token port over sealed tokens in the registry: what the worker uses. */
export function sealedTokens(
  registry: { wabaToken(tenantId: string, wabaId: string): Promise<string | undefined> },
  secrets: { open(sealed: string, context: string): string },
): SendDeps['tokens'] {
  return {
    async tokenFor(tenantId, wabaId) {
      const sealed = await registry.wabaToken(tenantId, wabaId);
      return sealed === undefined ? undefined : secrets.open(sealed, secretContext.wabaToken(tenantId, wabaId));
    },
  };
}
