import { ApplicationFailure, Context } from '@temporalio/activity';
import type { MessagesRepo } from '../src/db/repositories/messages';
import type { RegistryRepo } from '../src/db/repositories/registry';
import type { SendParameters } from '../src/domain/send-parameters';
import { buildTemplateMessage } from '../src/domain/template-payload';
import { MetaApiError, type MetaClient } from '../src/meta/client';
import { classifyMetaError, metaErrorToFailureType, type MetaErrorClass } from '../src/meta/error-classification';
import type { SecretBox } from '../src/secrets';
import { MetaResourceError } from '../src/domain/errors';
import type { Combination, FailureClass } from '../workflows/definitions';
import type { UsageRepo } from '../src/db/repositories/usage';
import type { CircuitBreaker } from '../src/services/circuit-breaker';
import type { RegistryCache } from '../src/services/registry-cache';

export interface SendDeps {
  messages: MessagesRepo;
  registry: RegistryRepo;
  usage: UsageRepo;
  meta: MetaClient;
  secrets: SecretBox;
  cache: RegistryCache;
  breaker: CircuitBreaker;
}

/** The reason a send refused itself because the combination turned unhealthy after it was resolved. */
export const UNHEALTHY_BEFORE_SEND = 'unhealthy_before_send';

/** The compact, JSON-safe form of a classification that travels through Temporal to the workflow. */
export function toFailureClass(cls: MetaErrorClass): FailureClass {
  return {
    kind: cls.kind,
    code: cls.code ?? undefined,
    resource: 'resource' in cls ? cls.resource : undefined,
    scope: 'scope' in cls ? cls.scope : undefined,
    retryAfterMs: 'retryAfterMs' in cls ? cls.retryAfterMs : undefined,
    reason: cls.reason,
  };
}

/** A Graph API error, classified once (STYLE.md: classify once, never re-wrap). */
export function classifyApiError(err: MetaApiError): MetaErrorClass {
  return classifyMetaError(
    err.httpStatus === undefined
      ? { networkError: err.message }
      : { httpStatus: err.httpStatus, body: err.body, headers: err.headers },
  );
}

/** The classified failure as thrown to the workflow, untouched by any later catch-all. */
export function classifiedFailure(cls: MetaErrorClass): ApplicationFailure {
  return ApplicationFailure.create({
    type: metaErrorToFailureType(cls),
    message: `${cls.reason}${cls.code ? ` (${cls.code})` : ''}: ${cls.message}`,
    nonRetryable: !cls.retryable,
    details: [toFailureClass(cls)],
    nextRetryDelay: 'retryAfterMs' in cls && cls.retryAfterMs ? cls.retryAfterMs : undefined,
  });
}

/** A resource the registry no longer has: classified, so the workflow excludes it and re-resolves. */
function notRegistered(resource: 'waba' | 'phone' | 'template', message: string): ApplicationFailure {
  const failure: FailureClass = { kind: 'resource', resource, reason: 'not_registered' };
  return ApplicationFailure.create({ type: MetaResourceError, message, nonRetryable: true, details: [failure] });
}

interface AttemptInput {
  tenantId: string;
  messageId: string;
  workflowId: string;
  attemptId: string;
  seq: number;
  recipient: string;
}

