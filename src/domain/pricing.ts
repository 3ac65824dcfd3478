import { parsePhoneNumberFromString } from 'libphonenumber-js';
import metadata from 'libphonenumber-js/metadata.min.json';

/** Rates per delivered message by ISO country and Meta pricing category; `*` is the fallback country. */
export type RateCard = Record<string, Partial<Record<string, number>>>;

/**
 * Default rates in USD per message (per-message pricing, from Meta's 2025-2026 rate cards, rounded). They are
 * illustrative defaults so costs are never blank: a tenant sets its own `rateCard` (settings) from its invoice.
 */
export const DEFAULT_RATE_CARD: RateCard = {
  '*': { marketing: 0.025, utility: 0.004, authentication: 0.0135, authentication_international: 0.0135, service: 0 },
  IN: { marketing: 0.0107, utility: 0.0014, authentication: 0.0014, authentication_international: 0.028, service: 0 },
  US: { marketing: 0.025, utility: 0.004, authentication: 0.0135, service: 0 },
  GB: { marketing: 0.0529, utility: 0.022, authentication: 0.0358, service: 0 },
  BR: { marketing: 0.0625, utility: 0.0068, authentication: 0.0315, service: 0 },
  ID: { marketing: 0.0411, utility: 0.025, authentication: 0.03, service: 0 },
};

export interface PricedAttempt {
  attemptId: string;
  kind: string;
  pricing: { billable?: boolean; category?: string; type?: string } | null;
}

export interface CostLine {
  attemptId: string;
  kind: string;
  category: string | null;
  billable: boolean;
  amount: number;
}

export interface MessageCost {
  currency: 'USD';
  country: string | null;
  total: number;
  lines: CostLine[];
}

/**
 * ISO country of a WhatsApp id (digits with country code). Numbers that libphonenumber cannot pin to one country
 * (shared calling codes, test ranges) get the calling code's main country, which is how Meta's markets group them.
 */
export function countryOf(waId: string): string | null {
  const parsed = parsePhoneNumberFromString(`+${waId}`);
  if (!parsed) return null;
  const codes = metadata.country_calling_codes as Record<string, string[] | undefined>;
  return parsed.country ?? codes[parsed.countryCallingCode]?.[0] ?? null;
}

/** The rates that apply to a country (null: unknown), the tenant's card over the defaults. */
export function ratesFor(country: string | null, card: RateCard = DEFAULT_RATE_CARD): Partial<Record<string, number>> {
  return {
    ...DEFAULT_RATE_CARD['*'],
    ...card['*'],
    ...(country ? { ...DEFAULT_RATE_CARD[country], ...card[country] } : {}),
  };
}

/** What one billable attempt of a category costs, rounded to micro-dollars. */
export function lineAmount(rates: Partial<Record<string, number>>, category: string): number {
  return Math.round((rates[category] ?? 0) * 1e6) / 1e6;
}

/**
 * What a message cost: each attempt is billed by the category in Meta's `pricing` (status webhooks) at the
 * recipient country's rate; `billable: false` and free types (service window, free entry point) cost nothing.
 * Amounts are rounded to micro-dollars so sums stay exact enough for reports.
 */
export function priceMessage(
  recipient: string,
  attempts: readonly PricedAttempt[],
  card: RateCard = DEFAULT_RATE_CARD,
): MessageCost {
  const country = countryOf(recipient);
  const rates = ratesFor(country, card);
  const lines = attempts.map((a): CostLine => {
    const category = a.pricing?.category ?? null;
    const free = a.pricing?.type === 'free_customer_service' || a.pricing?.type === 'free_entry_point';
    const billable = a.pricing !== null && a.pricing.billable !== false && !free && category !== null;
    const amount = billable ? lineAmount(rates, category!) : 0;
    return { attemptId: a.attemptId, kind: a.kind, category, billable, amount };
  });
  const total = Math.round(lines.reduce((s, l) => s + l.amount, 0) * 1e6) / 1e6;
  return { currency: 'USD', country, total, lines };
}
