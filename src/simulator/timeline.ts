import { applyAction } from './actions/apply';
import { type Runtime } from './runtime';
import { type TimelineEntry } from './scenario/schema';

/**
 * Schedules a scenario's fault timeline on the simulator's timers (offsets divided by `timelineSpeed`), in its
 * order: each entry is scheduled by the one before it, because Node does not keep timers of different lengths in
 * order once the event loop lags, and a fault and its repair applied the wrong way round would leave the fault.
 * Each applied action is logged, and a failing one is logged with its error instead of stopping the rest.
 */
export function startTimeline(rt: Runtime, entries: readonly TimelineEntry[]): void {
  const ordered = [...entries].sort((a, b) => a.atMs - b.atMs);
  const schedule = (i: number, afterMs: number): void => {
    const entry = ordered[i];
    if (entry === undefined) return;
    rt.scheduler.after((entry.atMs - afterMs) / rt.options.timelineSpeed, () => {
      const log = { atMs: entry.atMs, type: entry.action.type, appliedAt: rt.clock.now() };
      try {
        applyAction(rt, entry.action);
        rt.timelineLog.push(log);
        rt.logger.info({ atMs: entry.atMs, action: entry.action.type, note: entry.note }, 'timeline action applied');
      } catch (err) {
        rt.timelineLog.push({ ...log, error: (err as Error).message });
        rt.logger.warn({ atMs: entry.atMs, action: entry.action.type, err }, 'timeline action failed');
      }
      schedule(i + 1, entry.atMs);
    });
  };
  schedule(0, 0);
}
