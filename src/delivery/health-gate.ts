import { evaluatePhoneNumber, evaluateTemplate, evaluateWaba } from '../domain/health';
import type { HealthReason, Template } from '../domain/registry';
import type { RegistryIndex } from '../domain/resolver';
import type { BlamedResource } from './types';

/** One tenant's registry as the delivery phases read it: indexed for the resolver, templates by id. */
export interface RegistryView {
  index: RegistryIndex;
  templates: ReadonlyMap<string, Template>;
}

/** What an attempt sends through, by id. */
export interface SendTarget {
  wabaId: string;
  phoneNumberId: string;
  /** Absent for session messages, which use no template. */
  templateId?: string;
}

export interface UnhealthyPart {
  resource: BlamedResource;
  /** Empty when the resource is no longer registered (or a number was disabled by an operator). */
  reasons: readonly HealthReason[];
}

/**
 * The pre-send health gate, pure: the first unhealthy part of a combination at `now`, if any. Health is checked
 * right before every send, not only at resolution: under load a resolved message can wait in a queue while its
 * WABA is banned.
 */
export function unhealthyPart(registry: RegistryView, target: SendTarget, now: number): UnhealthyPart | undefined {
  const { index, templates } = registry;
  const waba = index.wabas.get(target.wabaId)?.waba;
  const phone = index.phones.get(target.phoneNumberId)?.phone;
  const template = target.templateId === undefined ? undefined : templates.get(target.templateId);
  const checks = [
    ['waba', waba && evaluateWaba(waba, now)],
    ['phone', phone && (phone.enabled ? evaluatePhoneNumber(phone, now) : { verdict: 'unhealthy', reasons: [] })],
    ...(target.templateId === undefined ? [] : [['template', template && evaluateTemplate(template, now)] as const]),
  ] as const;
  for (const [resource, health] of checks) {
    if (!health) return { resource, reasons: [] }; // no longer registered
    if (health.verdict === 'unhealthy') return { resource, reasons: health.reasons };
  }
  return undefined;
}

/**
 * The first part of a combination that is degraded at `now` (a YELLOW number or template, a WABA under review…),
 * if any. A campaign batch asks it before a send it planned on healthy parts: a part that turned degraded since
 * gives its traffic to healthy equivalents (docs/capacity.md, "Quality shedding").
 */
export function degradedPart(registry: RegistryView, target: SendTarget, now: number): BlamedResource | undefined {
  const { index, templates } = registry;
  const waba = index.wabas.get(target.wabaId)?.waba;
  if (waba && evaluateWaba(waba, now).verdict === 'degraded') return 'waba';
  const phone = index.phones.get(target.phoneNumberId)?.phone;
  if (phone && evaluatePhoneNumber(phone, now).verdict === 'degraded') return 'phone';
  const template = target.templateId === undefined ? undefined : templates.get(target.templateId);
  if (template && evaluateTemplate(template, now).verdict === 'degraded') return 'template';
  return undefined;
}
