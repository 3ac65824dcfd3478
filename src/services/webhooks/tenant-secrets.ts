/**
 * Tenants' own Meta app secrets, held in memory so a webhook request never reads the database for them. The
 * whole map is loaded at once (one query) and reloaded when older than `ttlMs`, when `invalidate()` is called
 * (a tenant's secret changed in this process), or when a request names a tenant the map lacks — at most once
 * per `missReloadMs`, so requests for made-up tenants cannot turn into database load.
 */
export function createTenantSecretCache(
  load: () => Promise<Map<string, string>>,
  opts: { ttlMs?: number; missReloadMs?: number; now?: () => number } = {},
) {
  const ttlMs = opts.ttlMs ?? 30_000;
  const missReloadMs = opts.missReloadMs ?? 1_000;
  const now = opts.now ?? Date.now;
  let secrets = new Map<string, string>();
  let loadedAt = -Infinity;
  let inFlight: Promise<void> | undefined;

  function reload(): Promise<void> {
    inFlight ??= load()
      .then((m) => {
        secrets = m;
        loadedAt = now();
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  }

  return {
    /** The tenant's own app secret, or undefined (unknown tenant, or one without its own app). */
    async get(tenantId: string): Promise<string | undefined> {
      const age = now() - loadedAt;
      if (age > ttlMs || (!secrets.has(tenantId) && age > missReloadMs)) await reload();
      return secrets.get(tenantId);
    },
    invalidate(): void {
      loadedAt = -Infinity;
    },
  };
}

export type TenantSecretCache = ReturnType<typeof createTenantSecretCache>;
