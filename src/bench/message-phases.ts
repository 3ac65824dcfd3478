import type { Client } from '@temporalio/client';
import type { Pool } from '../db/pool';

/** One message's history, cut at the points that show where its time went (milliseconds). */
export interface MessagePhases {
  /** Workflow started → its first workflow task started on the worker (scheduling, or 0 when eager). */
  firstTaskWait: number;
  /** The first workflow task: consent, resolve, send and the `sent` record, run on the worker. */
  firstTask: number;
  /** First task completed → the status signal recorded (Meta's statuses and the webhook pipeline). */
  statusWait: number;
  /** Signal recorded → the task it caused started (queueing for a workflow slot or a poll). */
  signalTaskWait: number;
  /** The last workflow task: the delivered record and completion. */
  lastTask: number;
}

const PHASES: (keyof MessagePhases)[] = ['firstTaskWait', 'firstTask', 'statusWait', 'signalTaskWait', 'lastTask'];

function at(e: { eventTime?: { seconds?: unknown; nanos?: number | null } | null }): number {
  const s = Number(e.eventTime?.seconds ?? 0);
  return s * 1000 + (e.eventTime?.nanos ?? 0) / 1e6;
}

/**
 * Samples `count` delivered messages of a campaign label and averages their history phases: a benchmark's answer
 * to "where does a message's time go" (the Temporal history's own timestamps, written by the server).
 */
export async function messagePhases(
  temporal: Client,
  pool: Pool,
  campaignId: string,
  count = 30,
): Promise<{ sampled: number; mean: MessagePhases; p90: MessagePhases }> {
  const rows = (
    await pool.query(
      `SELECT workflow_id AS "workflowId" FROM messages WHERE campaign_id = $1 AND status IN ('delivered', 'read')
        ORDER BY random() LIMIT $2`,
      [campaignId, count],
    )
  ).rows as { workflowId: string }[];
  const samples: MessagePhases[] = [];
  for (const { workflowId } of rows) {
    const events = (await temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    const started = events.find((e) => e.workflowExecutionStartedEventAttributes);
    const taskStarts = events.filter((e) => e.workflowTaskStartedEventAttributes);
    const taskEnds = events.filter((e) => e.workflowTaskCompletedEventAttributes);
    const signal = events.find((e) => e.workflowExecutionSignaledEventAttributes);
    // Only the plain path (one send, one status signal) is comparable across runs.
    if (!started || !signal || taskStarts.length !== 2 || taskEnds.length !== 2) continue;
    samples.push({
      firstTaskWait: at(taskStarts[0]!) - at(started),
      firstTask: at(taskEnds[0]!) - at(taskStarts[0]!),
      statusWait: at(signal) - at(taskEnds[0]!),
      signalTaskWait: at(taskStarts[1]!) - at(signal),
      lastTask: at(taskEnds[1]!) - at(taskStarts[1]!),
    });
  }
  const stat = (pick: (values: number[]) => number) =>
    Object.fromEntries(PHASES.map((p) => [p, pick(samples.map((s) => s[p]))])) as unknown as MessagePhases;
  return {
    sampled: samples.length,
    mean: stat((v) => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN)),
    p90: stat((v) => [...v].sort((a, b) => a - b)[Math.floor(v.length * 0.9)] ?? NaN),
  };
}

export function formatPhases(p: MessagePhases): string {
  return PHASES.map((k) => `${k} ${p[k].toFixed(0)} ms`).join(', ');
}
