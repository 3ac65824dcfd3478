import crypto from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { startOnce } from './start-once';
import type { MessagesRepo, MessageRow } from '../db/repositories/messages';
import type { TenantRow } from '../db/repositories/tenants';
import { SA } from '../domain/search-attributes';
import type { RoutingPolicy } from '../domain/resolver';
import { readTenantSettings } from '../domain/tenant-settings';
import type { SendParameters } from '../domain/send-parameters';
import { ServiceError } from './errors';
import {
  cancelSignal,
  messageWorkflowId,
  stateQuery,
  TERMINAL_STATUSES,
  type MessageDeliveryInput,
  type MessageDeliveryWorkflow,
  type MessageState,
  type MessageStatus,
} from '../../workflows/definitions';

/**
 * A `POST /v1/messages` body as the service reads it, after the API edge validated it (its zod schema's output
 * must fit this, which the route's call checks at compile time).
 */
export interface MessageRequest {
  to: string;
  template: string;
  language: string;
  parameters?: SendParameters;
  idempotencyKey?: string;
  campaignId?: string;
  prefer?: { wabaId?: string; phoneNumberId?: string };
  routing?: RoutingPolicy;
  smartUtilityFallback?: {
    enabled: boolean;
    consentTemplate?: string;
    consentParameters?: SendParameters;
    waitFor?: number;
  };
}

export interface MessageServiceDeps {
  messages: MessagesRepo;
  temporal: Client;
  taskQueue: string;
  /** A client on the NativeConnection of a worker in this process: message workflows start eagerly through it. */
  eagerStartClient?: Client;
}

function requestHash(body: MessageRequest): string {
  const { idempotencyKey: _k, ...rest } = body;
  return crypto.createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}

/** Builds the workflow input from the request and the tenant's policy. */
export function buildDeliveryInput(tenant: TenantRow, messageId: string, body: MessageRequest): MessageDeliveryInput {
  const settings = readTenantSettings(tenant.settings);
  const suf = { ...settings.smartUtilityFallback, ...body.smartUtilityFallback };
  return {
    tenantId: tenant.id,
    messageId,
    recipient: body.to,
    templateKey: body.template,
    language: body.language,
    parameters: body.parameters,
    prefer: body.prefer,
    routing: body.routing ?? settings.routing,
    campaignId: body.campaignId,
    smartUtilityFallback: suf.enabled
      ? {
          enabled: true,
          consentTemplate: suf.consentTemplate,
          consentParameters: body.smartUtilityFallback?.consentParameters,
          waitForMs: suf.waitFor,
          recoverableCodes: settings.smartUtilityFallback.recoverableCodes,
        }
      : undefined,
    timing: {
      statusTimeoutMs: settings.timing.statusTimeout,
      deadlineMs: settings.timing.deadline,
      noneBackoffMs: settings.timing.noneBackoff,
      maxWaitMs: settings.timing.maxWait,
      unknownOutcomeWaitMs: settings.timing.unknownOutcomeWait,
      lateStatusWindowMs: settings.timing.lateStatusWindow,
    },
    maxAttempts: settings.maxAttempts,
    maxResends: settings.maxResends,
  };
}

/**
 * Starts a message's workflow, idempotently by its workflow id: a repeat (or a message that already ran to
 * completion) starts nothing and sends nothing again. Used by the API and by campaign promotion. `eager` asks the
 * server to hand the first workflow task straight back to a worker sharing the client's NativeConnection
 * (docs/temporal.md, "Eager start"); without a free slot there the server schedules it as usual.
 */
export async function startDeliveryWorkflow(
  temporal: Client,
  taskQueue: string,
  workflowId: string,
  input: MessageDeliveryInput,
  opts: { eager?: boolean } = {},
): Promise<{ eagerlyStarted: boolean }> {
  return startOnce<MessageDeliveryWorkflow>(temporal, 'messageDelivery', {
    workflowId,
    taskQueue,
    args: [input],
    requestEagerStart: opts.eager,
    typedSearchAttributes: [
      { key: SA.tenant, value: input.tenantId },
      { key: SA.recipient, value: input.recipient },
      { key: SA.templateGroup, value: input.templateKey },
      { key: SA.status, value: 'accepted' },
      ...(input.campaignId ? [{ key: SA.campaign, value: input.campaignId }] : []),
    ],
    staticSummary: `${input.templateKey} → +${input.recipient}`,
  });
}

export function createMessageService(deps: MessageServiceDeps) {
  const startWorkflow = (row: MessageRow, input: MessageDeliveryInput) =>
    startDeliveryWorkflow(deps.eagerStartClient ?? deps.temporal, deps.taskQueue, row.workflowId, input, {
      eager: deps.eagerStartClient !== undefined,
    });

  return {
    /** Idempotent by key: the same key returns the same message and starts no second workflow. */
    /** `started`: this call started the workflow (eagerly or not); a repeat of a message that began starts none. */
    async submit(
      tenant: TenantRow,
      body: MessageRequest,
    ): Promise<{ message: MessageRow; created: boolean; started?: { eagerlyStarted: boolean } }> {
      const id = crypto.randomUUID();
      const hash = requestHash(body);
      const { message, created } = await deps.messages.createOrGet({
        id,
        tenantId: tenant.id,
        idempotencyKey: body.idempotencyKey ?? id,
        workflowId: messageWorkflowId(tenant.id, body.idempotencyKey ?? id),
        recipient: body.to,
        templateKey: body.template,
        language: body.language,
        campaignId: body.campaignId,
        request: { ...body, requestHash: hash },
      });
      if (!created && message.request.requestHash !== hash) {
        throw new ServiceError('idempotency_conflict', 'this idempotencyKey was used with a different request');
      }
      // On a repeat, start only a message that never began: the first call may have crashed between the insert and
      // the start. One that began is never started again, even when retention purged its workflow and the id is
      // free: a new run would send its unsent attempts and overwrite its status (docs/delivery-guarantees.md).
      if (created || (message.status === 'accepted' && !(await deps.messages.hasAttempts(message.id)))) {
        const started = await startWorkflow(message, buildDeliveryInput(tenant, message.id, body));
        return { message, created, started };
      }
      return { message, created };
    },

    async liveState(row: MessageRow): Promise<MessageState | undefined> {
      if (TERMINAL_STATUSES.includes(row.status as MessageStatus)) return undefined;
      try {
        return await deps.temporal.workflow.getHandle(row.workflowId).query(stateQuery);
      } catch {
        return undefined; // the read model is still useful without the live query
      }
    },

    async cancel(row: MessageRow, reason: string): Promise<void> {
      if (TERMINAL_STATUSES.includes(row.status as MessageStatus)) {
        throw new ServiceError('already_final', `message is already ${row.status}`);
      }
      try {
        await deps.temporal.workflow.getHandle(row.workflowId).signal(cancelSignal, { reason });
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new ServiceError('not_running', 'message is not in flight');
        throw err;
      }
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
