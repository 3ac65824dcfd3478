import {
  checkConsent,
  resolveCombination,
  type ConsentVerdict,
  type ResolveInput,
  type ResolveOutput,
} from '../src/delivery';
import type { MessageDeps } from './messages';
import type { RegistryDeps } from './registry';

export type AdmitResult =
  { consent: Extract<ConsentVerdict, { allowed: false }> } | { consent: { allowed: true }; resolved: ResolveOutput };

/**
 * A message's first step from revision 3 of the path on (docs/temporal.md, "Path revisions"): the consent phase
 * and, when it allows the message, its first resolution, in one local activity instead of two — each local
 * activity is a round trip between the worker's threads, the largest per-message cost Temporal adds here.
 */
export function createAdmitActivities(deps: MessageDeps & RegistryDeps) {
  const phase = { registry: deps.cache, usage: deps.usage, contacts: deps.contacts, timeline: deps.messages };
  return {
    async admit(input: ResolveInput): Promise<AdmitResult> {
      // One contact read for both phases: consent judges it, the resolver ranks with it (sticky sender, windows).
      const contact = deps.contacts.get(input.tenantId, input.recipient);
      const contacts = { get: () => contact };
      const consent = await checkConsent({ contacts, tenants: deps.tenants }, input);
      if (!consent.allowed) return { consent };
      return { consent, resolved: await resolveCombination({ ...phase, contacts }, input) };
    },
  };
}
