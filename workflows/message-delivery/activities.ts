import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { NON_RETRYABLE_FAILURE_TYPES } from '../../src/domain/failure';

type Activities = ReturnType<typeof createActivities>;

/**
 * The send activities. A duplicate WhatsApp message is visible to a person: few, short attempts, and only a
 * transient failure is retried in place (the list comes from `FAILURE_KINDS`); every other failure goes back to
 * the workflow, whose `decide` chooses what comes next.
 */
export const send = proxyActivities<Activities>({
  // Above the Meta client's own 10 s timeout; it bounds how long a dead worker's send stays unknown.
  startToCloseTimeout: '20 seconds',
  retry: {
    initialInterval: '1 second',
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...NON_RETRYABLE_FAILURE_TYPES],
  },
});

/** Consent, resolution and ledger writes: fast, local to the worker, generously retried. */
export const local = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});
