import type { ContactsRepo } from '../../db/repositories/contacts';
import type { SendDeps } from '../../delivery';
import { windowOpenFor } from '../../domain/conversations/service-window';

/** The send step's service-window port over the contacts' recorded inbound times, with an injectable clock. */
export function sessionWindows(
  contacts: Pick<ContactsRepo, 'get'>,
  now: () => number,
): NonNullable<SendDeps['windows']> {
  return {
    async isOpen(tenantId, waId, phoneNumberId) {
      const contact = await contacts.get(tenantId, waId);
      return windowOpenFor(contact?.lastInbound ?? {}, phoneNumberId, now());
    },
  };
}
