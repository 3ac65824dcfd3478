import type { ContactsRepo } from '../src/db/repositories/contacts';
import type { MessagesRepo } from '../src/db/repositories/messages';
import type { UsageRepo } from '../src/db/repositories/usage';
import { resolveCombination, type ResolveInput, type ResolveOutput } from '../src/delivery';
import type { RegistryCache } from '../src/services/registry-cache';

export interface RegistryDeps {
  usage: UsageRepo;
  contacts: ContactsRepo;
  messages: MessagesRepo;
  cache: RegistryCache;
}

export function createRegistryActivities(deps: RegistryDeps) {
  const phase = { registry: deps.cache, usage: deps.usage, contacts: deps.contacts, timeline: deps.messages };
  return {
    /** Picks the healthiest least-deviating combination (docs/resolver.md) and records the resolver's explanation. */
    async resolveCombination(input: ResolveInput): Promise<ResolveOutput> {
      return resolveCombination(phase, input);
    },
  };
}
