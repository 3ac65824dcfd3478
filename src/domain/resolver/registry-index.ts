import { type HealthProfile, phoneHealthProfile, templateHealthProfile, wabaHealthProfile } from '../health';
import type { PhoneNumber, Portfolio, QualityRating, RegistrySnapshot, Template, Waba } from '../registry';
import { messagingLimit, throughputLimit } from '../tiers';
import { templateShape } from './equivalence';
import { fnv1a } from './hash';

/**
 * A registry snapshot indexed for the resolver: maps by id, group members resolved to templates, health
 * profiles precomputed (only time-windowed reasons are evaluated per decision). Build once per registry
 * version with `indexSnapshot`; it is never mutated afterwards, so one index serves concurrent decisions.
 */
export interface RegistryIndex {
  readonly kind: 'lifeline.registry-index';
  readonly snapshot: RegistrySnapshot;
  readonly wabas: ReadonlyMap<string, WabaEntry>;
  readonly phones: ReadonlyMap<string, PhoneEntry>;
  /** Template groups by `key \0 language` (only languages the group lists). */
  readonly groups: ReadonlyMap<string, GroupEntry>;
  /** Implicit equivalence by `name \0 language`, members in `snapshot.wabas` order. */
  readonly sameName: ReadonlyMap<string, GroupEntry>;
  /** `WabaEntry.portfolioOrdinal` of every portfolio id a WABA names (usage-index.ts keeps arrays by it). */
  readonly portfolioOrdinals: ReadonlyMap<string, number>;
  /** How many `MemberEntry`s the index holds, over `groups` and `sameName` (their `ordinal`s are below it). */
  readonly memberCount: number;
}

export interface WabaEntry {
  readonly waba: Waba;
  /** Position in the index's WABAs (usage-index.ts keeps per-WABA state by it). */
  readonly ordinal: number;
  readonly portfolioOrdinal: number;
  readonly portfolio: Portfolio | undefined;
  /** Messaging limit of the portfolio (50 when the portfolio is missing from the snapshot). */
  readonly limit: number;
  readonly profile: HealthProfile;
  /** In snapshot order. */
  readonly phones: readonly PhoneEntry[];
  /** Best (lowest) operator priority among enabled phones; Infinity when none is enabled. */
  readonly bestPriority: number;
}

export interface PhoneEntry {
  readonly phone: PhoneNumber;
  readonly waba: WabaEntry;
  /** Position in the index's phone numbers (usage-index.ts keeps per-number usage by it). */
  readonly ordinal: number;
  /** Position in `waba.phones`. */
  readonly position: number;
  readonly profile: HealthProfile;
  readonly hash: number;
  readonly throughputLimit: number;
  readonly quality: number;
}

export interface TemplateEntry {
  readonly template: Template;
  readonly waba: WabaEntry;
  readonly profile: HealthProfile;
  readonly hash: number;
  readonly quality: number;
  /** Category, header format and parameter count: templates are equivalent only when these match. */
  readonly shape: string;
}

export interface MemberEntry {
  readonly template: TemplateEntry;
  /** Position in the group's preference order. */
  readonly order: number;
  /** Position among the group's members in the same WABA (0: the WABA's preferred template). */
  readonly wabaOrder: number;
  /** Position among every member of the index (usage-index.ts keeps per-member evaluations by it). */
  readonly ordinal: number;
}

export interface GroupEntry {
  readonly equivalence: 'group' | 'same_name';
  readonly members: readonly MemberEntry[];
  readonly byWaba: ReadonlyMap<string, readonly MemberEntry[]>;
  /** Total (phone, template) candidates. */
  readonly candidates: number;
  readonly unknownMembers: number;
}

/** GREEN first; UNKNOWN (unrated) before YELLOW (degrading); RED is never eligible. */
export const QUALITY_ORDER: Readonly<Record<QualityRating, number>> = { GREEN: 0, UNKNOWN: 1, YELLOW: 2, RED: 3 };

const SEP = '\u0000';
export const groupKey = (key: string, language: string): string => key + SEP + language;
const templateKey = (wabaId: string, name: string, language: string): string => wabaId + SEP + name + SEP + language;

export function isRegistryIndex(x: RegistrySnapshot | RegistryIndex): x is RegistryIndex {
  return (x as RegistryIndex).kind === 'lifeline.registry-index';
}

