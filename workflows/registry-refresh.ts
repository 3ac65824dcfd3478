import { log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';
import type { RegistryRefreshInput, RegistryRefreshResult } from '../src/domain/registry-refresh';

export type { RegistryRefreshInput, RegistryRefreshResult } from '../src/domain/registry-refresh';

type Activities = ReturnType<typeof createActivities>;

const clamp = (n: number | undefined, fallback: number, min: number, max: number) =>
  typeof n === 'number' && Number.isFinite(n) ? Math.min(max, Math.max(min, Math.floor(n))) : fallback;

/**
 * Refreshes every registered WABA of every tenant from Meta (run by the `lifeline-registry-refresh` Schedule).
 * One WABA's failure marks it stale and is reported in the result; it never fails the run.
 */
export async function registryRefresh(input: RegistryRefreshInput = {}): Promise<RegistryRefreshResult> {
  // One long activity rather than one per WABA: the history stays a handful of events however many WABAs
  // there are, and heartbeats tell Temporal the activity is alive (a dead worker's refresh is retried).
  const { refreshAllWabas } = proxyActivities<Activities>({
    startToCloseTimeout: input.timeoutMs ?? 15 * 60_000,
    heartbeatTimeout: input.heartbeatTimeoutMs ?? 60_000,
    retry: { initialInterval: '5 seconds', maximumAttempts: 3 },
  });
  const result = await refreshAllWabas({ concurrency: clamp(input.concurrency, 4, 1, 32) });
  if (result.failed > 0) {
    log.warn('registry refresh: some WABAs could not be refreshed and are marked stale', {
      total: result.total,
      failed: result.failed,
    });
  }
  return result;
}
