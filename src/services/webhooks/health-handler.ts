import type { RegistryRepo } from '../../db/repositories/registry';
import type { WebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import { healthPatchesOf, type HealthPatch } from '../../domain/webhook-health';
import type { WebhookEvent } from '../../meta/webhook-events';
import type { HealthUpdates } from '../health-updates';
import type { HandlerOutcome } from './status-handler';

export interface HealthHandlerDeps {
  registry: RegistryRepo;
  targets: WebhookTargetsRepo;
  health: HealthUpdates;
}

/**
 * Account, phone and template webhooks → registry health, through the one health path (source `webhook`), for
 * every tenant that registered the WABA. Applying a patch twice changes nothing, so a retried event is safe.
 */
export function createHealthHandler(deps: HealthHandlerDeps) {
  async function applyPatch(tenantId: string, p: HealthPatch): Promise<boolean> {
    if (p.resourceType === 'portfolio') {
      return deps.targets.setPortfolioTier(tenantId, p.id, String(p.patch.messagingTier), 'webhook');
    }
    if (p.resourceType === 'template' && typeof p.patch.category === 'string') {
      await deps.targets.setTemplateCategory(tenantId, p.id, p.patch.category);
    }
    return (await deps.health.apply(tenantId, p.resourceType, p.id, p.patch, 'webhook')) !== undefined;
  }

  return async function handleHealth(event: Extract<WebhookEvent, { kind: 'health' }>): Promise<HandlerOutcome> {
    const tenants = await deps.registry.tenantsOfWaba(event.wabaId);
    if (tenants.length === 0) return { done: true, note: `WABA ${event.wabaId} is not registered` };
    const notes: string[] = [];
    for (const tenantId of tenants) {
      const ctx = await deps.targets.wabaContext(tenantId, event.wabaId);
      if (!ctx) continue;
      const patches = healthPatchesOf(event.change, { wabaId: event.wabaId, time: event.time, ...ctx });
      if (patches.length === 0) notes.push(`${event.change.field}: no health impact`);
      for (const p of patches) {
        if (!(await applyPatch(tenantId, p))) notes.push(`${p.resourceType} ${p.id} not registered`);
      }
    }
    return { done: true, ...(notes.length ? { note: [...new Set(notes)].join('; ') } : {}) };
  };
}
