import type { ContactsRepo } from '../src/db/repositories/contacts';
import type { MessagesRepo } from '../src/db/repositories/messages';
import type { RegistryRepo } from '../src/db/repositories/registry';
import type { UsageRepo } from '../src/db/repositories/usage';
import { resolve } from '../src/domain/resolver';
import type { RegistryCache } from '../src/services/registry-cache';
import type { HealthUpdates, RegistryResource } from '../src/services/health-updates';
import type { FailureClass, ResolveInput, ResolveOutput } from '../workflows/definitions';

export interface RegistryDeps {
  registry: RegistryRepo;
  usage: UsageRepo;
  contacts: ContactsRepo;
  messages: MessagesRepo;
  health: HealthUpdates;
  cache: RegistryCache;
}

const SERVICE_WINDOW_MS = 24 * 3_600_000;

/** How long an error Meta attributed to a resource keeps it out of rotation before it may be tried again. */
function cooldownMs(failure: FailureClass): number {
  if (failure.kind === 'throttled') return failure.retryAfterMs ?? 1_000;
  if (failure.kind === 'auth') return 15 * 60_000;
  return 10 * 60_000;
}

/** The health fact a send error establishes, in the domain's field names (one path with sync and webhooks). */
export function faultPatch(resource: 'waba' | 'phone' | 'template', failure: FailureClass, now: number) {
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

    /** Circuit breaking: an error Meta attributed to a resource takes it out of rotation for every message. */
    async reportResourceFault(input: {
      tenantId: string;
      resource: 'waba' | 'phone' | 'template';
      id: string;
      failure: FailureClass;
    }): Promise<void> {
      const type: RegistryResource = input.resource === 'phone' ? 'phone_number' : input.resource;
      await deps.health.apply(
        input.tenantId,
        type,
        input.id,
        faultPatch(input.resource, input.failure, Date.now()),
        'send_error',
      );
    },
  };
}
