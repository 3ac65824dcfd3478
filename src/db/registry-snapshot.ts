import type { PhoneNumber, Portfolio, RegistrySnapshot, Template, Waba } from '../domain/registry';
import type { GroupRow, PhoneRow, PortfolioRow, TemplateRow, WabaRow } from './repositories/registry';

/**
 * Maps stored rows to the domain snapshot. `fields` holds the domain's own property names (written by sync,
 * webhooks and send errors), so mapping is defaults + fields + the columns the database owns.
 */
export function wabaFromRow(r: WabaRow): Waba {
  return {
    accountReviewStatus: 'APPROVED',
    banState: 'NONE',
    restrictions: [],
    deleted: false,
    offboarded: false,
    canSendMessage: 'AVAILABLE',
    ...(r.fields as Partial<Waba>),
    id: r.id,
    portfolioId: r.portfolioId,
    name: r.name,
    syncedAt: r.syncedAt ? new Date(r.syncedAt).toISOString() : null,
  };
}

export function phoneFromRow(r: PhoneRow): PhoneNumber {
  return {
    status: 'UNKNOWN',
    qualityRating: 'UNKNOWN',
    throughputLevel: 'STANDARD',
    canSendMessage: 'AVAILABLE',
    ...(r.fields as Partial<PhoneNumber>),
    id: r.id,
    wabaId: r.wabaId,
    displayPhoneNumber: r.displayPhoneNumber,
    enabled: r.enabled,
    priority: r.priority,
    syncedAt: r.syncedAt ? new Date(r.syncedAt).toISOString() : null,
  };
}

export function templateFromRow(r: TemplateRow): Template {
  return {
    status: 'PENDING',
    qualityScore: 'UNKNOWN',
    canSendMessage: 'AVAILABLE',
    ...(r.fields as Partial<Template>),
    id: r.id,
    wabaId: r.wabaId,
    name: r.name,
    language: r.language,
    category: r.category as Template['category'],
    components: r.components,
    syncedAt: r.syncedAt ? new Date(r.syncedAt).toISOString() : null,
  };
}

export function portfolioFromRow(r: PortfolioRow): Portfolio {
  return { id: r.id, messagingTier: r.messagingTier as Portfolio['messagingTier'] };
}

export function toSnapshot(rows: {
  portfolios: PortfolioRow[];
  wabas: WabaRow[];
  phones: PhoneRow[];
  templates: TemplateRow[];
  groups: GroupRow[];
}): RegistrySnapshot {
  return {
    portfolios: rows.portfolios.map(portfolioFromRow),
    wabas: rows.wabas.map(wabaFromRow),
    phoneNumbers: rows.phones.map(phoneFromRow),
    templates: rows.templates.map(templateFromRow),
    groups: rows.groups.map((g) => ({ key: g.key, members: g.members })),
  };
}
