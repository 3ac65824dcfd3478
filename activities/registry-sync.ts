import { Context } from '@temporalio/activity';
import type { UsageRepo } from '../src/db/repositories/usage';
import type { RegistrySync } from '../src/services/registry-sync';
import type { RefreshAllWabasInput, RegistryRefreshResult } from '../src/domain/registry-refresh';

export interface RegistrySyncDeps {
  sync: RegistrySync;
  usage: UsageRepo;
}

const HEARTBEAT_EVERY_MS = 5_000;
/** Outcomes listed in a result (failures first): bounds the payload whatever the number of WABAs. */
export const MAX_REFRESH_OUTCOMES = 1000;

export function createRegistrySyncActivities(deps: RegistrySyncDeps) {
  return {
    /**
     * Lists every registered (tenant, WABA) and refreshes each from Meta, `concurrency` at a time, through the
     * same `syncWaba` as `POST /v1/wabas/:id/sync`. A WABA that fails is marked stale and reported, not thrown.
     */
    async refreshAllWabas(input: RefreshAllWabasInput): Promise<RegistryRefreshResult> {
      const ctx = Context.current();
      const startedAt = new Date().toISOString();
      // The scheduled refresh is also the usage ledger's housekeeping: per-second throughput counters older than
      // a minute and recipients outside the 24 h window answer no question any more.
      await deps.usage.prune();
      const progress = { done: 0, total: 0 };
      // Heartbeat on a timer as well as per WABA: one slow WABA must not look like a dead worker.
      const beat = setInterval(() => ctx.heartbeat(progress), HEARTBEAT_EVERY_MS);
      try {
        const outcomes = await deps.sync.refreshAll({
          concurrency: input.concurrency,
          signal: ctx.cancellationSignal,
          onProgress: (done, total) => {
            progress.done = done;
            progress.total = total;
            ctx.heartbeat(progress);
          },
        });
        // Cancelled mid-way: report it as such rather than as a partial success.
        if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
        const count = (o: string) => outcomes.filter((x) => x.outcome === o).length;
        const ordered = [
          ...outcomes.filter((o) => o.outcome !== 'synced'),
          ...outcomes.filter((o) => o.outcome === 'synced'),
        ];
        return {
          startedAt,
          finishedAt: new Date().toISOString(),
          total: outcomes.length,
          synced: count('synced'),
          failed: count('failed'),
          skipped: count('skipped'),
          outcomes: ordered.slice(0, MAX_REFRESH_OUTCOMES),
          truncated: ordered.length > MAX_REFRESH_OUTCOMES,
        };
      } finally {
        clearInterval(beat);
      }
    },
  };
}
