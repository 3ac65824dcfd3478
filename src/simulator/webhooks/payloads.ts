import { type AsyncErrorItem } from '../errors/graph-error';
import { type PhoneNumber } from '../scenario/accounts-schema';
import { digitsOf } from '../state/store';

/** Meta's envelope (§5.4): one entry per WABA, one change per field. */
export interface WebhookEnvelope {
  object: 'whatsapp_business_account';
  entry: { id: string; time: number; changes: { value: unknown; field: string }[] }[];
}

export function envelope(wabaId: string, field: string, value: unknown, timeSeconds: number): WebhookEnvelope {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: wabaId, time: timeSeconds, changes: [{ value, field }] }],
  };
}

export interface Pricing {
  billable: boolean;
  pricing_model: 'PMP';
  type: 'regular' | 'free_customer_service';
  category: 'marketing' | 'utility' | 'authentication' | 'service';
}

export interface StatusItem {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  pricing?: Pricing;
  biz_opaque_callback_data?: string;
  errors?: AsyncErrorItem[];
}

function metadata(phone: PhoneNumber): { display_phone_number: string; phone_number_id: string } {
  return { display_phone_number: digitsOf(phone.displayPhoneNumber), phone_number_id: phone.id };
}

/** `messages` field value carrying one status (§5.6). */
export function statusValue(
  phone: PhoneNumber,
  status: StatusItem,
): { metadata: ReturnType<typeof metadata>; statuses: StatusItem[] } & Record<string, unknown> {
  return { messaging_product: 'whatsapp', metadata: metadata(phone), statuses: [status] };
}

/** `messages` field value carrying one inbound message (§5.5). */
export function inboundValue(
  phone: PhoneNumber,
  contact: { name: string; waId: string },
  message: Record<string, unknown>,
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: metadata(phone),
    contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
    messages: [message],
  };
}

/** `user_preferences` field value: the customer used WhatsApp's "stop promotions" (§5.14). */
export function userPreferencesValue(
  phone: PhoneNumber,
  contact: { name: string; waId: string },
  value: 'stop' | 'resume',
  timeSeconds: number,
): Record<string, unknown> {
  return {
    messaging_product: 'whatsapp',
    metadata: metadata(phone),
    contacts: [{ profile: { name: contact.name }, wa_id: contact.waId }],
    user_preferences: [
      {
        wa_id: contact.waId,
        detail:
          value === 'stop'
            ? 'User requested to stop marketing messages'
            : 'User requested to resume marketing messages',
        category: 'marketing_messages',
        value,
        timestamp: timeSeconds,
      },
    ],
  };
}
