import { applyAction } from './actions/apply';
import { type Runtime } from './runtime';
import { type TimelineEntry } from './scenario/schema';

/**
 * Schedules a scenario's fault timeline on the simulator's timers (offsets divided by `timelineSpeed`); each
 * applied action is logged, and a failing one is logged with its error instead of stopping the rest.
 */
export function startTimeline(rt: Runtime, entries: readonly TimelineEntry[]): void {
  for (const entry of entries) {
    rt.scheduler.after(entry.atMs / rt.options.timelineSpeed, () => {
      const log = { atMs: entry.atMs, type: entry.action.type, appliedAt: rt.clock.now() };
      try {
        applyAction(rt, entry.action);
        rt.timelineLog.push(log);
        rt.logger.info({ atMs: entry.atMs, action: entry.action.type, note: entry.note }, 'timeline action applied');
      } catch (err) {
        rt.timelineLog.push({ ...log, error: (err as Error).message });
        rt.logger.warn({ atMs: entry.atMs, action: entry.action.type, err }, 'timeline action failed');
      }
    });
  }
}
