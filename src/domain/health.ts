import type {
  AccountReviewStatus,
  BanState,
  Breaker,
  CanSendMessage,
  Health,
  HealthReason,
  HealthReasonCode,
  HealthVerdict,
  Instant,
  PhoneNumber,
  PhoneStatus,
  Portfolio,
  QualityRating,
  RestrictionType,
  Template,
  TemplateStatus,
  TrackedResource,
  Waba,
} from './registry';
import { LOW_HEADROOM_FRACTION, headroom, messagingLimit } from './tiers';

/**
 * Health evaluation (docs/health.md). Pure: time is an input. A resource is healthy only if every criterion holds;
 * `degraded` means usable but ranked after healthy equivalents; `unhealthy` is never used by the resolver.
 *
 * Evaluation is split in two so the resolver can index a registry once: a `HealthProfile` holds the reasons
 * that do not depend on time (`base`) and those that hold only inside a time window (`timed`: breakers,
 * throttles, expiring restrictions, scheduled bans); `healthAt(profile, nowMs)` combines them.
 */

type Rule = readonly [verdict: HealthReason['verdict'], code: HealthReasonCode, message: string] | null;

const WABA_BAN: Readonly<Record<BanState, Rule>> = {
  NONE: null,
  SCHEDULE_FOR_DISABLE: ['degraded', 'waba_ban_scheduled', 'WABA scheduled for disable'],
  DISABLE: ['unhealthy', 'waba_banned', 'WABA banned (DISABLE)'],
};

/** PENDING/DEFERRED/LIMIT_REACHED can still send but are at risk; REJECTED/RESTRICTED cannot send. */
const WABA_REVIEW: Readonly<Record<AccountReviewStatus, Rule>> = {
  APPROVED: null,
  PENDING: ['degraded', 'waba_review_pending', 'WABA account review pending'],
  DEFERRED: ['degraded', 'waba_review_deferred', 'WABA account review deferred'],
  LIMIT_REACHED: ['degraded', 'waba_review_limit_reached', 'WABA account review: limit reached'],
  REJECTED: ['unhealthy', 'waba_review_rejected', 'WABA account review rejected'],
  RESTRICTED: ['unhealthy', 'waba_review_restricted', 'WABA account review: restricted'],
};

/**
 * Only business-initiated restrictions stop template sends. The others are enforcement signals (and a
 * customer-initiated restriction breaks Smart Utility Fallback's session replies): degraded.
 */
const WABA_RESTRICTION: Readonly<Record<RestrictionType, NonNullable<Rule>>> = {
  RESTRICTED_BIZ_INITIATED_MESSAGING: ['unhealthy', 'waba_restricted', 'business-initiated messaging restricted'],
  RESTRICTED_CUSTOMER_INITIATED_MESSAGING: [
    'degraded',
    'waba_restricted_customer_initiated',
    'customer-initiated messaging restricted',
  ],
  RESTRICTED_ADD_PHONE_NUMBER_ACTION: ['degraded', 'waba_restricted_add_phone', 'adding phone numbers restricted'],
};

const PHONE_STATUS: Readonly<Record<PhoneStatus, Rule>> = {
  CONNECTED: null,
  DISCONNECTED: ['unhealthy', 'phone_disconnected', 'phone number disconnected'],
  FLAGGED: ['unhealthy', 'phone_flagged', 'phone number flagged (low quality)'],
  RESTRICTED: ['unhealthy', 'phone_restricted', 'phone number restricted'],
  RATE_LIMITED: ['unhealthy', 'phone_rate_limited', 'phone number rate limited'],
  BANNED: ['unhealthy', 'phone_banned', 'phone number banned'],
  PENDING: ['unhealthy', 'phone_pending', 'phone number pending'],
  DELETED: ['unhealthy', 'phone_deleted', 'phone number deleted'],
  MIGRATED: ['unhealthy', 'phone_migrated', 'phone number migrated away'],
  UNVERIFIED: ['unhealthy', 'phone_unverified', 'phone number unverified'],
  UNKNOWN: ['unhealthy', 'phone_status_unknown', 'phone number status unknown'],
};

/** UNKNOWN (not yet rated) is degraded, not unhealthy: a new number could otherwise never earn a rating. */
const PHONE_QUALITY: Readonly<Record<QualityRating, Rule>> = {
  GREEN: null,
  YELLOW: ['degraded', 'phone_quality_yellow', 'phone quality YELLOW (medium)'],
  RED: ['unhealthy', 'phone_quality_red', 'phone quality RED (low)'],
  UNKNOWN: ['degraded', 'phone_quality_unknown', 'phone quality not yet rated'],
};

