import type { Pool } from '../src/db/pool';
import { sealedTokens } from '../src/delivery';
import { createConsentRepo } from '../src/db/repositories/consent';
import { createContactsRepo } from '../src/db/repositories/contacts';
import { createMessagesRepo } from '../src/db/repositories/messages';
import { createRegistryRepo } from '../src/db/repositories/registry';
import { createTenantsRepo } from '../src/db/repositories/tenants';
import { createUsageRepo } from '../src/db/repositories/usage';
import type { MetaClient } from '../src/meta/client';
import type { SecretBox } from '../src/secrets';
import { createCircuitBreaker } from '../src/services/circuit-breaker';
import { createHealthUpdates } from '../src/services/health-updates';
import { createRegistryCache } from '../src/services/registry-cache';
import { createRegistrySync } from '../src/services/registry-sync';
import { createFallbackActivities } from './fallback';
import { createMessageActivities } from './messages';
import { createRegistryActivities } from './registry';
import { createRegistrySyncActivities } from './registry-sync';
import { createSendActivities } from './send';

export interface ActivityDeps {
  pool: Pool;
  meta: MetaClient;
  secrets: SecretBox;
}

/** Every activity the worker hosts, closed over its clients; workflows proxy this type with `import type`. */
export function createActivities(deps: ActivityDeps) {
  const messages = createMessagesRepo(deps.pool);
  const registry = createRegistryRepo(deps.pool);
  const usage = createUsageRepo(deps.pool);
  const contacts = createContactsRepo(deps.pool);
  const tenants = createTenantsRepo(deps.pool);
  const health = createHealthUpdates(deps.pool, registry);
  const cache = createRegistryCache(registry);
  return {
    ...createMessageActivities({ messages, contacts, tenants }),
    ...createFallbackActivities({ registry, tenants, consent: createConsentRepo(deps.pool) }),
    ...createRegistryActivities({ usage, contacts, messages, cache }),
    ...createSendActivities({
      attempts: messages,
      registry: cache,
      templates: registry,
      tokens: sealedTokens(registry, deps.secrets),
      usage,
      meta: deps.meta,
      breaker: createCircuitBreaker(health),
    }),
    ...createRegistrySyncActivities({ sync: createRegistrySync({ ...deps, registry }), usage }),
  };
}
