import { workflowInfo } from '@temporalio/workflow';
import type { DeliveryAction } from '../../src/delivery/decide';
import { noExclusions } from '../../src/delivery/types';
import type { MessageDeliveryInput } from '../definitions';

/**
 * What one message has spent and learned across its attempts: the attempt budget, the resources that failed it,
 * the back-off while nothing is healthy, and the resends of an attempt whose outcome was unknown.
 */
export function startAttempts(input: MessageDeliveryInput) {
  const exclude = noExclusions();
  const deadline = workflowInfo().startTime.getTime() + input.timing.deadlineMs;
  // Histories recorded before `maxResends` existed capped resends by maxAttempts.
  const maxResends = input.maxResends ?? input.maxAttempts;
  let backoffMs = input.timing.noneBackoffMs;
  let started = 0;
  let resends = 0;
  let resolutions = 0;

  return {
    exclude,
    /** True while the message may start another template attempt. */
    left: () => started < input.maxAttempts,
    /** Counts a template attempt; returns its ordinal (1-based). */
    start: () => ++started,
    /** Counts a resolution; returns its ordinal, which dedupes its timeline event. */
    resolution: () => ++resolutions,
    get backoffMs() {
      return backoffMs;
    },
    resendsLeft: () => maxResends - resends,
    resend: () => void (resends += 1),
    /** A combination was found: the next wait for one starts from the beginning again. */
    resolved: () => void (backoffMs = input.timing.noneBackoffMs),
    /** The next wait for a healthy combination, or undefined when it would pass the message's deadline. */
    nextWaitForHealth(): number | undefined {
      const wait = Math.min(backoffMs, input.timing.maxWaitMs);
      if (Date.now() + wait > deadline) return undefined;
      backoffMs *= 2;
      return wait;
    },
    /** Applies an `exclude` action: this message no longer tries the resource. */
    excludeResource(action: Extract<DeliveryAction, { action: 'exclude' }>): void {
      const list =
        action.resource === 'waba'
          ? exclude.wabaIds
          : action.resource === 'phone'
            ? exclude.phoneNumberIds
            : exclude.templateIds;
      list.push(action.id);
    },
  };
}

export type Attempts = ReturnType<typeof startAttempts>;
