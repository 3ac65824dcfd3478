import { ApplicationFailure } from '@temporalio/activity';
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
import type { RegistryCache } from '../src/services/registry-cache';

export interface SendDeps {
  messages: MessagesRepo;
  registry: RegistryRepo;
  usage: UsageRepo;
  meta: MetaClient;
  secrets: SecretBox;
  cache: RegistryCache;
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

/** Throws the classified failure untouched by any later catch-all (STYLE.md: classify once, never re-wrap). */
export function throwClassified(err: unknown): never {
  if (!(err instanceof MetaApiError)) throw err;
  const cls = classifyMetaError(
    err.httpStatus === undefined
      ? { networkError: err.message }
      : { httpStatus: err.httpStatus, body: err.body, headers: err.headers },
  );
  throw ApplicationFailure.create({
    type: metaErrorToFailureType(cls),
    message: `${cls.reason}${cls.code ? ` (${cls.code})` : ''}: ${cls.message}`,
    nonRetryable: !cls.retryable,
    details: [toFailureClass(cls)],
    nextRetryDelay: 'retryAfterMs' in cls && cls.retryAfterMs ? cls.retryAfterMs : undefined,
  });
}

export function createSendActivities(deps: SendDeps) {
  async function tokenFor(tenantId: string, wabaId: string): Promise<string> {
    const sealed = await deps.registry.wabaToken(tenantId, wabaId);
    if (!sealed) throw ApplicationFailure.nonRetryable(`WABA ${wabaId} is not registered`, 'MetaAuthError');
    return deps.secrets.open(sealed);
  }

  return {
    /**
     * Sends one template attempt. The attempt row is written before Meta is called and the attempt id travels as
     * biz_opaque_callback_data, so a retried activity that finds a wamid returns it instead of sending again.
     */
    async sendTemplate(input: {
      tenantId: string;
      messageId: string;
      workflowId: string;
      attemptId: string;
      seq: number;
      combination: Combination;
      recipient: string;
      parameters?: SendParameters;
    }): Promise<{ wamid: string }> {
      const c = input.combination;
      const attempt = await deps.messages.beginAttempt({
        id: input.attemptId,
        tenantId: input.tenantId,
        messageId: input.messageId,
        seq: input.seq,
        kind: 'template',
        wabaId: c.wabaId,
        phoneNumberId: c.phoneNumberId,
        templateId: c.templateId,
        templateName: c.templateName,
      });
      if (attempt.wamid) return { wamid: attempt.wamid };
      // Health is checked right before every send, not only at resolution: under load a resolved message can
      // wait in the task queue while its WABA is banned.
      const unhealthy = await deps.cache.unhealthyPart(input.tenantId, c);
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
      const template = await deps.registry.template(input.tenantId, c.templateId);
      if (!template) throw ApplicationFailure.nonRetryable(`template ${c.templateId} is gone`, 'MetaResourceError');
      const payload = {
        to: input.recipient,
        biz_opaque_callback_data: input.attemptId,
        ...buildTemplateMessage(template, input.parameters),
      };
      const token = await tokenFor(input.tenantId, c.wabaId);
      await deps.usage.recordSend(input.tenantId, c.portfolioId, c.phoneNumberId, input.recipient);
      try {
        const sent = await deps.meta.sendMessage(c.phoneNumberId, token, payload);
        await deps.messages.attemptAccepted(input.attemptId, sent.wamid, input.workflowId);
        return { wamid: sent.wamid };
      } catch (err) {
        throwClassified(err);
      }
    },
  };
}
