import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FailureReason } from '../src/domain/failure-reasons';
import { TERMINAL_STATUSES as DOMAIN_TERMINAL_STATUSES } from '../src/domain/message-status';
import type { RoutingPolicy } from '../src/domain/resolver/types';
import type { SendParameters } from '../src/domain/send-parameters';
import type { AttemptKind, Combination, FailureClass, TrackedAttemptStatus } from '../src/delivery/types';

export type { Combination, FailureClass } from '../src/delivery/types';
export type { ResolveInput, ResolveOutput } from '../src/delivery/resolve';

/** Every wire name of the message lifecycle lives here; the API and the webhook processor import these objects. */

export type MessageStatus =
  | 'accepted'
  | 'resolving'
  | 'sending'
  | 'sent'
  | 'delivered'
  | 'read'
  | 'awaiting_consent'
  | 'declined'
  | 'expired'
  | 'failed'
  | 'cancelled';

export const TERMINAL_STATUSES: readonly MessageStatus[] = DOMAIN_TERMINAL_STATUSES;

export type { SendParameters };

export interface SmartUtilityFallbackOptions {
  enabled: boolean;
  /** The UTILITY consent template (a template group key or name). */
  consentTemplate?: string;
  consentParameters?: SendParameters;
  waitForMs: number;
  /** Failure codes that trigger the fallback (131049 by default). */
  recoverableCodes: number[];
}

export interface MessageDeliveryInput {
  tenantId: string;
  messageId: string;
  recipient: string;
  templateKey: string;
  language: string;
  parameters?: SendParameters;
  prefer?: { wabaId?: string; phoneNumberId?: string };
  /** Absent in inputs recorded before routing policies existed: `primary-first`. */
  routing?: RoutingPolicy;
  campaignId?: string;
  smartUtilityFallback?: SmartUtilityFallbackOptions;
  /** Every duration the workflow needs travels in its input, so tests can shrink time. */
  timing: {
    /** How long to wait for a delivery status after Meta accepted a send. */
    statusTimeoutMs: number;
    /** When the message gives up looking for a healthy combination. */
    deadlineMs: number;
    /** First wait when no combination is healthy (doubles up to maxWaitMs). */
    noneBackoffMs: number;
    maxWaitMs: number;
    /**
     * How long an attempt whose outcome is unknown (timeout, reset, crash mid-send) waits for a status routed by its
     * attempt id before it is resent as one Meta never had. Absent in inputs recorded before it existed.
     */
    unknownOutcomeWaitMs?: number;
    /** How long after the status timeout a late failure still re-enters the lifecycle (failover, fallback). */
    lateStatusWindowMs?: number;
  };
  /** How many template attempts (combinations) the message may use. */
  maxAttempts: number;
  /**
   * Set when a campaign promotes a recipient that still fails after its retry rounds (docs/campaigns.md): the
   * message starts at Smart Utility Fallback, after the campaign's attempts.
   */
  promoted?: { attempts: number; failure: FailureClass; combination: Combination };
  /**
   * How many times, in all, an attempt whose outcome is unknown (a transient send failure) may be resent as the
   * same attempt. Absent in inputs recorded before it existed: then `maxAttempts` caps it, as it did.
   */
  maxResends?: number;
}

export interface DeliveredVia {
  wabaId: string | null;
  phoneNumberId: string;
  templateId: string | null;
  kind: 'template' | 'session';
}

export interface StatusUpdate {
  wamid: string;
  attemptId?: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  errors?: { code: number; title?: string; message?: string; details?: string }[];
  /** Set by the webhook processor for failed statuses: classification happens once, outside the workflow. */
  failure?: FailureClass;
  pricing?: { category?: string; type?: string; billable?: boolean; pricing_model?: string };
}

export interface InboundReply {
  wamid: string;
  from: string;
  phoneNumberId: string;
  contextWamid?: string;
  kind: 'text' | 'button' | 'button_reply' | 'list_reply' | 'other';
  text?: string;
  payload?: string;
  timestamp: string;
  /**
   * Set by the webhook processor on a typed yes/no that quotes nothing, from a contact with exactly one pending
   * consent prompt: the message whose prompt it answers (docs/delivery-guarantees.md).
   */
  solePromptOf?: string;
}

export interface AttemptView {
  attemptId: string;
  kind: AttemptKind;
  combination: Combination | { phoneNumberId: string; wabaId?: string };
  wamid?: string;
  status: TrackedAttemptStatus;
  errorCode?: number;
}

export interface ConsentView {
  status: 'asked' | 'granted' | 'declined' | 'expired';
  wamid?: string;
  phoneNumberId?: string;
  askedAt?: string;
  answer?: { text?: string; payload?: string; phoneNumberId: string; at: string };
}

export interface MessageState {
  status: MessageStatus;
  attempts: AttemptView[];
  consent?: ConsentView;
  /** Inbound messages from the contact during the consent wait that were not an answer. */
  otherReplies?: { text?: string; at: string }[];
  deliveredVia?: DeliveredVia;
  failure?: { reason: FailureReason; code?: number };
}

/** The workflow's signature, for clients that start it by name (they import no workflow code). */
export type MessageDeliveryWorkflow = (input: MessageDeliveryInput) => Promise<MessageDeliveryResult>;

export interface MessageDeliveryResult {
  status: MessageStatus;
  deliveredVia?: DeliveredVia;
  failure?: { reason: FailureReason; code?: number };
}

export const statusSignal = defineSignal<[StatusUpdate]>('status');
export const replySignal = defineSignal<[InboundReply]>('reply');
export const cancelSignal = defineSignal<[{ reason: string }]>('cancel');
export const stateQuery = defineQuery<MessageState>('state');

/** Workflow ids from business keys, through one helper. */
export function messageWorkflowId(tenantId: string, messageId: string): string {
  return `msg:${tenantId}:${messageId}`;
}

/** A free-form session message (docs/conversations.md): one send from a number whose service window is open. */
export interface ConversationMessageInput {
  tenantId: string;
  messageId: string;
  recipient: string;
  phoneNumberId: string;
  /** Meta's request body without `to` (src/domain/conversations/session-payload.ts). */
  payload: Record<string, unknown>;
  statusTimeoutMs: number;
}

/** The conversationMessage workflow's signature, for services that start it by name (workflows/conversation-message.ts). */
export type ConversationMessageWorkflow = (input: ConversationMessageInput) => Promise<MessageDeliveryResult>;

export function conversationWorkflowId(tenantId: string, key: string): string {
  return `conv:${tenantId}:${key}`;
}

export * from './campaign-definitions';
