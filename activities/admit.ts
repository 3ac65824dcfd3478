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
      const consent = await checkConsent(deps, input);
      if (!consent.allowed) return { consent };
      return { consent, resolved: await resolveCombination(phase, input) };
    },
  };
}
