import type { HealthChangeRow } from '../db/repositories/health-changes';
import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../domain/health';
import type { Breaker, RegistrySnapshot } from '../domain/registry';

/** A breaker as the matrix shows it: open or closed now, and why it opened. */
function breakerView(b: Breaker | null | undefined, now: number) {
  if (!b) return null;
  return {
    open: Date.parse(b.openUntil) > now,
    openUntil: b.openUntil,
    reason: b.reason,
    openedAt: b.openedAt ?? null,
  };
}

/**
 * GET /v1/health (docs/api.md): every WABA, number and template with its verdict and reasons, plus what an
 * operator looks at beside them (docs/console.md): quality, messaging tier, breaker state and recent changes.
 * Pure: the snapshot and the changes are read by the route.
 */
export function healthMatrix(s: RegistrySnapshot, changes: HealthChangeRow[], now: number) {
  const recent = (type: string, id: string) =>
    changes
      .filter((c) => c.resourceType === type && c.resourceId === id)
      .map((c) => ({ at: c.at, source: c.source, verdict: c.verdict, change: c.change }));
  const tiers = new Map(s.portfolios.map((p) => [p.id, p.messagingTier]));
  const row = (type: string, id: string, name: string, h: { verdict: string; reasons: readonly unknown[] }) => ({
    type,
    id,
    name,
    verdict: h.verdict,
    reasons: h.reasons,
    recentChanges: recent(type, id),
  });
  return {
    checkedAt: new Date(now).toISOString(),
    wabas: s.wabas.map((w) => ({
      ...row('waba', w.id, w.name, evaluateWaba(w, now)),
      tier: tiers.get(w.portfolioId) ?? null,
      breaker: breakerView(w.breaker, now),
    })),
    phoneNumbers: s.phoneNumbers.map((p) => ({
      ...row('phone_number', p.id, p.displayPhoneNumber, evaluatePhoneNumber(p, now)),
      wabaId: p.wabaId,
      quality: p.qualityRating,
      breaker: breakerView(p.breaker, now),
    })),
    templates: s.templates.map((t) => ({
      ...row('template', t.id, `${t.name}/${t.language}`, evaluateTemplate(t, now)),
      wabaId: t.wabaId,
      status: t.status,
      quality: t.qualityScore,
      breaker: breakerView(t.breaker, now),
    })),
  };
}
