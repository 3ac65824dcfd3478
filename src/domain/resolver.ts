import { toEpochMs } from './health';
import type { Instant, RegistrySnapshot } from './registry';
import { buildResult } from './resolver/explain';
import { type RegistryIndex, groupKey, indexSnapshot, isRegistryIndex } from './resolver/registry-index';
import { scan } from './resolver/scan';
import type { ResolveRequest, ResolveResult, UsageSnapshot } from './resolver/types';

export { indexSnapshot, isRegistryIndex, type RegistryIndex } from './resolver/registry-index';
export { countSend, indexUsage, type UsageIndex, type UsageRecords } from './resolver/usage-index';
export * from './resolver/types';

export const DEFAULT_MAX_ALTERNATIVES = 3;
const MAX_ALTERNATIVES = 20;

/**
 * The MLAM resolver (docs/resolver.md): picks the (WABA, phone number, template) combination that deviates least from
 * what the request prefers, among those that are healthy, permitted and have headroom. Pure and deterministic:
 * the same inputs give the same result; ties are spread by a hash of the request id and the candidate.
 *
 * Equivalence: the template group whose key is `request.templateKey` and that lists `request.language`; otherwise
 * every template named `request.templateKey` in `request.language`, in `snapshot.wabas` order.
 *
 * Primary combination: the WABA of `prefer.phoneNumberId` (when known), else `prefer.wabaId` (when known), else
 * the WABA of the first group member that exists in the registry; its template is the WABA's first group
 * member; its phone is `prefer.phoneNumberId`, else every enabled phone of that WABA with the best (lowest)
 * operator priority (several phones can share the primary rank, so one number does not carry all traffic).
 *
 * Excluded, each with a reason: unhealthy WABA/phone/template (health.ts at `now`), operator-disabled phone,
 * `request.exclude`, another category than `request.category`, a phone without throughput headroom this
 * second, a portfolio at its messaging limit unless the recipient is already counted in its window
 * (`usage.recipientCountedIn`) or the phone has an open service window with them (`usage.openWindows`).
 *
 * Ranking: healthy before degraded (docs/health.md: traffic moves away from a YELLOW, LIMITED or stale resource when
 * a healthy equivalent exists anywhere), then deviation rank (0 sticky phone, 1 primary, 2 same WABA other
 * phone, 3 same WABA other template, 4 other WABA), then within a rank: fewer degraded resources, quality
 * (phone + template: GREEN, UNKNOWN, YELLOW), portfolio pressure (under 10% of the tier left while the
 * recipient would cost capacity → after), group order, operator priority, then weighted rendezvous hashing over
 * remaining headroom (portfolio fraction × throughput fraction) so equal candidates share the load in
 * proportion to what they have left; scan order last.
 *
 * `none` lists every candidate with every reason; a `resolved` explanation covers the candidates examined
 * (work that cannot change the chosen combination or its alternatives is skipped).
 *
 * Pass an index from `indexSnapshot` instead of the snapshot to skip indexing on every decision, and, for many
 * decisions on the same usage, `usage.indexed` from `indexUsage` (same result, a cost that does not grow with the
 * numbers a decision rejects: docs/capacity.md, "Resolver cost").
 */
export function resolve(
  request: ResolveRequest,
  registry: RegistrySnapshot | RegistryIndex,
  usage: UsageSnapshot,
  now: Instant,
): ResolveResult {
  const nowMs = toEpochMs(now);
  const index = isRegistryIndex(registry) ? registry : indexSnapshot(registry);
  const key = groupKey(request.templateKey, request.language);
  const group = index.groups.get(key) ?? index.sameName.get(key);
  const wanted = request.maxAlternatives ?? DEFAULT_MAX_ALTERNATIVES;
  const alternatives = Number.isFinite(wanted) ? Math.min(MAX_ALTERNATIVES, Math.max(0, Math.floor(wanted))) : 0;
  const result = group ? scan(index, group, request, usage, nowMs, alternatives + 1) : undefined;
  return buildResult(request, group, result);
}
