import type { HealthChange } from '../meta/webhook-health-schemas';
import {
  MESSAGING_TIERS,
  PHONE_STATUSES,
  QUALITY_RATINGS,
  TEMPLATE_CATEGORIES,
  type MessagingTier,
  type PhoneStatus,
  type QualityRating,
  type TemplateStatus,
} from './registry';

/**
 * Webhook field + value → registry patches (docs/health.md). Pure: the caller supplies what the webhook
 * does not say (the WABA's portfolio, its numbers for a display-number lookup) and applies each patch through
 * the one health path. Patches use the domain's field names (src/domain/registry.ts).
 */
export type HealthTarget = 'waba' | 'phone_number' | 'template' | 'portfolio';

export interface HealthPatch {
  resourceType: HealthTarget;
  id: string;
  patch: Record<string, unknown>;
}

export interface WabaContext {
  /** `entry[].id`. */
  wabaId: string;
  /** The WABA's portfolio as registered by the tenant (absent: tier changes cannot be placed). */
  portfolioId?: string;
  /** The WABA's numbers: `phone_number_quality_update` names a number only by its display number. */
  phones: readonly { id: string; displayPhoneNumber: string }[];
  /** `entry[].time`, Unix seconds. */
  time?: number;
}

const isoFromSeconds = (s: number) => new Date(s * 1000).toISOString();

/** Meta dates come as `YYYY-MM-DD`, ISO strings or Unix seconds; an unparseable one is kept (health stays strict). */
function isoDate(v: string | number | undefined): string | null {
  if (v === undefined || v === '') return null;
  if (typeof v === 'number' || /^\d+$/.test(v)) return isoFromSeconds(Number(v));
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? v : new Date(ms).toISOString();
}

/** Unknown tier names count as NOT_SET (the lowest limit), as Portfolio.messagingTier asks. */
function tier(v: string): MessagingTier {
  return (MESSAGING_TIERS as readonly string[]).includes(v) ? (v as MessagingTier) : 'NOT_SET';
}

const PER_PHONE_TIERS: Readonly<Record<number, MessagingTier>> = {
  50: 'TIER_50',
  250: 'TIER_250',
  1000: 'TIER_1K',
  2000: 'TIER_2K',
  10000: 'TIER_10K',
  100000: 'TIER_100K',
  [-1]: 'TIER_UNLIMITED',
};

function quality(v: string): QualityRating {
  return (QUALITY_RATINGS as readonly string[]).includes(v) ? (v as QualityRating) : 'UNKNOWN';
}

/** Template status events → the node's status; FLAGGED is a quality fact (below), not a status. */
export const TEMPLATE_EVENT_STATUS: Readonly<Record<string, TemplateStatus>> = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  PENDING: 'PENDING',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  IN_APPEAL: 'IN_APPEAL',
  PENDING_DELETION: 'PENDING_DELETION',
  DELETED: 'DELETED',
  ARCHIVED: 'ARCHIVED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  LOCKED: 'LOCKED',
  REINSTATED: 'APPROVED',
  UNARCHIVED: 'APPROVED',
};

/**
 * Phone events: FLAGGED = quality dropped to low; UNFLAGGED = back to at least medium (YELLOW until a sync
 * tells the exact rating); UPGRADE/DOWNGRADE/ONBOARDING carry only limits.
 */
const PHONE_EVENT_PATCH: Readonly<Record<string, Record<string, unknown>>> = {
  FLAGGED: { status: 'FLAGGED', qualityRating: 'RED' },
  UNFLAGGED: { status: 'CONNECTED', qualityRating: 'YELLOW' },
  THROUGHPUT_UPGRADE: { throughputLevel: 'HIGH' },
};

const digits = (s: string) => s.replace(/\D/g, '');

function portfolioPatch(ctx: WabaContext, messagingTier: MessagingTier | undefined): HealthPatch[] {
  return ctx.portfolioId && messagingTier
    ? [{ resourceType: 'portfolio', id: ctx.portfolioId, patch: { messagingTier } }]
    : [];
}

