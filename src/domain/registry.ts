/**
 * The registry snapshot consumed by health evaluation and the MLAM resolver: plain, JSON-serialisable
 * objects (ISO-8601 strings for instants, no classes, no Dates), one tenant's view. The database layer maps
 * rows to these types; workflows receive them as activity results. Optional fields accept `null` or absence
 * alike, so a row's NULL column can be passed through unchanged.
 *
 * Every enum is exported as a constant list (`as const`) so callers can build zod enums
 * (`z.enum(PHONE_STATUSES)`) and table tests can iterate every value.
 */

/** An instant: an ISO-8601 string (`2026-05-01T12:00:00.000Z`) or epoch milliseconds. */
export type Instant = string | number;

/** Portfolio messaging limit (unique recipients per rolling 24 h, shared by every number of the portfolio). */
export const MESSAGING_TIERS = [
  'TIER_50',
  'TIER_250',
  'TIER_1K',
  'TIER_2K',
  'TIER_10K',
  'TIER_100K',
  'TIER_UNLIMITED',
  'NOT_SET',
] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

/** `health_status.can_send_message` of a WABA, phone number or template node. */
export const CAN_SEND_MESSAGE_VALUES = ['AVAILABLE', 'LIMITED', 'BLOCKED'] as const;
export type CanSendMessage = (typeof CAN_SEND_MESSAGE_VALUES)[number];

/** WABA ban state from the `account_update` DISABLED_UPDATE webhook (REINSTATE maps back to NONE). */
export const BAN_STATES = ['NONE', 'SCHEDULE_FOR_DISABLE', 'DISABLE'] as const;
export type BanState = (typeof BAN_STATES)[number];

/** WABA `account_review_status` (node field) / `account_review_update.decision` (webhook). */
export const ACCOUNT_REVIEW_STATUSES = [
  'APPROVED',
  'PENDING',
  'DEFERRED',
  'REJECTED',
  'LIMIT_REACHED',
  'RESTRICTED',
] as const;
export type AccountReviewStatus = (typeof ACCOUNT_REVIEW_STATUSES)[number];

/** `account_update` ACCOUNT_RESTRICTION `restriction_info[].restriction_type`. */
export const RESTRICTION_TYPES = [
  'RESTRICTED_BIZ_INITIATED_MESSAGING',
  'RESTRICTED_CUSTOMER_INITIATED_MESSAGING',
  'RESTRICTED_ADD_PHONE_NUMBER_ACTION',
] as const;
export type RestrictionType = (typeof RESTRICTION_TYPES)[number];

/** Phone number node `status`. */
export const PHONE_STATUSES = [
  'CONNECTED',
  'DISCONNECTED',
  'FLAGGED',
  'RESTRICTED',
  'RATE_LIMITED',
  'BANNED',
  'PENDING',
  'DELETED',
  'MIGRATED',
  'UNVERIFIED',
  'UNKNOWN',
] as const;
export type PhoneStatus = (typeof PHONE_STATUSES)[number];

/** Phone `quality_rating` and template `quality_score.score` (Meta's `NA` maps to UNKNOWN). */
export const QUALITY_RATINGS = ['GREEN', 'YELLOW', 'RED', 'UNKNOWN'] as const;
export type QualityRating = (typeof QUALITY_RATINGS)[number];

/** Phone `throughput.level`: STANDARD = 80 messages/s, HIGH = up to 1,000. */
export const THROUGHPUT_LEVELS = ['STANDARD', 'HIGH', 'NOT_APPLICABLE'] as const;
export type ThroughputLevel = (typeof THROUGHPUT_LEVELS)[number];

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Template `status` (node field; webhook events FLAGGED/REINSTATED/UNARCHIVED map onto these). */
export const TEMPLATE_STATUSES = [
  'APPROVED',
  'PENDING',
  'REJECTED',
  'PAUSED',
  'DISABLED',
  'IN_APPEAL',
  'PENDING_DELETION',
  'DELETED',
  'ARCHIVED',
  'LIMIT_EXCEEDED',
  'LOCKED',
] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export const HEALTH_VERDICTS = ['healthy', 'degraded', 'unhealthy'] as const;
/** healthy: use freely; degraded: usable but ranked after healthy equivalents; unhealthy: never used. */
export type HealthVerdict = (typeof HEALTH_VERDICTS)[number];

export const HEALTH_SOURCES = ['sync', 'webhook', 'send_error', 'operator'] as const;
/** Where a health fact came from: polling Meta, a webhook, a send error Meta attributed, or an operator. */
export type HealthSource = (typeof HEALTH_SOURCES)[number];

/** Machine-readable reason codes; health.ts documents which field value yields which code. */
export const HEALTH_REASON_CODES = [
  'waba_banned',
  'waba_ban_scheduled',
  'waba_review_pending',
  'waba_review_deferred',
  'waba_review_rejected',
  'waba_review_restricted',
  'waba_review_limit_reached',
  'waba_restricted',
  'waba_restricted_customer_initiated',
  'waba_restricted_add_phone',
  'waba_violation',
  'waba_deleted',
  'waba_offboarded',
  'phone_disconnected',
  'phone_flagged',
  'phone_restricted',
  'phone_rate_limited',
  'phone_banned',
  'phone_pending',
  'phone_deleted',
  'phone_migrated',
  'phone_unverified',
  'phone_status_unknown',
  'phone_quality_yellow',
  'phone_quality_red',
  'phone_quality_unknown',
  'phone_throttled',
  'template_pending',
  'template_rejected',
  'template_paused',
  'template_disabled',
  'template_in_appeal',
  'template_pending_deletion',
  'template_deleted',
  'template_archived',
  'template_limit_exceeded',
  'template_locked',
  'template_status_unknown',
  'template_quality_yellow',
  'template_quality_red',
  'portfolio_limit_reached',
  'portfolio_limit_near',
  'can_send_limited',
  'can_send_blocked',
  'breaker_open',
  'stale',
] as const;
export type HealthReasonCode = (typeof HEALTH_REASON_CODES)[number];

