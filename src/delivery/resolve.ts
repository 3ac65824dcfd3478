import {
  resolve,
  type RegistryIndex,
  type ResolveResult,
  type Combination as RankedCombination,
  type RoutingPolicy,
  type UsageSnapshot,
} from '../domain/resolver';
import type { TimelineEventType } from '../domain/timeline';
import type { Combination, Exclusions } from './types';

/** A customer's reply opens a 24 h service window with the number they wrote to (Meta's customer-service window). */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

export interface ResolveInput {
  tenantId: string;
  messageId: string;
  recipient: string;
  templateKey: string;
  language: string;
  prefer?: { wabaId?: string; phoneNumberId?: string };
  routing?: RoutingPolicy;
  exclude: Exclusions;
  category?: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
  /** The resolution's ordinal within the message: seeds load spreading, and dedupes its timeline event. */
  step: number;
}

/**
 * What a resolution returns to its driver. `why` is the resolver's one-line reason for its choice: it travels in
 * the workflow's history (the resolve step's result), so the Temporal Web UI shows the decision and its reason.
 */
export type ResolveOutput =
  | { outcome: 'resolved'; combination: Combination; category: string; why?: string }
  | { outcome: 'none'; reason: string };

/** What resolution needs to know about the recipient (a `contacts` row fits). */
export interface RecipientView {
  stickyPhoneNumberId: string | null;
  /** Phone number id → time of the recipient's last message to it. */
  lastInbound: Record<string, string>;
}

/** The numbers with an open service window to the recipient: sending from them spends no messaging limit. */
export function openWindows(lastInbound: Record<string, string> | undefined, now: number): string[] {
  return Object.entries(lastInbound ?? {})
    .filter(([, at]) => now - Date.parse(at) < SERVICE_WINDOW_MS)
    .map(([phone]) => phone);
}

/**
 * The resolve phase, pure: one recipient against a given registry snapshot (index) and usage. A batch driver
 * indexes the registry once per batch and calls this per recipient; `resolveCombination` is the per-message form.
 */
export function resolveAgainst(
  index: RegistryIndex,
  usage: Omit<UsageSnapshot, 'openWindows'>,
  contact: RecipientView | undefined,
  input: Omit<ResolveInput, 'tenantId' | 'recipient'>,
  now: number,
): ResolveResult {
  return resolve(
    {
      requestId: `${input.messageId}:${input.step}`,
      templateKey: input.templateKey,
      language: input.language,
      prefer: input.prefer,
      routing: input.routing,
      stickyPhoneNumberId: contact?.stickyPhoneNumberId ?? undefined,
      exclude: input.exclude,
      category: input.category,
    },
    index,
    { ...usage, openWindows: openWindows(contact?.lastInbound, now) },
    now,
  );
}

/** The resolver's choice as an attempt's combination (what travels through Temporal and into attempt rows). */
export function toCombination(c: RankedCombination): Combination {
  return {
    wabaId: c.wabaId,
    phoneNumberId: c.phoneNumberId,
    templateId: c.templateId,
    templateName: c.templateName,
    language: c.language,
    portfolioId: c.portfolioId,
  };
}

/** The outcome a driver acts on, from the resolver's full result (whose explanation goes to the timeline). */
export function toResolveOutput(result: ResolveResult): ResolveOutput {
  if (result.outcome === 'none') return { outcome: 'none', reason: result.reason };
  return {
    outcome: 'resolved',
    combination: toCombination(result.combination),
    category: result.combination.category,
    why: result.explanation.chosen?.why,
  };
}

export interface ResolveDeps {
  /** The tenant's indexed registry (the worker's version-checked cache). */
  registry: { get(tenantId: string): Promise<{ index: RegistryIndex }> };
  usage: { snapshot(tenantId: string, waId: string, now: number): Promise<Omit<UsageSnapshot, 'openWindows'>> };
  contacts: { get(tenantId: string, waId: string): Promise<RecipientView | undefined> };
  timeline: {
    appendEvent(
      tenantId: string,
      messageId: string,
      type: TimelineEventType,
      data: Record<string, unknown>,
      key: string,
    ): Promise<unknown>;
  };
}

/** The resolve phase for one message: reads the registry, usage and contact, resolves, records the explanation. */
export async function resolveCombination(deps: ResolveDeps, input: ResolveInput): Promise<ResolveOutput> {
  const now = Date.now();
  const [{ index }, usage, contact] = await Promise.all([
    deps.registry.get(input.tenantId),
    deps.usage.snapshot(input.tenantId, input.recipient, now),
    deps.contacts.get(input.tenantId, input.recipient),
  ]);
  const result = resolveAgainst(index, usage, contact, input, now);
  await deps.timeline.appendEvent(
    input.tenantId,
    input.messageId,
    result.outcome === 'resolved' ? 'resolved' : 'no_combination',
    { explanation: result.explanation },
    `resolve-${input.step}`,
  );
  return toResolveOutput(result);
}
