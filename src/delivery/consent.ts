import { readTenantSettings } from '../domain/tenant-settings';

/** What the consent phase needs to know about a contact (a `contacts` row fits). */
export interface ContactConsent {
  optedInAt: string | null;
  optedOutAt: string | null;
}

export type ConsentVerdict = { allowed: true } | { allowed: false; reason: 'opted_out' | 'no_opt_in' };

/**
 * WhatsApp policy, pure: an opt-out (brand-wide) always blocks; an opt-in is required when the tenant says so,
 * for business-initiated messages only — a session message answers inside the window the customer's own message
 * opened (docs/conversations.md), so it needs none. A batch driver loads its page's contacts at once and calls
 * this per recipient.
 */
export function consentVerdict(
  contact: ContactConsent | undefined,
  settings: { requireOptIn: boolean },
  send: { session?: boolean } = {},
): ConsentVerdict {
  if (contact?.optedOutAt) return { allowed: false, reason: 'opted_out' };
  if (settings.requireOptIn && !send.session && !contact?.optedInAt) return { allowed: false, reason: 'no_opt_in' };
  return { allowed: true };
}

export interface ConsentDeps {
  contacts: { get(tenantId: string, waId: string): Promise<ContactConsent | undefined> };
  tenants: { get(tenantId: string): Promise<{ settings: unknown } | undefined> };
}

/** The consent phase for one recipient: reads the contact and the tenant's policy, then judges. */
export async function checkConsent(
  deps: ConsentDeps,
  input: { tenantId: string; recipient: string },
  send: { session?: boolean } = {},
): Promise<ConsentVerdict> {
  const [contact, tenant] = await Promise.all([
    deps.contacts.get(input.tenantId, input.recipient),
    deps.tenants.get(input.tenantId),
  ]);
  return consentVerdict(contact, readTenantSettings(tenant?.settings), send);
}
