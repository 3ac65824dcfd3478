import { GraphError } from '../errors/graph-error';
import { type PhoneNumber, type Waba } from '../scenario/accounts-schema';

/** A number that cannot send, by status (§4.4): unregistered 133010, banned 131031, restricted 131048, ... */
export function assertPhoneCanSend(phone: PhoneNumber): void {
  if (!phone.registered || ['DISCONNECTED', 'PENDING', 'UNVERIFIED', 'MIGRATED'].includes(phone.status)) {
    throw new GraphError(133010, `Phone number ${phone.id} is not registered on Cloud API (status ${phone.status}).`);
  }
  if (phone.status === 'BANNED') throw new GraphError(131031, `Phone number ${phone.id} is banned.`);
  if (phone.status === 'RESTRICTED') {
    throw new GraphError(
      131048,
      'Message failed to send because there are restrictions on how many messages can be sent from this phone number.',
    );
  }
  if (phone.status === 'RATE_LIMITED') throw new GraphError(130429, `Phone number ${phone.id} is rate limited.`);
}

/** A banned WABA cannot send anything (131031). */
export function assertWabaNotBanned(waba: Waba): void {
  if (waba.status === 'BANNED') throw new GraphError(131031, `WhatsApp Business Account ${waba.id} has been locked.`);
}

/**
 * A restricted WABA (§5.7 ACCOUNT_RESTRICTION): business-initiated messaging (templates) or customer-initiated
 * messaging (replies in the window) answers 368 until the restriction expires.
 */
export function assertNotRestricted(waba: Waba, kind: 'template' | 'session', now: number): void {
  if (waba.status !== 'RESTRICTED' || !waba.restriction) return;
  if (waba.restriction.expiresAt <= now) {
    waba.status = 'ACTIVE';
    delete waba.restriction;
    return;
  }
  const blocked =
    (kind === 'template' && waba.restriction.type === 'RESTRICTED_BIZ_INITIATED_MESSAGING') ||
    (kind === 'session' && waba.restriction.type === 'RESTRICTED_CUSTOMER_INITIATED_MESSAGING');
  if (blocked)
    throw new GraphError(368, `WhatsApp Business Account ${waba.id} is restricted: ${waba.restriction.type}.`);
}
