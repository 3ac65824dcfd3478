import type { RegistryRepo } from '../../db/repositories/registry';
import type { WebhookTargetsRepo } from '../../db/repositories/webhook-targets';
import { healthPatchesOf, type HealthPatch } from '../../domain/webhook-health';
import { reviewChangeOf, type ReviewChange } from '../../domain/template-review';
import type { WebhookEvent } from '../../meta/webhook-events';
import type { HealthUpdates } from '../health-updates';
import type { HandlerOutcome } from './dispatcher';
import { scopeTenants, type Verifier } from './tenant-scope';

export interface HealthHandlerDeps {
  registry: RegistryRepo;
  targets: WebhookTargetsRepo;
  health: HealthUpdates;
  /** Authored templates follow their members' review (src/services/template-submissions.ts). */
  templateReview?: { reviewed(tenantId: string, templateId: string, change: ReviewChange): Promise<void> };
  /** A portfolio's tier changed: campaigns waiting for capacity look again at once (docs/capacity.md). */
  tierChanged?: (tenantId: string) => Promise<void>;
}

/**
 * Account, phone and template webhooks → registry health, through the one health path (source `webhook`), for
 * the tenant the event is scoped to (src/services/webhooks/tenant-scope.ts). Applying a patch twice changes
 * nothing, so a retried event is safe.
 */
export function createHealthHandler(deps: HealthHandlerDeps) {
  async function applyPatch(tenantId: string, p: HealthPatch): Promise<boolean> {
    if (p.resourceType === 'portfolio') {
      const applied = await deps.targets.setPortfolioTier(tenantId, p.id, String(p.patch.messagingTier), 'webhook');
      if (applied) await deps.tierChanged?.(tenantId);
      return applied;
    }
    if (p.resourceType === 'template' && typeof p.patch.category === 'string') {
      await deps.targets.setTemplateCategory(tenantId, p.id, p.patch.category);
    }
    return (await deps.health.apply(tenantId, p.resourceType, p.id, p.patch, 'webhook')) !== undefined;
  }

  return async function handleHealth(
    event: Extract<WebhookEvent, { kind: 'health' }>,
    verifier: Verifier,
  ): Promise<HandlerOutcome> {
    const scope = scopeTenants(await deps.registry.tenantsOfWaba(event.wabaId), verifier, `WABA ${event.wabaId}`);
    if (scope.refused) return { done: true, note: scope.refused };
    const tenants = scope.tenants;
    const notes: string[] = [];
    for (const tenantId of tenants) {
      const ctx = await deps.targets.wabaContext(tenantId, event.wabaId);
      if (!ctx) continue;
      const patches = healthPatchesOf(event.change, { wabaId: event.wabaId, time: event.time, ...ctx });
      if (patches.length === 0) notes.push(`${event.change.field}: no health impact`);
      for (const p of patches) {
        if (!(await applyPatch(tenantId, p))) notes.push(`${p.resourceType} ${p.id} not registered`);
      }
      const review = reviewChangeOf(event.change);
      if (review) await deps.templateReview?.reviewed(tenantId, review.templateId, review);
    }
    return { done: true, ...(notes.length ? { note: [...new Set(notes)].join('; ') } : {}) };
  };
}