/** Why a resource is not healthy. */
export interface HealthReason {
  code: HealthReasonCode;
  message: string;
  /** The verdict this reason alone imposes. */
  verdict: Exclude<HealthVerdict, 'healthy'>;
}

/** The result of evaluating a resource at an instant. `reasons` is empty exactly when `verdict` is healthy. */
export interface Health {
  verdict: HealthVerdict;
  reasons: readonly HealthReason[];
}

/** A health verdict as stored and shown (wabas/phone_numbers/templates health columns, `GET /v1/health`). */
export interface HealthRecord extends Health {
  source: HealthSource;
  checkedAt: string;
}

/** A circuit breaker opened from observed send errors (or by an operator); open while `now < openUntil`. */
export interface Breaker {
  openUntil: string;
  reason: string;
  openedAt?: string | null;
  source?: HealthSource | null;
}

/** Freshness and breaker fields shared by WABAs, phone numbers and templates. */
export interface TrackedResource {
  /**
   * True when the latest refresh from Meta failed: the other fields may be out of date. A stale resource is at
   * best `degraded` (never healthy-by-default) and keeps any worse verdict its last known fields imply.
   */
  stale?: boolean | null;
  /** When Meta last confirmed the fields (sync or webhook). Informational. */
  syncedAt?: string | null;
  breaker?: Breaker | null;
  /** `health_status.additional_info` / `errors[].error_description`, appended to LIMITED/BLOCKED reasons. */
  canSendMessageInfo?: readonly string[] | null;
}

/** A Meta business portfolio: owns WABAs; its messaging limit is shared by all their numbers. */
export interface Portfolio {
  id: string;
  name?: string | null;
  /** Unknown values from Meta should be mapped to NOT_SET (treated as the lowest tier, 50). */
  messagingTier: MessagingTier;
}

export interface WabaRestriction {
  type: RestrictionType;
  /** The restriction applies while `now < expiresAt`; absent/null = until cleared. */
  expiresAt?: string | null;
}

export interface WabaViolation {
  /** `violation_info.violation_type` (a policy category string). */
  type: string;
  at?: string | null;
  /** The violation counts while `now < expiresAt`; absent/null = until cleared (reinstatement or operator). */
  expiresAt?: string | null;
}

export interface Waba extends TrackedResource {
  id: string;
  portfolioId: string;
  name: string;
  accountReviewStatus: AccountReviewStatus;
  banState: BanState;
  /** `ban_info.waba_ban_date`: when SCHEDULE_FOR_DISABLE takes effect (then treated as DISABLE). */
  banDate?: string | null;
  restrictions: readonly WabaRestriction[];
  /** Latest ACCOUNT_VIOLATION ("flagged"); null once cleared. */
  violation?: WabaViolation | null;
  /** ACCOUNT_DELETED received. */
  deleted: boolean;
  /** ACCOUNT_OFFBOARDED received (partner access lost) and not yet ACCOUNT_RECONNECTED. */
  offboarded: boolean;
  canSendMessage: CanSendMessage;
}

export interface PhoneNumber extends TrackedResource {
  id: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName?: string | null;
  status: PhoneStatus;
  qualityRating: QualityRating;
  throughputLevel: ThroughputLevel;
  /**
   * Messages per second when Meta holds the number below its level's (coexistence numbers — WhatsApp Business app
   * and Cloud API on one number — are fixed at 20); absent: the level's (tiers.ts).
   */
  throughputPerSecond?: number | null;
  canSendMessage: CanSendMessage;
  /** Operator switch: a disabled number is never chosen (not a health verdict). */
  enabled: boolean;
  /** Operator preference: lower = preferred; default 0. */
  priority: number;
  /** Cool-down after a throughput error (130429): unhealthy while `now < throttledUntil`. */
  throttledUntil?: string | null;
}

export interface Template extends TrackedResource {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  status: TemplateStatus;
  qualityScore: QualityRating;
  canSendMessage: CanSendMessage;
  /** Meta's management-API `components` array, as synced. */
  components: readonly unknown[];
  parameterFormat?: 'POSITIONAL' | 'NAMED' | null;
}

export interface TemplateGroupMember {
  wabaId: string;
  name: string;
  language: string;
}

/**
 * The association map: a logical template key and its equivalent concrete templates across WABAs, in
 * preference order. A group applies to the languages its members list; for any other language (and for keys
 * without a group) templates with the same name and language across the tenant's WABAs are equivalent.
 */
export interface TemplateGroup {
  key: string;
  members: readonly TemplateGroupMember[];
}

/**
 * One tenant's registry. Order matters where the spec is silent: `wabas` order (registration order is the
 * natural choice) is the preference order of implicit groups; `phoneNumbers` order breaks no ties (the
 * resolver spreads ties by hash) but is the scan order shown in explanations.
 */
export interface RegistrySnapshot {
  portfolios: readonly Portfolio[];
  wabas: readonly Waba[];
  phoneNumbers: readonly PhoneNumber[];
  templates: readonly Template[];
  groups: readonly TemplateGroup[];
}
