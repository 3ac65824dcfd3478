import type { ContactsRepo } from '../src/db/repositories/contacts';
import type { MessagesRepo } from '../src/db/repositories/messages';
import type { TenantsRepo } from '../src/db/repositories/tenants';
import { checkConsent, type ConsentVerdict } from '../src/delivery';
import type { FailureReason } from '../src/domain/failure-reasons';
import type { TimelineEventType } from '../src/domain/timeline';
import type { DeliveredVia, FailureClass, MessageStatus } from '../workflows/definitions';

export interface MessageDeps {
  messages: MessagesRepo;
  contacts: ContactsRepo;
  tenants: TenantsRepo;
}

export function createMessageActivities(deps: MessageDeps) {
  return {
    /**
     * Writes the read model: the message's status and, idempotently, one timeline event. A delivered message's
     * final record carries its sticky sender (revision 3 of the path), one local activity instead of two.
     */
    async recordProgress(input: {
      tenantId: string;
      messageId: string;
      status: MessageStatus;
      event?: { type: TimelineEventType; data: Record<string, unknown>; key: string };
      deliveredVia?: DeliveredVia;
      failure?: { reason: FailureReason; code?: number };
      sticky?: { recipient: string; phoneNumberId: string };
    }): Promise<void> {
      const sticky = input.sticky;
      await Promise.all([
        sticky && deps.contacts.setSticky(input.tenantId, sticky.recipient, sticky.phoneNumberId),
        deps.messages.setStatus(
          input.tenantId,
          input.messageId,
          input.status,
          { deliveredVia: input.deliveredVia, failure: input.failure },
          input.event && { type: input.event.type, data: input.event.data, dedupeKey: input.event.key },
        ),
      ]);
    },

    /** Ends an attempt in the ledger with the failure the workflow acted on (sync refusals and async failures). */
    async markAttemptFailed(input: { attemptId: string; failure: FailureClass }): Promise<void> {
      await deps.messages.attemptFailed(input.attemptId, input.failure.code, { ...input.failure });
    },

    /** The consent phase (src/delivery/consent.ts): an opt-out always blocks; an opt-in when the tenant requires it. */
    async checkConsent(input: { tenantId: string; recipient: string }): Promise<ConsentVerdict> {
      return checkConsent(deps, input);
    },

    /** Conversation continuity: the number that reached the contact becomes their sticky sender. */
    async recordDelivered(input: { tenantId: string; recipient: string; phoneNumberId: string }): Promise<void> {
      await deps.contacts.setSticky(input.tenantId, input.recipient, input.phoneNumberId);
    },
  };
}
