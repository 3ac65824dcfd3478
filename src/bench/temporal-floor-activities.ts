import type { Client } from '@temporalio/client';
import { statusSignal } from '../../workflows/definitions';

/** The floor workflow's activities: no work, except the status signal a webhook would have sent. */
export function createFloorActivities(client: Client, onDone: () => void) {
  return {
    async noop(): Promise<void> {},
    async done(): Promise<void> {
      onDone();
    },
    async send(workflowId: string): Promise<void> {
      // As the webhook processor would, a moment later and outside the workflow task that sent it.
      setTimeout(() => {
        void client.workflow
          .getHandle(workflowId)
          .signal(statusSignal, {
            wamid: `wamid.${workflowId}`,
            status: 'delivered',
            timestamp: String(Math.floor(Date.now() / 1000)),
          })
          .catch(() => undefined);
      }, 20);
    },
  };
}