function accountUpdate(v: Extract<HealthChange, { field: 'account_update' }>['value'], ctx: WabaContext) {
  const waba = (patch: Record<string, unknown>): HealthPatch[] => [{ resourceType: 'waba', id: ctx.wabaId, patch }];
  if (!('ban_info' in v || 'violation_info' in v || 'restriction_info' in v)) {
    if (v.event === 'ACCOUNT_DELETED') return waba({ deleted: true });
    if (v.event === 'ACCOUNT_OFFBOARDED') return waba({ offboarded: true });
    if (v.event === 'ACCOUNT_RECONNECTED') return waba({ offboarded: false });
    return []; // informational: verification, partners, pricing
  }
  if ('ban_info' in v) {
    const { waba_ban_state: state, waba_ban_date: date } = v.ban_info;
    // A reinstatement also clears the violation that led to it (Waba.violation: "null once cleared").
    if (state === 'REINSTATE') return waba({ banState: 'NONE', banDate: null, violation: null });
    return waba({ banState: state, banDate: isoDate(date) });
  }
  if ('violation_info' in v) {
    const at = ctx.time === undefined ? null : isoFromSeconds(ctx.time);
    return waba({ violation: { type: v.violation_info.violation_type, at } });
  }
  // The list is the whole current set: an empty one lifts every restriction.
  const restrictions = v.restriction_info.map((r) => ({
    type: r.restriction_type,
    expiresAt: r.expiration === undefined ? null : isoFromSeconds(r.expiration),
  }));
  return waba({ restrictions });
}

function alert(v: Extract<HealthChange, { field: 'account_alerts' }>['value'], ctx: WabaContext): HealthPatch[] {
  const info = v.alert_info;
  const lastAlert = {
    type: info.alert_type,
    severity: info.alert_severity ?? null,
    status: info.alert_status ?? null,
    description: info.alert_description ?? null,
    at: ctx.time === undefined ? null : isoFromSeconds(ctx.time),
  };
  if (v.entity_type === 'PHONE_NUMBER') {
    const status = /^PHONE_NUMBER_([A-Z_]+)$/.exec(info.alert_type)?.[1];
    const known = status !== undefined && (PHONE_STATUSES as readonly string[]).includes(status);
    return [
      {
        resourceType: 'phone_number',
        id: v.entity_id,
        patch: known ? { status: status as PhoneStatus, lastAlert } : { lastAlert },
      },
    ];
  }
  // WABA alerts name the WABA; BUSINESS alerts concern the portfolio and are recorded on the WABA that relayed them.
  return [{ resourceType: 'waba', id: v.entity_type === 'WABA' ? v.entity_id : ctx.wabaId, patch: { lastAlert } }];
}

/** The registry patches a health webhook implies; `[]` for events with no health impact. */
export function healthPatchesOf(change: HealthChange, ctx: WabaContext): HealthPatch[] {
  switch (change.field) {
    case 'account_update':
      return accountUpdate(change.value, ctx);
    case 'account_review_update':
      return [{ resourceType: 'waba', id: ctx.wabaId, patch: { accountReviewStatus: change.value.decision } }];
    case 'phone_number_quality_update': {
      const v = change.value;
      const phone = v.display_phone_number
        ? ctx.phones.find((p) => digits(p.displayPhoneNumber) === digits(v.display_phone_number!))
        : undefined;
      const patch = PHONE_EVENT_PATCH[v.event];
      const limit = v.max_daily_conversations_per_business ?? v.current_limit;
      return [
        ...(phone && patch ? [{ resourceType: 'phone_number' as const, id: phone.id, patch }] : []),
        ...portfolioPatch(ctx, limit === undefined ? undefined : tier(limit)),
      ];
    }
    case 'message_template_status_update': {
      const v = change.value;
      const disableDate = v.disable_info?.disable_date;
      const extra = disableDate === undefined ? {} : { disableDate: isoDate(disableDate) };
      if (v.event === 'FLAGGED') {
        return [{ resourceType: 'template', id: v.message_template_id, patch: { qualityScore: 'RED', ...extra } }];
      }
      const status = TEMPLATE_EVENT_STATUS[v.event];
      return status ? [{ resourceType: 'template', id: v.message_template_id, patch: { status, ...extra } }] : [];
    }
    case 'message_template_quality_update':
      return [
        {
          resourceType: 'template',
          id: change.value.message_template_id,
          patch: { qualityScore: quality(change.value.new_quality_score) },
        },
      ];
    case 'template_category_update': {
      const v = change.value;
      if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(v.new_category)) return [];
      // `correct_category` announces a change taking effect in ~24 h: noted, not yet applied.
      const patch =
        v.correct_category !== undefined && v.previous_category === undefined
          ? { announcedCategory: v.correct_category }
          : { category: v.new_category };
      return [{ resourceType: 'template', id: v.message_template_id, patch }];
    }
    case 'business_capability_update': {
      const v = change.value;
      const fromPhone =
        v.max_daily_conversation_per_phone === undefined
          ? undefined
          : (PER_PHONE_TIERS[v.max_daily_conversation_per_phone] ?? 'NOT_SET');
      const named = v.max_daily_conversations_per_business;
      return portfolioPatch(ctx, named === undefined ? fromPhone : tier(named));
    }
    case 'account_alerts':
      return alert(change.value, ctx);
  }
}
