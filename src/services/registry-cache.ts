import type { RegistryRepo } from '../db/repositories/registry';
import { toSnapshot } from '../db/registry-snapshot';
import { indexSnapshot } from '../domain/resolver';
import { unhealthyPart, type RegistryView, type SendTarget, type UnhealthyPart } from '../delivery/health-gate';

/**
 * One indexed snapshot per tenant and worker, re-read whenever the registry version moved: a health change is
 * seen by every worker's next resolution or send (one cheap version query each).
 */
export function createRegistryCache(registry: RegistryRepo) {
  const cache = new Map<string, { version: number; value: RegistryView }>();

  async function get(tenantId: string): Promise<RegistryView> {
    const version = await registry.version(tenantId);
    const hit = cache.get(tenantId);
    if (hit && hit.version === version) return hit.value;
    const index = indexSnapshot(toSnapshot(await registry.load(tenantId)));
    const value = { index, templates: new Map(index.snapshot.templates.map((t) => [t.id, t])) };
    cache.set(tenantId, { version, value });
    return value;
  }

  return {
    get,
    /** The pre-send health gate against the current registry (see `unhealthyPart`). */
    async unhealthyPart(tenantId: string, target: SendTarget, now = Date.now()): Promise<UnhealthyPart | undefined> {
      return unhealthyPart(await get(tenantId), target, now);
    },
  };
}

export type RegistryCache = ReturnType<typeof createRegistryCache>;