/** Index a snapshot. Phones and templates of WABAs missing from the snapshot are ignored. */
export function indexSnapshot(snapshot: RegistrySnapshot): RegistryIndex {
  const portfolios = new Map(snapshot.portfolios.map((p) => [p.id, p]));
  const phonesByWaba = new Map<string, PhoneNumber[]>();
  for (const p of snapshot.phoneNumbers) push(phonesByWaba, p.wabaId, p);

  const wabas = new Map<string, WabaEntry>();
  const phones = new Map<string, PhoneEntry>();
  const portfolioOrdinals = new Map<string, number>();
  for (const waba of snapshot.wabas) {
    if (wabas.has(waba.id)) continue;
    const portfolio = portfolios.get(waba.portfolioId);
    const phoneEntries: PhoneEntry[] = [];
    if (!portfolioOrdinals.has(waba.portfolioId)) portfolioOrdinals.set(waba.portfolioId, portfolioOrdinals.size);
    const entry = {
      waba,
      ordinal: wabas.size,
      portfolioOrdinal: portfolioOrdinals.get(waba.portfolioId)!,
      portfolio,
      limit: messagingLimit(portfolio?.messagingTier ?? 'NOT_SET'),
      profile: wabaHealthProfile(waba),
      phones: phoneEntries,
      bestPriority: Number.POSITIVE_INFINITY,
    };
    for (const phone of phonesByWaba.get(waba.id) ?? []) {
      if (phones.has(phone.id)) continue;
      const pe: PhoneEntry = {
        phone,
        waba: entry,
        ordinal: phones.size,
        position: phoneEntries.length,
        profile: phoneHealthProfile(phone),
        hash: fnv1a(phone.id),
        throughputLimit: phone.throughputPerSecond || throughputLimit(phone.throughputLevel),
        quality: QUALITY_ORDER[phone.qualityRating] ?? 1,
      };
      phoneEntries.push(pe);
      phones.set(phone.id, pe);
      if (phone.enabled && phone.priority < entry.bestPriority) entry.bestPriority = phone.priority;
    }
    wabas.set(waba.id, entry);
  }

  const templates = new Map<string, TemplateEntry>();
  const sameNameLists = new Map<string, TemplateEntry[]>();
  const byWabaOrder = [...snapshot.templates].filter((t) => wabas.has(t.wabaId));
  const wabaOrder = new Map([...wabas.keys()].map((id, i) => [id, i]));
  byWabaOrder.sort((a, b) => wabaOrder.get(a.wabaId)! - wabaOrder.get(b.wabaId)!); // stable: keeps template order
  for (const template of byWabaOrder) {
    const key = templateKey(template.wabaId, template.name, template.language);
    if (templates.has(key)) continue;
    const te: TemplateEntry = {
      template,
      waba: wabas.get(template.wabaId)!,
      profile: templateHealthProfile(template),
      hash: fnv1a(template.id),
      quality: QUALITY_ORDER[template.qualityScore] ?? 1,
      shape: templateShape(template),
    };
    templates.set(key, te);
    push(sameNameLists, groupKey(template.name, template.language), te);
  }

  const groups = new Map<string, GroupEntry>();
  const ordinals = { next: 0 };
  for (const group of snapshot.groups) {
    const byLanguage = new Map<string, { found: TemplateEntry[]; unknown: number }>();
    for (const m of group.members) {
      const slot = byLanguage.get(m.language) ?? { found: [], unknown: 0 };
      byLanguage.set(m.language, slot);
      const te = templates.get(templateKey(m.wabaId, m.name, m.language));
      if (te === undefined) slot.unknown++;
      else if (!slot.found.includes(te)) slot.found.push(te);
    }
    for (const [language, slot] of byLanguage) {
      const k = groupKey(group.key, language);
      if (!groups.has(k)) groups.set(k, groupEntry('group', slot.found, slot.unknown, ordinals));
    }
  }
  const sameName = new Map<string, GroupEntry>();
  for (const [k, list] of sameNameLists) sameName.set(k, groupEntry('same_name', list, 0, ordinals));

  return {
    kind: 'lifeline.registry-index',
    snapshot,
    wabas,
    phones,
    groups,
    sameName,
    portfolioOrdinals,
    memberCount: ordinals.next,
  };
}

function groupEntry(
  equivalence: GroupEntry['equivalence'],
  list: TemplateEntry[],
  unknown: number,
  ordinals: { next: number },
): GroupEntry {
  const byWaba = new Map<string, MemberEntry[]>();
  const members: MemberEntry[] = [];
  let candidates = 0;
  for (const [order, template] of list.entries()) {
    const m = {
      template,
      order,
      wabaOrder: byWaba.get(template.waba.waba.id)?.length ?? 0,
      ordinal: ordinals.next++,
    };
    members.push(m);
    push(byWaba, template.waba.waba.id, m);
    candidates += template.waba.phones.length;
  }
  return { equivalence, members, byWaba, candidates, unknownMembers: unknown };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
