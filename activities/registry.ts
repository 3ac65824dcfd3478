import type { ContactsRepo } from '../src/db/repositories/contacts';
import type { MessagesRepo } from '../src/db/repositories/messages';
import type { RegistryRepo } from '../src/db/repositories/registry';
import type { UsageRepo } from '../src/db/repositories/usage';
import { resolve } from '../src/domain/resolver';
import type { RegistryCache } from '../src/services/registry-cache';
import type { ResolveInput, ResolveOutput } from '../workflows/definitions';

export interface RegistryDeps {
  registry: RegistryRepo;
  usage: UsageRepo;
  contacts: ContactsRepo;
  messages: MessagesRepo;
  cache: RegistryCache;
}

const SERVICE_WINDOW_MS = 24 * 3_600_000;

export function createRegistryActivities(deps: RegistryDeps) {
  const indexFor = async (tenantId: string) => (await deps.cache.get(tenantId)).index;

  return {
    /** Picks the healthiest least-deviating combination (DESIGN.md §4) and records the resolver's explanation. */
    async resolveCombination(input: ResolveInput): Promise<ResolveOutput> {
      const now = Date.now();
      const [index, usage, contact] = await Promise.all([
        indexFor(input.tenantId),
        deps.usage.snapshot(input.tenantId, input.recipient, now),
        deps.contacts.get(input.tenantId, input.recipient),
      ]);
      const openWindows = Object.entries(contact?.lastInbound ?? {})
        .filter(([, at]) => now - Date.parse(at) < SERVICE_WINDOW_MS)
        .map(([phone]) => phone);
      const result = resolve(
        {
          requestId: `${input.messageId}:${input.step}`,
          templateKey: input.templateKey,
          language: input.language,
          prefer: input.prefer,
          stickyPhoneNumberId: contact?.stickyPhoneNumberId ?? undefined,
          exclude: input.exclude,
          category: input.category,
        },
        index,
        { ...usage, openWindows },
        now,
      );
      await deps.messages.appendEvent(
        input.tenantId,
        input.messageId,
        result.outcome === 'resolved' ? 'resolved' : 'no_combination',
        { explanation: result.explanation },
        `resolve-${input.step}`,
      );
      if (result.outcome === 'none') return { outcome: 'none', reason: result.reason };
      const c = result.combination;
      return {
        outcome: 'resolved',
        combination: {
          wabaId: c.wabaId,
          phoneNumberId: c.phoneNumberId,
          templateId: c.templateId,
          templateName: c.templateName,
          language: c.language,
          portfolioId: c.portfolioId,
        },
        category: c.category,
      };
    },
  };
}
