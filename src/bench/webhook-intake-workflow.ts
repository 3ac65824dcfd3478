import { condition, defineQuery, setHandler } from '@temporalio/workflow';
import { statusSignal } from '../../workflows/definitions';

/** `${wamid}:${status}` → workflow time (ms) at which the signal reached this running workflow. */
export const receivedQuery = defineQuery<Record<string, number>>('received');

/**
 * The benchmark's stand-in for a message workflow waiting on statuses (src/bench/webhook-intake.ts): it records
 * when each status signal is handled and runs until `untilMs` elapses (the benchmark terminates it earlier).
 */
export async function webhookIntakeBench(input: { untilMs: number }): Promise<number> {
  const received: Record<string, number> = {};
  setHandler(statusSignal, (u) => {
    received[`${u.wamid}:${u.status}`] ??= Date.now();
  });
  setHandler(receivedQuery, () => received);
  await condition(() => false, input.untilMs);
  return Object.keys(received).length;
}
