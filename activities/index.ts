import { composeLifeline, type Lifeline, type LifelineClients } from '../src/composition';
import { sealedTokens } from '../src/delivery';
import { createFallbackActivities } from './fallback';
import { createMessageActivities } from './messages';
import { createRegistryActivities } from './registry';
import { createRegistrySyncActivities } from './registry-sync';
import { createSendActivities } from './send';

/** The worker's clients, or the process's composition when the API runs beside the worker (one cache, one breaker). */
export type ActivityDeps = LifelineClients & { lifeline?: Lifeline };

/** Every activity the worker hosts, closed over its clients; workflows proxy this type with `import type`. */
export function createActivities(deps: ActivityDeps) {
  const l = deps.lifeline ?? composeLifeline(deps);
  return {
    ...createMessageActivities(l),
    ...createFallbackActivities(l),
    ...createRegistryActivities(l),
    ...createSendActivities({
      attempts: l.messages,
      registry: l.cache,
      templates: l.registry,
      tokens: sealedTokens(l.registry, l.secrets),
      usage: l.usage,
      meta: l.meta,
      breaker: l.breaker,
    }),
    ...createRegistrySyncActivities(l),
  };
}