export function createSendActivities(deps: SendDeps) {
  async function tokenFor(tenantId: string, wabaId: string): Promise<string> {
    const sealed = await deps.registry.wabaToken(tenantId, wabaId);
    if (!sealed) throw notRegistered('waba', `WABA ${wabaId} is not registered`);
    return deps.secrets.open(sealed);
  }

  /**
   * The one send path. The attempt row is written before Meta is called and the attempt id travels as
   * biz_opaque_callback_data, so a retried activity that finds a wamid (stored from the response, or from a status
   * webhook that overtook it) returns it instead of sending again. Health is checked right before every send, not
   * only at resolution: under load a resolved message can wait in the task queue while its WABA is banned.
   */
  async function sendAttempt(
    input: AttemptInput,
    target: {
      kind: 'template' | 'consent' | 'session';
      wabaId: string;
      phoneNumberId: string;
      portfolioId?: string;
      templateId?: string;
      templateName?: string;
    },
    payload: () => Promise<Record<string, unknown>>,
  ): Promise<{ wamid: string }> {
    const attempt = await deps.messages.beginAttempt({
      id: input.attemptId,
      tenantId: input.tenantId,
      messageId: input.messageId,
      seq: input.seq,
      kind: target.kind,
      wabaId: target.wabaId,
      phoneNumberId: target.phoneNumberId,
      templateId: target.templateId,
      templateName: target.templateName,
    });
    if (attempt.wamid) return { wamid: attempt.wamid };
    const unhealthy = await deps.cache.unhealthyPart(input.tenantId, target);
    if (unhealthy) {
      const failure: FailureClass = { kind: 'resource', resource: unhealthy.resource, reason: UNHEALTHY_BEFORE_SEND };
      await deps.messages.attemptFailed(input.attemptId, undefined, { ...failure, reasons: unhealthy.reasons });
      throw ApplicationFailure.create({
        type: MetaResourceError,
        message: `${unhealthy.resource} turned unhealthy before the send: ${unhealthy.reasons.map((r) => r.code).join(', ')}`,
        nonRetryable: true,
        details: [failure],
      });
    }
    const body = { to: input.recipient, biz_opaque_callback_data: input.attemptId, ...(await payload()) };
    const token = await tokenFor(input.tenantId, target.wabaId);
    // Session messages answer an open service window: they spend no messaging-limit capacity.
    await deps.usage.recordSend(
      input.tenantId,
      target.kind === 'session' ? undefined : target.portfolioId,
      target.phoneNumberId,
      input.recipient,
    );
    try {
      const sent = await deps.meta.sendMessage(target.phoneNumberId, token, body);
      await deps.messages.attemptAccepted(input.attemptId, sent.wamid, input.workflowId);
      return { wamid: sent.wamid };
    } catch (err) {
      if (!(err instanceof MetaApiError)) throw err;
      const cls = classifyApiError(err);
      // Break the circuit here, where the error is seen, so concurrent messages avoid the resource at once.
      // Best effort: the workflow still excludes it for this message if the report fails.
      await deps.breaker.report(input.tenantId, target, toFailureClass(cls)).catch((e: unknown) => {
        Context.current().log.warn('circuit breaker report failed', { error: (e as Error).message });
      });
      throw classifiedFailure(cls);
    }
  }

  return {
    /** Sends one template attempt (the message itself, or a Smart Utility Fallback consent prompt). */
    async sendTemplate(
      input: AttemptInput & { combination: Combination; parameters?: SendParameters; kind?: 'template' | 'consent' },
    ): Promise<{ wamid: string }> {
      const c = input.combination;
      return sendAttempt(input, { ...c, kind: input.kind ?? 'template' }, async () => {
        const template = await deps.registry.template(input.tenantId, c.templateId);
        if (!template) throw notRegistered('template', `template ${c.templateId} is gone`);
        return buildTemplateMessage(template, input.parameters);
      });
    },

    /** Sends one free-form session message (inside the service window the customer's reply opened). */
    async sendSession(
      input: AttemptInput & { phoneNumberId: string; payload: Record<string, unknown> },
    ): Promise<{ wamid: string; wabaId: string }> {
      const { index } = await deps.cache.get(input.tenantId);
      const phone = index.phones.get(input.phoneNumberId)?.phone;
      if (!phone) throw notRegistered('phone', `phone number ${input.phoneNumberId} is not registered`);
      const sent = await sendAttempt(
        input,
        { kind: 'session', wabaId: phone.wabaId, phoneNumberId: phone.id },
        async () => input.payload,
      );
      return { ...sent, wabaId: phone.wabaId };
    },
  };
}
