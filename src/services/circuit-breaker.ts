import { isOwnRefusal, type BlamedResource, type FailureClass } from '../domain/failure';
import type { HealthUpdates, RegistryResource } from './health-updates';

/** How long an error Meta attributed to a resource keeps it out of rotation before it may be tried again. */
function cooldownMs(failure: FailureClass): number {
  if (failure.kind === 'throttled') return failure.retryAfterMs ?? 1_000;
  if (failure.kind === 'auth') return 15 * 60_000;
  return 10 * 60_000;
}

/** The health fact a send error establishes, in the domain's field names (one path with sync and webhooks). */
export function faultPatch(resource: BlamedResource, failure: FailureClass, now: number) {
  const until = new Date(now + cooldownMs(failure)).toISOString();
  if (failure.kind === 'throttled') return { throttledUntil: until };
  if (resource === 'template' && failure.code === 132015) return { status: 'PAUSED' };
  if (resource === 'template' && failure.code === 132016) return { status: 'DISABLED' };
  return {
    breaker: {
      openUntil: until,
      reason: `${failure.reason}${failure.code ? ` (${failure.code})` : ''}`,
      openedAt: new Date(now).toISOString(),
      source: 'send_error',
    },
  };
}

/** The resource a failure blames, if it blames one Meta told us about (not our own pre-send refusals). */
export function blamedResource(failure: FailureClass): BlamedResource | undefined {
  if (isOwnRefusal(failure)) return undefined;
  if (failure.kind === 'resource' || failure.kind === 'auth') return failure.resource ?? 'waba';
  if (failure.kind === 'throttled' && failure.scope === 'phone') return 'phone';
  return undefined;
}

/**
 * Circuit breaking where the error is observed — the send activity (synchronous errors) and the status-webhook
 * handler (asynchronous ones) — so every other message's next resolution and pre-send check avoid the resource
 * within milliseconds, not after a round trip through the failing message's workflow.
 */
export function createCircuitBreaker(health: HealthUpdates) {
  return {
    async report(
      tenantId: string,
      c: { wabaId?: string | null; phoneNumberId: string; templateId?: string | null },
      failure: FailureClass,
    ): Promise<void> {
      const resource = blamedResource(failure);
      const id = resource === 'waba' ? c.wabaId : resource === 'phone' ? c.phoneNumberId : c.templateId;
      if (!resource || !id) return;
      const type: RegistryResource = resource === 'phone' ? 'phone_number' : resource;
      await health.apply(tenantId, type, id, faultPatch(resource, failure, Date.now()), 'send_error');
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