const TEMPLATE_STATUS: Readonly<Record<TemplateStatus, Rule>> = {
  APPROVED: null,
  PENDING: ['unhealthy', 'template_pending', 'template pending review'],
  REJECTED: ['unhealthy', 'template_rejected', 'template rejected'],
  PAUSED: ['unhealthy', 'template_paused', 'template paused'],
  DISABLED: ['unhealthy', 'template_disabled', 'template disabled'],
  IN_APPEAL: ['unhealthy', 'template_in_appeal', 'template in appeal'],
  PENDING_DELETION: ['unhealthy', 'template_pending_deletion', 'template pending deletion'],
  DELETED: ['unhealthy', 'template_deleted', 'template deleted'],
  ARCHIVED: ['unhealthy', 'template_archived', 'template archived'],
  LIMIT_EXCEEDED: ['unhealthy', 'template_limit_exceeded', 'template limit exceeded'],
  LOCKED: ['unhealthy', 'template_locked', 'template locked'],
};

/** UNKNOWN is allowed for new templates (docs/health.md). */
const TEMPLATE_QUALITY: Readonly<Record<QualityRating, Rule>> = {
  GREEN: null,
  YELLOW: ['degraded', 'template_quality_yellow', 'template quality YELLOW (medium)'],
  RED: ['unhealthy', 'template_quality_red', 'template quality RED (low)'],
  UNKNOWN: null,
};

const CAN_SEND: Readonly<Record<CanSendMessage, Rule>> = {
  AVAILABLE: null,
  LIMITED: ['degraded', 'can_send_limited', 'health_status can_send_message LIMITED'],
  BLOCKED: ['unhealthy', 'can_send_blocked', 'health_status can_send_message BLOCKED'],
};

const TEMPLATE_STATUS_UNKNOWN: Rule = ['unhealthy', 'template_status_unknown', 'template status not recognised'];

/**
 * The rule for a field value. Rows may carry values this code does not know (a newer Meta enum value, Meta's
 * `NA`): those get a conservative fallback rule instead of passing as healthy, with the raw value as detail.
 */
function known<K extends string>(
  table: Readonly<Record<K, Rule>>,
  value: string,
  fallback: Rule,
): [rule: Rule, detail: string | undefined] {
  return Object.hasOwn(table, value) ? [table[value as K], undefined] : [fallback, `unrecognised value ${value}`];
}

/** A reason that holds only while `fromMs <= now < untilMs`. */
export interface TimedReason {
  fromMs: number;
  untilMs: number;
  reason: HealthReason;
}

export interface HealthProfile {
  base: Health;
  timed: readonly TimedReason[];
}

export const HEALTHY: Health = Object.freeze({ verdict: 'healthy', reasons: Object.freeze([]) });

const SEVERITY: Readonly<Record<HealthVerdict, number>> = { healthy: 0, degraded: 1, unhealthy: 2 };

export function worstVerdict(a: HealthVerdict, b: HealthVerdict): HealthVerdict {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

function toHealth(reasons: readonly HealthReason[]): Health {
  if (reasons.length === 0) return HEALTHY;
  let verdict: HealthVerdict = 'healthy';
  for (const r of reasons) verdict = worstVerdict(verdict, r.verdict);
  return { verdict, reasons };
}

/** Epoch ms of an instant; throws on an unparseable `now` (a caller bug, not a data problem). */
export function toEpochMs(instant: Instant): number {
  const ms = typeof instant === 'number' ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) throw new RangeError(`invalid instant: ${String(instant)}`);
  return ms;
}

/** A resource's own timestamp; an unparseable one keeps its condition in force (conservative). */
function boundMs(iso: string | null | undefined, ifMissing: number): number {
  if (iso === null || iso === undefined) return ifMissing;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? ifMissing : ms;
}

class ProfileBuilder {
  readonly base: HealthReason[] = [];
  readonly timed: TimedReason[] = [];
  rule(rule: Rule, detail?: string): void {
    if (rule) this.base.push(reason(rule, detail));
  }
  window(rule: NonNullable<Rule>, fromMs: number, untilMs: number, detail?: string): void {
    if (fromMs === Number.NEGATIVE_INFINITY && untilMs === Number.POSITIVE_INFINITY) this.rule(rule, detail);
    else this.timed.push({ fromMs, untilMs, reason: reason(rule, detail) });
  }
  common(r: TrackedResource, canSend: CanSendMessage): HealthProfile {
    const info = r.canSendMessageInfo?.length ? r.canSendMessageInfo.join('; ') : undefined;
    const [rule, unknown] = known(CAN_SEND, canSend, CAN_SEND.LIMITED);
    this.rule(rule, unknown ?? (canSend === 'AVAILABLE' ? undefined : info));
    if (r.breaker) this.breaker(r.breaker);
    if (r.stale) this.rule(['degraded', 'stale', 'last refresh from Meta failed; data may be out of date']);
    return { base: toHealth(this.base), timed: this.timed };
  }
  private breaker(b: Breaker): void {
    const until = boundMs(b.openUntil, Number.POSITIVE_INFINITY);
    this.window(['unhealthy', 'breaker_open', 'circuit breaker open'], Number.NEGATIVE_INFINITY, until, b.reason);
  }
}

function reason([verdict, code, message]: NonNullable<Rule>, detail?: string): HealthReason {
  return { code, verdict, message: detail ? `${message}: ${detail}` : message };
}

