import { log, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../activities';

type Activities = ReturnType<typeof createActivities>;

/** Input of `registryRefresh`: every knob and duration travels here, so tests can shrink them. */
export interface RegistryRefreshInput {
  /** How many WABAs are refreshed at once (default 4, at most 32): Meta's rate limits and the pool stay calm. */
  concurrency?: number;
  /** Upper bound for one whole refresh (default 15 minutes); keep it below the schedule's interval. */
  timeoutMs?: number;
  /** A worker that died mid-refresh is noticed after this long (default 1 minute). */
  heartbeatTimeoutMs?: number;
}

/** What happened to one WABA in a refresh. `failed` WABAs (and their numbers and templates) are now stale. */
export interface WabaRefreshOutcome {
  tenantId: string;
  wabaId: string;
  outcome: 'synced' | 'failed' | 'skipped';
  phoneNumbers?: number;
  templates?: number;
  /** Why it failed (never a secret): the Meta error or the local problem. */
  error?: string;
  httpStatus?: number;
}

export interface RegistryRefreshResult {
  startedAt: string;
  finishedAt: string;
  total: number;
  synced: number;
  failed: number;
  /** WABAs removed between listing and refreshing. */
  skipped: number;
  /** Per-WABA outcomes, failures first; cut at 1,000 entries (`truncated`) to bound the payload. */
  outcomes: WabaRefreshOutcome[];
  truncated: boolean;
}

/** The activity's input: the workflow resolves the defaults, so the activity sees one plain value. */
export interface RefreshAllWabasInput {
  concurrency: number;
}

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
