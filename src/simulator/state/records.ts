import { type TemplateCategory } from '../scenario/accounts-schema';
import { type RenderedTemplate } from '../validation/template-match';

export type MessageStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/** One accepted send, as `GET /_control/sends` reports it. */
export interface SendRecord {
  wamid: string;
  phoneNumberId: string;
  wabaId: string;
  portfolioId: string;
  /** `to` as sent. */
  to: string;
  /** Normalised recipient wa_id. */
  recipient: string;
  type: string;
  interactiveType?: string;
  templateId?: string;
  templateName?: string;
  templateLanguage?: string;
  category?: TemplateCategory;
  /** The hydrated template, for templates. */
  rendered?: RenderedTemplate;
  /** ms since epoch (simulator clock). */
  timestamp: number;
  /** Whether the service window was open when the message was accepted. */
  windowOpen: boolean;
  bizOpaqueCallbackData?: string;
  messageStatus: 'accepted' | 'held_for_quality_assessment' | 'paused';
  /** Latest status reached (by the simulator's own ladder, not by webhook arrival order). */
  status: MessageStatus;
  errorCode?: number;
  statusHistory: { status: MessageStatus; timestamp: number }[];
  payload: Record<string, unknown>;
}

/** One message a customer received (reached `delivered`). */
export interface InboxEntry {
  wamid: string;
  fromPhoneNumberId: string;
  /** Digits of the sending number. */
  fromDisplayPhoneNumber: string;
  wabaId: string;
  type: string;
  interactiveType?: string;
  templateName?: string;
  templateLanguage?: string;
  /** The hydrated template, when it was one. */
  rendered?: RenderedTemplate;
  /** The full request body as sent. */
  payload: Record<string, unknown>;
  receivedAt: number;
}

/** One message a customer sent to a business number. */
export interface InboundRecord {
  wamid: string;
  waId: string;
  phoneNumberId: string;
  type: string;
  message: Record<string, unknown>;
  contextId?: string;
  timestamp: number;
  readByBusiness: boolean;
}

export interface Stats {
  requests: number;
  accepted: number;
  /** Accepted sends whose reply was held back or whose connection was reset (unknown-outcome faults). */
  unknownOutcomes: number;
  rejected: Record<string, number>;
  asyncFailed: Record<string, number>;
  delivered: number;
  read: number;
  inbound: number;
  webhooks: { queued: number; delivered: number; failedAttempts: number; givenUp: number; noTarget: number };
}

export function emptyStats(): Stats {
  return {
    requests: 0,
    accepted: 0,
    unknownOutcomes: 0,
    rejected: {},
    asyncFailed: {},
    delivered: 0,
    read: 0,
    inbound: 0,
    webhooks: { queued: 0, delivered: 0, failedAttempts: 0, givenUp: 0, noTarget: 0 },
  };
}

export function bump(counter: Record<string, number>, key: number | string): void {
  counter[String(key)] = (counter[String(key)] ?? 0) + 1;
}
