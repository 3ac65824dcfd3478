import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ConsentEvent, ConsentRecordRow, ConsentRecordsRepo } from '../db/repositories/consent-records';
import type { ContactRow } from '../db/repositories/contacts';
import type { WebhookTargetsRepo } from '../db/repositories/webhook-targets';
import { cancelSignal } from '../../workflows/definitions';

export interface OptOutDeps {
  consents: Pick<ConsentRecordsRepo, 'optOut'>;
  targets: Pick<WebhookTargetsRepo, 'inFlightMessages'>;
  temporal: Client;
}

/**
 * A brand-wide opt-out, however it arrives (STOP, WhatsApp's "stop promotions", the API): recorded first — in the
 * consent history and on the contact (docs/conversations.md, "Consent records") — then every message of the
 * contact still in flight is cancelled, so nothing waiting in a back-off sends afterwards. The send activity
 * re-checks consent right before calling Meta as well, which covers a message that resolves between the two
 * steps. Idempotent: a repeat keeps the first opt-out time (a webhook event's `dedupeKey` records it once) and
 * re-signals only live workflows.
 */
export function createOptOut(deps: OptOutDeps) {
  return async function optOutAndCancel(
    event: ConsentEvent,
  ): Promise<{ contact: ContactRow; record: ConsentRecordRow | undefined; cancelled: number }> {
    const { contact, record } = await deps.consents.optOut(event);
    let cancelled = 0;
    for (const m of await deps.targets.inFlightMessages(event.tenantId, event.waId)) {
      try {
        await deps.temporal.workflow.getHandle(m.workflowId).signal(cancelSignal, { reason: 'opted_out' });
        cancelled += 1;
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err; // a finished workflow no longer listens
      }
    }
    return { contact, record, cancelled };
  };
}

export type OptOut = ReturnType<typeof createOptOut>;
