import { NOT_REGISTERED, UNHEALTHY_BEFORE_SEND, type FailureClass } from '../domain/failure';
import type { SendParameters } from '../domain/send-parameters';
import { buildTemplateMessage } from '../domain/template-payload';
import { classifyGraphError, toFailureClass } from '../meta/failure-class';
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
    }): Promise<{ wamid: string | null }>;
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
  usage: {
    recordSend(tenantId: string, portfolioId: string | undefined, phoneNumberId: string, waId: string): Promise<void>;
  };
  meta: {
    sendMessage(phoneNumberId: string, token: string, body: Record<string, unknown>): Promise<{ wamid: string }>;
  };
  breaker: {
    report(
      tenantId: string,
      c: { wabaId?: string | null; phoneNumberId: string; templateId?: string | null },
      failure: FailureClass,
    ): Promise<void>;
  };
  log: { warn(message: string, meta: Record<string, unknown>): void };
}

/**
 * How one send ended. `accepted`: Meta took it (or an earlier try of the same attempt had: `deduplicated`).
 * `refused`: Meta (or our own pre-send checks) refused it; `retryable` says whether resending the same attempt
 * can help, `failure` is what `decide` reads. Anything else (a database outage) is thrown.
 */
export type SendOutcome =
  | { outcome: 'accepted'; wamid: string; deduplicated: boolean }
  | { outcome: 'refused'; failure: FailureClass; message: string; retryable: boolean };

type Refused = Extract<SendOutcome, { outcome: 'refused' }>;

/** A resource the registry no longer has (or one that turned unhealthy): refused before Meta is called. */
function refusedBeforeSend(resource: BlamedResource, reason: string, message: string): Refused {
  return { outcome: 'refused', failure: { kind: 'resource', resource, reason }, message, retryable: false };
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
  const unhealthy = unhealthyPart(await deps.registry.get(request.tenantId), target, Date.now());
  if (unhealthy) {
    const message = `${unhealthy.resource} turned unhealthy before the send: ${unhealthy.reasons.map((r) => r.code).join(', ')}`;
    const refused = refusedBeforeSend(unhealthy.resource, UNHEALTHY_BEFORE_SEND, message);
    await deps.attempts.attemptFailed(request.attemptId, undefined, { ...refused.failure, reasons: unhealthy.reasons });
    return refused;
  }
  const built = await content();
  if ('refused' in built) return built.refused;
  const body = { to: request.recipient, biz_opaque_callback_data: request.attemptId, ...built.body };
  const token = await deps.tokens.tokenFor(request.tenantId, target.wabaId);
  if (token === undefined) return refusedBeforeSend('waba', NOT_REGISTERED, `WABA ${target.wabaId} is not registered`);
  // Session messages answer an open service window: they spend no messaging-limit capacity.
  await deps.usage.recordSend(
    request.tenantId,
    target.kind === 'session' ? undefined : target.portfolioId,
    target.phoneNumberId,
    request.recipient,
  );
  try {
    const sent = await deps.meta.sendMessage(target.phoneNumberId, token, body);
    await deps.attempts.attemptAccepted(request.attemptId, sent.wamid, request.workflowId);
    return { outcome: 'accepted', wamid: sent.wamid, deduplicated: false };
  } catch (err) {
    const cls = classifyGraphError(err);
    if (!cls) throw err;
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
    async () => ({ body: request.payload }),
  );
  return { ...sent, wabaId: phone.wabaId };
}

/** The token port over sealed tokens in the registry: what the worker uses. */
export function sealedTokens(
  registry: { wabaToken(tenantId: string, wabaId: string): Promise<string | undefined> },
  secrets: { open(sealed: string): string },
): SendDeps['tokens'] {
  return {
    async tokenFor(tenantId, wabaId) {
      const sealed = await registry.wabaToken(tenantId, wabaId);
      return sealed === undefined ? undefined : secrets.open(sealed);
    },
  };
}
