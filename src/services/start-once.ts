import {
  type Client,
  type WorkflowStartOptions,
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';

/**
 * Starts a workflow exactly once per workflow id: a repeat while it runs joins the running one (USE_EXISTING), and
 * a repeat after it closed starts nothing (REJECT_DUPLICATE), so a retried API call never sends anything twice.
 * Every driver's start goes through here (a message, a session message, a campaign).
 */
export async function startOnce<T extends Workflow>(
  temporal: Client,
  workflowType: string,
  options: Omit<WorkflowStartOptions<T>, 'workflowIdConflictPolicy' | 'workflowIdReusePolicy'>,
): Promise<{ eagerlyStarted: boolean }> {
  try {
    const handle = await temporal.workflow.start<T>(workflowType, {
      ...options,
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    } as WorkflowStartOptions<T>);
    return { eagerlyStarted: handle.eagerlyStarted };
  } catch (err) {
    // It ran to completion once already: starting it again must not run it again.
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    return { eagerlyStarted: false };
  }
}
