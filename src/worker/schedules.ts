import { type Client, ScheduleAlreadyRunning, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import type { RegistryRefreshInput, registryRefresh } from '../../workflows/registry-refresh';

/** The one registry-refresh Schedule of a namespace: every worker ensures it at start, none owns it. */
export const REGISTRY_REFRESH_SCHEDULE_ID = 'lifeline-registry-refresh';

export interface RegistryRefreshScheduleOptions {
  taskQueue: string;
  /** Time between refreshes (`REGISTRY_REFRESH_INTERVAL`): milliseconds or a duration string such as '5 minutes'. */
  interval: Duration;
  /** Defaults to `REGISTRY_REFRESH_SCHEDULE_ID`; tests pass their own. */
  scheduleId?: string;
  input?: RegistryRefreshInput;
}

/**
 * Creates the Schedule that runs `registryRefresh` every `interval`, or brings an existing one up to date
 * (interval, task queue, input, policies), keeping an operator's pause. Idempotent: safe on every worker start
 * and when several workers start together (the loser of the create race updates to the same definition).
 */
export async function ensureRegistryRefreshSchedule(
  client: Client,
  opts: RegistryRefreshScheduleOptions,
): Promise<{ scheduleId: string; created: boolean }> {
  const scheduleId = opts.scheduleId ?? REGISTRY_REFRESH_SCHEDULE_ID;
  const spec = { intervals: [{ every: opts.interval }] };
  const action = {
    type: 'startWorkflow' as const,
    workflowType: 'registryRefresh',
    taskQueue: opts.taskQueue,
    // Temporal appends the scheduled time to this id, so each run has its own id under a recognisable prefix.
    workflowId: scheduleId,
    args: [opts.input ?? {}] as Parameters<typeof registryRefresh>,
  };
  // SKIP: a refresh still running when the next is due makes that next one pointless, not queued.
  // The catch-up window lets a refresh missed during a short server outage still run, but not a backlog of them.
  const policies = { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' };
  try {
    await client.schedule.create<typeof registryRefresh>({
      scheduleId,
      spec,
      action,
      policies,
      state: { note: 'Refreshes every registered WABA from Meta (Lifeline worker)' },
    });
    return { scheduleId, created: true };
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await client.schedule.getHandle(scheduleId).update<typeof registryRefresh>((previous) => ({
    spec,
    action,
    policies,
    state: { paused: previous.state.paused, note: previous.state.note },
  }));
  return { scheduleId, created: false };
}
