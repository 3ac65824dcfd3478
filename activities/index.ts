import { composeLifeline, type Lifeline, type LifelineClients } from '../src/composition';
import { sealedTokens } from '../src/delivery';
import { createAdmitActivities } from './admit';
import { createCampaignActivities } from './campaign';
import { createFallbackActivities } from './fallback';
import { createMessageActivities } from './messages';
import { createRegistryActivities } from './registry';
import { createRegistrySyncActivities } from './registry-sync';
import { createSendActivities } from './send';
import { observeActivities } from './observed';
import type { DeliveryObserver } from '../src/delivery/observer';

/** The worker's clients, or the process's composition when the API runs beside the worker (one cache, one breaker). */
export type ActivityDeps = LifelineClients & {
  lifeline?: Lifeline;
  /** Where sends, failovers, resolutions and the fallback funnel are reported (the worker's metrics). */
  observer?: DeliveryObserver;
};

/** Every activity the worker hosts, closed over its clients; workflows proxy this type with `import type`. */
export function createActivities(deps: ActivityDeps): HostedActivities {
  return observeActivities(hostedActivities(deps.lifeline ?? composeLifeline(deps), deps.observer), deps.observer);
}

export type HostedActivities = ReturnType<typeof hostedActivities>;

function hostedActivities(l: Lifeline, observer: DeliveryObserver | undefined) {
  return {
    ...createMessageActivities(l),
    ...createFallbackActivities(l),
    ...createRegistryActivities(l),
    ...createAdmitActivities(l),
    ...createSendActivities({
      attempts: l.messages,
      registry: l.cache,
      templates: l.registry,
      tokens: sealedTokens(l.registry, l.secrets),
      capacity: l.capacity,
      meta: l.meta,
      breaker: l.breaker,
      consent: l.sendConsent,
      windows: l.windows,
      progress: l.messages,
    }),
    ...createCampaignActivities({
      campaigns: l.campaignRepo,
      queue: l.campaignQueue,
      contacts: l.contacts,
      tenants: l.tenants,
      tokens: sealedTokens(l.registry, l.secrets),
      usage: l.usage,
      capacity: l.capacity,
      cache: l.cache,
      breaker: l.breaker,
      meta: l.meta,
      escalations: l.escalations,
      planner: l.campaignCapacity,
      guard: l.campaignGuard,
      now: l.now,
      observer,
    }),
    ...createRegistrySyncActivities(l),
  };
}
