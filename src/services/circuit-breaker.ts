import { isOwnRefusal, type BlamedResource, type FailureClass } from '../domain/failure';
import { type BreakerPolicy, type BreakerState, DEFAULT_BREAKER_POLICY, closedBreaker, observe } from './breaker-state';
import type { HealthUpdates, RegistryResource } from './health-updates';

/** How long an error Meta attributed to a resource keeps it out of rotation before it may be tried again. */
function cooldownMs(failure: FailureClass): number {
  if (failure.kind === 'throttled') return failure.retryAfterMs ?? 1_000;
  if (failure.kind === 'auth') return 15 * 60_000;
  return 10 * 60_000;
}

/** The health fact a send error establishes, in the domain's field names (one path with sync and webhooks). */
export function faultPatch(resource: BlamedResource, failure: FailureClass, now: number, untilMs?: number) {
  const until = new Date(untilMs ?? now + cooldownMs(failure)).toISOString();
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
 * Failures that state a fact Meta will not revise on the next send — a number's throttle with its retry time,
 * invalid credentials, a paused or disabled template, a locked WABA, an unregistered number — apply at once. Any other error blaming a resource counts
 * toward its error rate (breaker-state.ts): one error does not take a WABA or number out of rotation.
 */
function isFact(resource: BlamedResource, failure: FailureClass): boolean {
  if (failure.kind !== 'resource') return true;
  if (resource === 'template') return failure.code === 132015 || failure.code === 132016;
  // A locked (banned) or policy-restricted WABA, and a deleted or unregistered number, are account states Meta
  // states outright: waiting for an error rate would let every concurrent send hit the ban first.
  if (resource === 'waba') return failure.code === 131031 || failure.code === 368;
  return failure.code === 33 || failure.code === 133010;
}

type Parts = { wabaId?: string | null; phoneNumberId: string; templateId?: string | null };

/**
 * Circuit breaking where the error is observed — the send step (synchronous errors) and the status-webhook
 * handler (asynchronous ones) — so every other message's next resolution and pre-send check avoid the resource
 * within milliseconds, not after a round trip through the failing message's workflow. Each process keeps the
 * error-rate windows of what it observes; an opened circuit is written to the registry for every process.
 */
export function createCircuitBreaker(
  health: HealthUpdates,
  policy: BreakerPolicy = DEFAULT_BREAKER_POLICY,
  clock: () => number = Date.now,
) {
  const circuits = new Map<string, BreakerState>();
  const keyOf = (tenantId: string, type: RegistryResource, id: string) => `${tenantId}\0${type}\0${id}`;
  return {
    async report(tenantId: string, c: Parts, failure: FailureClass): Promise<void> {
      const resource = blamedResource(failure);
      const id = resource === 'waba' ? c.wabaId : resource === 'phone' ? c.phoneNumberId : c.templateId;
      if (!resource || !id) return;
      const type: RegistryResource = resource === 'phone' ? 'phone_number' : resource;
      const now = clock();
      if (isFact(resource, failure)) {
        await health.apply(tenantId, type, id, faultPatch(resource, failure, now), 'send_error');
        return;
      }
      const key = keyOf(tenantId, type, id);
      const state = circuits.get(key) ?? closedBreaker();
      circuits.set(key, state);
      const v = observe(state, now, true, policy);
      if (v.verdict === 'open') {
        await health.apply(tenantId, type, id, faultPatch(resource, failure, now, v.openUntil), 'send_error');
      }
    },

    /** A send Meta accepted: a success in each part's window; a half-open circuit's probe closes it. */
    recordSuccess(tenantId: string, c: Parts): void {
      const parts: [RegistryResource, string | null | undefined][] = [
        ['waba', c.wabaId],
        ['phone_number', c.phoneNumberId],
        ['template', c.templateId],
      ];
      for (const [type, id] of parts) {
        const key = id ? keyOf(tenantId, type, id) : undefined;
        const state = key ? circuits.get(key) : undefined;
        if (!key || !state) continue; // only resources that failed recently have a window
        observe(state, clock(), false, policy);
        if (state.phase === 'closed' && !state.outcomes.some((o) => o.failed)) circuits.delete(key);
      }
    },
  };
}

export type CircuitBreaker = ReturnType<typeof createCircuitBreaker>;
