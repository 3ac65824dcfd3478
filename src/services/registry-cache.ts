import type { RegistryRepo } from '../db/repositories/registry';
import { toSnapshot } from '../db/registry-snapshot';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../domain/health';
import type { HealthReason, Template } from '../domain/registry';
import { indexSnapshot, type RegistryIndex } from '../domain/resolver';

export interface CachedRegistry {
  index: RegistryIndex;
  templates: ReadonlyMap<string, Template>;
}

export interface CombinationRef {
  wabaId: string;
  phoneNumberId: string;
  /** Absent for session messages, which use no template. */
  templateId?: string;
}

/**
 * One indexed snapshot per tenant and worker, re-read whenever the registry version moved: a health change is
 * seen by every worker's next resolution or send (one cheap version query each).
 */
export function createRegistryCache(registry: RegistryRepo) {
  const cache = new Map<string, { version: number; value: CachedRegistry }>();

  async function get(tenantId: string): Promise<CachedRegistry> {
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
    /** The health gate right before a send: the first unhealthy resource of the combination, if any. */
    async unhealthyPart(
      tenantId: string,
      c: CombinationRef,
      now = Date.now(),
    ): Promise<{ resource: 'waba' | 'phone' | 'template'; reasons: readonly HealthReason[] } | undefined> {
      const { index, templates } = await get(tenantId);
      const waba = index.wabas.get(c.wabaId)?.waba;
      const phone = index.phones.get(c.phoneNumberId)?.phone;
      const template = c.templateId === undefined ? undefined : templates.get(c.templateId);
      const checks = [
        ['waba', waba && evaluateWaba(waba, now)],
        ['phone', phone && (phone.enabled ? evaluatePhoneNumber(phone, now) : { verdict: 'unhealthy', reasons: [] })],
        ...(c.templateId === undefined ? [] : [['template', template && evaluateTemplate(template, now)] as const]),
      ] as const;
      for (const [resource, health] of checks) {
        if (!health) return { resource, reasons: [] }; // no longer registered
        if (health.verdict === 'unhealthy') return { resource, reasons: health.reasons };
      }
      return undefined;
    },
  };
}

export type RegistryCache = ReturnType<typeof createRegistryCache>;
