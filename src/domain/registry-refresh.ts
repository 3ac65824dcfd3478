/**
 * The registry refresh's input and result: shared by the `registryRefresh` workflow, its activity and the sync
 * service, so none of them imports another for a type (docs/health.md#where-health-facts-come-from).
 */

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