export function wabaHealthProfile(waba: Waba): HealthProfile {
  const p = new ProfileBuilder();
  if (waba.banState === 'SCHEDULE_FOR_DISABLE' && waba.banDate) {
    const at = boundMs(waba.banDate, Number.NEGATIVE_INFINITY);
    p.window(WABA_BAN.SCHEDULE_FOR_DISABLE!, Number.NEGATIVE_INFINITY, at, `on ${waba.banDate}`);
    p.window(['unhealthy', 'waba_banned', 'WABA disabled'], at, Number.POSITIVE_INFINITY, `since ${waba.banDate}`);
  } else p.rule(...known(WABA_BAN, waba.banState, WABA_BAN.DISABLE));
  p.rule(...known(WABA_REVIEW, waba.accountReviewStatus, WABA_REVIEW.PENDING));
  for (const r of waba.restrictions ?? []) {
    const until = boundMs(r.expiresAt, Number.POSITIVE_INFINITY);
    const [rule, unknown] = known(WABA_RESTRICTION, r.type, WABA_RESTRICTION.RESTRICTED_BIZ_INITIATED_MESSAGING);
    p.window(rule!, Number.NEGATIVE_INFINITY, until, unknown ?? (r.expiresAt ? `until ${r.expiresAt}` : ''));
  }
  if (waba.violation) {
    const until = boundMs(waba.violation.expiresAt, Number.POSITIVE_INFINITY);
    p.window(
      ['unhealthy', 'waba_violation', 'WABA policy violation'],
      Number.NEGATIVE_INFINITY,
      until,
      waba.violation.type,
    );
  }
  if (waba.deleted) p.rule(['unhealthy', 'waba_deleted', 'WABA deleted']);
  if (waba.offboarded) p.rule(['unhealthy', 'waba_offboarded', 'WABA offboarded (partner access lost)']);
  return p.common(waba, waba.canSendMessage);
}

export function phoneHealthProfile(phone: PhoneNumber): HealthProfile {
  const p = new ProfileBuilder();
  p.rule(...known(PHONE_STATUS, phone.status, PHONE_STATUS.UNKNOWN));
  p.rule(...known(PHONE_QUALITY, phone.qualityRating, PHONE_QUALITY.UNKNOWN));
  if (phone.throttledUntil) {
    const until = boundMs(phone.throttledUntil, Number.POSITIVE_INFINITY);
    p.window(
      ['unhealthy', 'phone_throttled', 'throughput cool-down'],
      Number.NEGATIVE_INFINITY,
      until,
      `until ${phone.throttledUntil}`,
    );
  }
  return p.common(phone, phone.canSendMessage);
}

export function templateHealthProfile(template: Template): HealthProfile {
  const p = new ProfileBuilder();
  p.rule(...known(TEMPLATE_STATUS, template.status, TEMPLATE_STATUS_UNKNOWN));
  p.rule(...known(TEMPLATE_QUALITY, template.qualityScore, TEMPLATE_QUALITY.UNKNOWN));
  return p.common(template, template.canSendMessage);
}

/** The health a profile implies at `nowMs`. Returns the shared base object when no timed reason applies. */
export function healthAt(profile: HealthProfile, nowMs: number): Health {
  const { base, timed } = profile;
  if (timed.length === 0) return base;
  let active: HealthReason[] | undefined;
  for (const t of timed) {
    if (t.fromMs <= nowMs && nowMs < t.untilMs) (active ??= [...base.reasons]).push(t.reason);
  }
  return active ? toHealth(active) : base;
}

/** docs/health.md WABA criteria at `now`. */
export function evaluateWaba(waba: Waba, now: Instant): Health {
  return healthAt(wabaHealthProfile(waba), toEpochMs(now));
}

/**
 * docs/health.md phone criteria at `now`, except the portfolio's messaging limit: whether it binds depends on the
 * recipient (already counted, open service window), so the resolver applies it per request and
 * `evaluatePortfolio` reports it for the health matrix. The operator `enabled` switch is not health either.
 */
export function evaluatePhoneNumber(phone: PhoneNumber, now: Instant): Health {
  return healthAt(phoneHealthProfile(phone), toEpochMs(now));
}

/** docs/health.md template criteria at `now`. */
export function evaluateTemplate(template: Template, now: Instant): Health {
  return healthAt(templateHealthProfile(template), toEpochMs(now));
}

/** A portfolio's messaging-limit health for the health matrix: at the limit → unhealthy; nearly → degraded. */
export function evaluatePortfolio(portfolio: Portfolio, uniqueRecipients24h: number): Health {
  const limit = messagingLimit(portfolio.messagingTier);
  const h = headroom(limit, uniqueRecipients24h);
  const detail = `${uniqueRecipients24h}/${limit} unique recipients in 24 h (${portfolio.messagingTier})`;
  if (h.remaining <= 0)
    return toHealth([reason(['unhealthy', 'portfolio_limit_reached', 'messaging limit reached'], detail)]);
  if (h.fraction < LOW_HEADROOM_FRACTION) {
    return toHealth([reason(['degraded', 'portfolio_limit_near', 'messaging limit nearly reached'], detail)]);
  }
  return HEALTHY;
}
