import type { HealthReason, HealthReasonCode, HealthVerdict, TemplateCategory } from '../registry';
import type { UsageIndex } from './usage-index';

/** How far a combination deviates from what the request prefers, best first (docs/resolver.md). */
export const DEVIATIONS = [
  'sticky',
  'primary',
  'same_waba_other_phone',
  'same_waba_other_template',
  'other_waba',
] as const;
export type Deviation = (typeof DEVIATIONS)[number];

/**
 * How equally acceptable combinations share the traffic (docs/capacity.md): `primary-first` keeps the least
 * deviation order (the primary WABA carries everything while it can); `spread` ranks every WABA's preferred
 * template on its best-priority numbers alike and shares the load by remaining headroom.
 */
export const ROUTING_POLICIES = ['primary-first', 'spread'] as const;
export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

/** Why a candidate was excluded. Health details are in `RejectionReason.healthCodes`. */
export const REJECTION_CODES = [
  'waba_unhealthy',
  'waba_excluded',
  'template_unhealthy',
  'template_excluded',
  'category_mismatch',
  'not_equivalent',
  'phone_unhealthy',
  'phone_disabled',
  'phone_excluded',
  'no_throughput_headroom',
  'no_messaging_limit_headroom',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface ResolveRequest {
  /** Seeds the spreading of equally ranked candidates (e.g. message id, or message id + attempt). */
  requestId: string;
  /** Logical template: a template group key, or a template name when no group covers `language`. */
  templateKey: string;
  language: string;
  /** Only templates of this category (e.g. the consent prompt must be UTILITY). */
  category?: TemplateCategory | null;
  /** The primary combination; a known `phoneNumberId` also fixes the primary WABA (its own) over `wabaId`. */
  prefer?: { wabaId?: string | null; phoneNumberId?: string | null } | null;
  /** The contact's sticky phone number (conversation continuity): rank 0. */
  stickyPhoneNumberId?: string | null;
  /** Resources that failed this message's earlier attempts. */
  exclude?: {
    wabaIds?: readonly string[] | null;
    phoneNumberIds?: readonly string[] | null;
    templateIds?: readonly string[] | null;
  } | null;
  /** Default `primary-first`. */
  routing?: RoutingPolicy | null;
  /** How many ranked alternatives to return besides the combination (default 3, at most 20). */
  maxAlternatives?: number | null;
}

/**
 * Usage as seen for this decision. Missing entries mean zero usage. `recipientCountedIn` and `openWindows` are
 * about this request's recipient: a portfolio whose rolling 24 h window already counts the recipient, or a
 * phone number with an open customer-service window to them, spends no messaging-limit capacity.
 */
export interface UsageSnapshot {
  portfolios: Readonly<Record<string, { uniqueRecipients24h: number }>>;
  phones: Readonly<Record<string, { sentLastSecond: number }>>;
  recipientCountedIn?: readonly string[] | null;
  openWindows?: readonly string[] | null;
  /**
   * `portfolios` and `phones` indexed once for many decisions (`indexUsage`, usage-index.ts). Read instead of them
   * when built for the registry index the decision uses; the result is the same, at a cost that does not grow
   * with the numbers a decision rejects.
   */
  indexed?: UsageIndex | null;
}

/** Whether sending spends the portfolio's messaging-limit capacity. */
export type CapacityCost = 'new_recipient' | 'already_counted' | 'open_window';

export interface Combination {
  wabaId: string;
  phoneNumberId: string;
  templateId: string;
  templateName: string;
  language: string;
  category: TemplateCategory;
  portfolioId: string;
  displayPhoneNumber: string;
  deviation: Deviation;
  /** 0 (sticky) … 4 (other WABA). */
  deviationRank: number;
  /** Worst verdict of the WABA, phone number and template: healthy or degraded. */
  verdict: Exclude<HealthVerdict, 'unhealthy'>;
  /** Why degraded (empty when healthy). */
  reasons: readonly HealthReason[];
  capacity: CapacityCost;
  /** Portfolio messaging-limit headroom, fraction of the tier left (1 when unlimited or free). */
  portfolioHeadroom: number;
  /** Phone number throughput headroom this second, as a fraction of its limit. */
  throughputHeadroom: number;
}

export interface RejectionReason {
  code: RejectionCode;
  message: string;
  healthCodes?: readonly HealthReasonCode[];
}

export interface RejectedCandidate {
  wabaId: string;
  phoneNumberId: string;
  templateId: string;
  deviation: Deviation;
  reasons: readonly RejectionReason[];
}

/** Compact, JSON-serialisable account of a decision, stored in the message timeline and shown to operators. */
export interface ResolveExplanation {
  templateKey: string;
  language: string;
  category: TemplateCategory | null;
  /** Which equivalence was used: a template group covering the language, or same name + language. */
  equivalence: 'group' | 'same_name';
  /** Group members that name no template in the registry. */
  unknownMembers: number;
  primary: { wabaId: string | null; templateId: string | null; phoneNumberIds: readonly string[] };
  stickyPhoneNumberId: string | null;
  /** All (WABA, phone, template) candidates. */
  candidates: number;
  /** Candidates examined: ranks are scanned best first until the combination and its alternatives are known. */
  evaluated: number;
  eligible: number;
  chosen: { wabaId: string; phoneNumberId: string; templateId: string; deviation: Deviation; why: string } | null;
  /** Rejected among the evaluated: counts by reason, and the first 20 in rank order. */
  rejected: {
    total: number;
    byReason: Partial<Record<RejectionCode, number>>;
    first: readonly RejectedCandidate[];
  };
}

export type NoneReason = 'no_candidates' | 'all_rejected';

export type ResolveResult =
  | {
      outcome: 'resolved';
      combination: Combination;
      alternatives: readonly Combination[];
      explanation: ResolveExplanation;
    }
  | {
      outcome: 'none';
      /** no_candidates: no template of the group/name exists for the language; all_rejected: see `rejected`. */
      reason: NoneReason;
      /**
       * The first rejected candidates in rank order (at most 50; counts of all are in `explanation.rejected`).
       * A candidate excluded by its WABA or template lists only those reasons: its phone was not examined.
       */
      rejected: readonly RejectedCandidate[];
      explanation: ResolveExplanation;
    };
