import { errorSpec } from '../errors/catalog';
import { type TemplateCategory } from '../scenario/accounts-schema';
import { type Customer } from '../scenario/customers-schema';

/** How an accepted message ends: delivered (and maybe read), or failed with a code, with or without `sent`. */
export type Outcome = { type: 'deliver' } | { type: 'fail'; code: number; afterSent: boolean; details?: string };

export interface OutcomeFacts {
  customer: Customer;
  /** Template category; undefined for free-form (service) messages. */
  category?: TemplateCategory;
  windowOpen: boolean;
  usMarketingBlocked: boolean;
  /** Marketing templates the customer received outside a window in the last 24 h. */
  marketingReceived24h: number;
  /** The customer's cap (or the scenario default); null = none. */
  marketingCap: number | null;
  /** An async error rule that fired for this send. */
  injected?: { code: number; details?: string };
}

/** +1 numbers (NANP); Meta stopped delivering marketing templates to US users on 2025-04-01 (§7.4). */
export function isUsNumber(waId: string): boolean {
  return waId.length === 11 && waId.startsWith('1');
}

/**
 * Decides an accepted message's fate from the recipient's facts, in Meta's precedence: not on WhatsApp
 * (131026) first, then injected faults, then the marketing rules — opted out (131050), US block and
 * per-user cap (131049; the cap does not apply inside an open window).
 */
export function decideOutcome(f: OutcomeFacts): Outcome {
  if (!f.customer.onWhatsApp) {
    return { type: 'fail', code: 131026, afterSent: false, details: 'Message Undeliverable.' };
  }
  if (f.injected) {
    const afterSent = !errorSpec(f.injected.code).failsBeforeSent;
    return {
      type: 'fail',
      code: f.injected.code,
      afterSent,
      ...(f.injected.details ? { details: f.injected.details } : {}),
    };
  }
  if (f.category !== 'MARKETING') return { type: 'deliver' };
  if (f.customer.marketingStopped) {
    return {
      type: 'fail',
      code: 131050,
      afterSent: false,
      details: 'The recipient has stopped marketing messages from this business.',
    };
  }
  if (f.usMarketingBlocked && isUsNumber(f.customer.waId)) {
    return {
      type: 'fail',
      code: 131049,
      afterSent: false,
      details: 'Marketing template messages are not delivered to US phone numbers.',
    };
  }
  if (!f.windowOpen && f.marketingCap !== null && f.marketingReceived24h >= f.marketingCap) {
    return {
      type: 'fail',
      code: 131049,
      afterSent: false,
      details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
    };
  }
  return { type: 'deliver' };
}
