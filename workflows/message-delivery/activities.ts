import { proxyActivities, proxyLocalActivities, type ActivityOptions } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../../src/domain/failure';

type Activities = ReturnType<typeof createActivities>;

/**
 * A duplicate WhatsApp message is visible to a person: few, short attempts, and only a transient failure is
 * retried in place (the list comes from `FAILURE_KINDS`); every other failure goes back to the workflow, whose
 * `decide` chooses what comes next.
 */
const SEND_OPTIONS = {
  // Above the Meta client's own 10 s timeout; it bounds how long a dead worker's send stays unknown.
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  },
} satisfies ActivityOptions;

/** The send activities as histories recorded before revision 2 of the path scheduled them (docs/temporal.md). */
const remoteSend = proxyActivities<Activities>(SEND_OPTIONS);
const localSend = proxyLocalActivities<Activities>(SEND_OPTIONS);

/** Sends run as local activities from revision 2 of the path on (docs/temporal.md, "Local sends"). */
export const LOCAL_SEND_PATCH = 'send-as-local-activity';

/**
 * The send activities. A send is one HTTP call to Meta bounded by the client's timeout, made by the worker that
 * runs the workflow: as a local activity it costs no task-queue round trip, no activity events and no second
 * workflow task. A retry after a crash replays it on another worker, where the send step's attempt ledger
 * returns the wamid an earlier try already got (docs/delivery-guarantees.md) — as it did for a retried activity.
 * `isPatched` is the run's patch check (`Run.patched`), which knows the revisions that imply this patch.
 */
export function sendActivities(
  isPatched: (patchId: string) => boolean,
): Pick<Activities, 'sendTemplate' | 'sendSession'> {
  return {
    sendTemplate: (input) => (isPatched(LOCAL_SEND_PATCH) ? localSend : remoteSend).sendTemplate(input),
    sendSession: (input) => (isPatched(LOCAL_SEND_PATCH) ? localSend : remoteSend).sendSession(input),
  };
}

/** Consent, resolution and ledger writes: fast, local to the worker, generously retried. */
export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
