import type { Health, HealthReason } from '../registry';
import type { GroupEntry } from './registry-index';
import type { Candidate, MemberState } from './rank';
import type { PhoneEntry } from './registry-index';
import {
  MAX_LISTED_REJECTIONS,
  MEMBER_MASK as MEMBER_MASK_IMPORT,
  type Rejection,
  type Rejections,
  countByReason,
  emptyRejections,
} from './rejections';
import { sentOf } from './evaluate';
import type { Scan } from './scan';
import {
  type Combination,
  DEVIATIONS as DEVIATIONS_IMPORT,
  REJECTION_CODES as REJECTION_CODES_IMPORT,
  type RejectedCandidate,
  type RejectionCode,
  type RejectionReason,
  type ResolveExplanation,
  type ResolveRequest,
  type ResolveResult,
} from './types';

// Bound once: tsx/esbuild compile each use of an imported binding to a getter call (hot loops below).
const DEVIATIONS = DEVIATIONS_IMPORT;
const REJECTION_CODES = REJECTION_CODES_IMPORT;
const MEMBER_MASK = MEMBER_MASK_IMPORT;

export const MAX_EXPLAINED_REJECTIONS = 20;
const MAX_EXPLAINED_PRIMARY_PHONES = 10;

const DEVIATION_TEXT = [
  "the contact's sticky phone number (conversation continuity)",
  'the primary combination',
  'another phone number of the primary WABA with the primary template',
  'an equivalent template in the primary WABA',
  'another WABA of the group',
] as const;

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
const pct = (x: number): string => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
const deviation = (rank: number) => DEVIATIONS[rank] ?? 'other_waba';

/** Turn a scan into the public result: the combination and alternatives, or `none` with every rejection. */
export function buildResult(
  request: ResolveRequest,
  group: GroupEntry | undefined,
  scan: Scan | undefined,
): ResolveResult {
  const best = scan?.best ?? [];
  const rejections = scan?.rejections ?? emptyRejections();
  const chosen = best[0];
  // A `none` lists more than its explanation keeps: the explanation's are the first of them.
  const listed = listRejections(request, scan, rejections, chosen ? MAX_EXPLAINED_REJECTIONS : MAX_LISTED_REJECTIONS);
  const explanation: ResolveExplanation = {
    templateKey: request.templateKey,
    language: request.language,
    category: request.category ?? null,
    equivalence: group?.equivalence ?? 'same_name',
    unknownMembers: group?.unknownMembers ?? 0,
    primary: {
      wabaId: scan?.primary.waba?.waba.id ?? null,
      templateId: scan?.primary.template?.template.template.id ?? null,
      phoneNumberIds: primaryPhoneIds(scan),
    },
    stickyPhoneNumberId: scan?.sticky?.phone.id ?? null,
    candidates: group?.candidates ?? 0,
    evaluated: scan?.evaluated ?? 0,
    eligible: scan?.eligible ?? 0,
    chosen: chosen
      ? {
          wabaId: chosen.ms.member.template.waba.waba.id,
          phoneNumberId: chosen.phone.phone.id,
          templateId: chosen.ms.member.template.template.id,
          deviation: deviation(chosen.rank),
          why: why(chosen, rejections, scan),
        }
      : null,
    rejected: {
      total: rejections.total,
      byReason: countByReason(rejections),
      first: listed.slice(0, MAX_EXPLAINED_REJECTIONS),
    },
  };
  if (chosen) {
    return {
      outcome: 'resolved',
      combination: combination(chosen),
      alternatives: best.slice(1).map(combination),
      explanation,
    };
  }
  return {
    outcome: 'none',
    reason: rejections.total === 0 ? 'no_candidates' : 'all_rejected',
    rejected: listed,
    explanation,
  };
}

function primaryPhoneIds(scan: Scan | undefined): string[] {
  const p = scan?.primary;
  if (!p?.waba) return [];
  if (p.phone) return [p.phone.phone.id];
  const best = p.waba.bestPriority;
  return p.waba.phones
    .filter((x) => x.phone.enabled && x.phone.priority === best)
    .slice(0, MAX_EXPLAINED_PRIMARY_PHONES)
    .map((x) => x.phone.id);
}

function combination(c: Candidate): Combination {
  const t = c.ms.member.template.template;
  const w = c.ms.member.template.waba.waba;
  const reasons: HealthReason[] =
    c.degraded === 0 ? [] : [...c.ms.wabaHealth.reasons, ...c.phoneHealth.reasons, ...c.ms.templateHealth.reasons];
  return {
    wabaId: w.id,
    phoneNumberId: c.phone.phone.id,
    templateId: t.id,
    templateName: t.name,
    language: t.language,
    category: t.category,
    portfolioId: w.portfolioId,
    displayPhoneNumber: c.phone.phone.displayPhoneNumber,
    deviation: deviation(c.rank),
    deviationRank: c.rank,
    verdict: c.degraded === 0 ? 'healthy' : 'degraded',
    reasons,
    capacity: c.capacity,
    portfolioHeadroom: round(c.portfolioFraction),
    throughputHeadroom: round(c.throughputFraction),
  };
}

function why(c: Candidate, rejections: Rejections, scan: Scan | undefined): string {
  const parts: string[] = [DEVIATION_TEXT[c.rank] ?? 'another WABA'];
  const better = Object.entries(countByReason(rejections, c.rank));
  if (better.length > 0)
    parts.push(`better-ranked candidates rejected: ${better.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  const passedOver = (scan?.degradedByRank ?? []).slice(0, c.rank).reduce((a, b) => a + b, 0);
  if (passedOver > 0 && c.degraded === 0) {
    parts.push(`${passedOver} degraded candidate(s) of better rank passed over for a healthy one`);
  }
  if (c.degraded > 0) {
    const codes = [...c.ms.wabaHealth.reasons, ...c.phoneHealth.reasons, ...c.ms.templateHealth.reasons].map(
      (r) => r.code,
    );
    parts.push(`degraded (${codes.join(', ')}); no healthy equivalent ranked higher`);
  }
  parts.push(
    `quality phone ${c.phone.phone.qualityRating} / template ${c.ms.member.template.template.qualityScore}`,
    c.capacity === 'new_recipient'
      ? `portfolio ${c.ms.member.template.waba.waba.portfolioId} headroom ${pct(c.portfolioFraction)}`
      : `no messaging-limit cost (${c.capacity})`,
    `throughput headroom ${pct(c.throughputFraction)}`,
  );
  if (c.pressure === 1)
    parts.push('portfolio near its messaging limit and no portfolio with more headroom ranks equal');
  return parts.join('; ');
}

/**
 * Materialises the first `n` kept rejections. WABA/template reasons are built once per group member and shared by
 * its phones' entries; a shared evaluation's entries are built once for every decision that lists them.
 */
function listRejections(
  request: ResolveRequest,
  scan: Scan | undefined,
  rejections: Rejections,
  n: number,
): RejectedCandidate[] {
  const out: RejectedCandidate[] = [];
  let byMember: Map<MemberState, readonly RejectionReason[]> | null = null;
  for (const r of rejections.kept) {
    const kept = r.listed;
    for (let i = 0; i < r.phones.length; i++) {
      if (out.length >= n) return out;
      // A shared rejection's entries are built by the first decision that lists them, in phone order.
      let e = kept?.[i];
      if (e === undefined) {
        byMember ??= new Map();
        e = rejectedEntry(request, scan!, r, r.phones[i]!, byMember);
        kept?.push(e);
      }
      out.push(e);
    }
  }
  return out;
}

function rejectedEntry(
  request: ResolveRequest,
  scan: Scan,
  r: Rejection,
  phone: PhoneEntry,
  byMember: Map<MemberState, readonly RejectionReason[]>,
): RejectedCandidate {
  let memberReasons = byMember.get(r.ms);
  if (memberReasons === undefined) {
    memberReasons = reasonsOf(request, scan, r, phone, r.ms.mask);
    byMember.set(r.ms, memberReasons);
  }
  const phoneMask = r.mask & ~MEMBER_MASK;
  return {
    wabaId: r.ms.member.template.waba.waba.id,
    phoneNumberId: phone.phone.id,
    templateId: r.ms.member.template.template.id,
    deviation: deviation(r.rank),
    reasons: phoneMask === 0 ? memberReasons : memberReasons.concat(reasonsOf(request, scan, r, phone, phoneMask)),
  };
}

function reasonsOf(request: ResolveRequest, scan: Scan, r: Rejection, phone: PhoneEntry, mask: number) {
  const out: RejectionReason[] = [];
  for (let i = 0; i < REJECTION_CODES.length; i++) {
    if (mask & (1 << i)) out.push(reason(REJECTION_CODES[i]!, r, phone, request, scan));
  }
  return out;
}

function unhealthy(code: RejectionCode, subject: string, h: Health): RejectionReason {
  const bad = h.reasons.filter((x) => x.verdict === 'unhealthy');
  return {
    code,
    message: `${subject} unhealthy: ${bad.map((x) => x.message).join('; ')}`,
    healthCodes: bad.map((x) => x.code),
  };
}

function reason(
  code: RejectionCode,
  r: Rejection,
  phone: PhoneEntry,
  request: ResolveRequest,
  scan: Scan,
): RejectionReason {
  const t = r.ms.member.template;
  const w = t.waba;
  switch (code) {
    case 'waba_unhealthy':
      return unhealthy(code, 'WABA', r.ms.wabaHealth);
    case 'template_unhealthy':
      return unhealthy(code, 'template', r.ms.templateHealth);
    case 'phone_unhealthy':
      return unhealthy(code, 'phone number', r.phoneHealth ?? phone.profile.base);
    case 'waba_excluded':
    case 'template_excluded':
    case 'phone_excluded':
      return { code, message: 'failed an earlier attempt of this message' };
    case 'category_mismatch':
      return { code, message: `template is ${t.template.category}, request needs ${request.category ?? ''}` };
    case 'not_equivalent':
      return {
        code,
        message: `template shape ${t.shape} (category|header|parameters) differs from the primary template's ${scan.shape ?? ''}`,
      };
    case 'phone_disabled':
      return { code, message: 'phone number disabled by an operator' };
    case 'no_throughput_headroom': {
      const sent = sentOf(scan, phone);
      return {
        code,
        message: `throughput limit reached (${sent}/${phone.throughputLimit} messages in the last second)`,
      };
    }
    case 'no_messaging_limit_headroom':
      return {
        code,
        message: `portfolio ${w.waba.portfolioId} messaging limit reached (${r.ms.used}/${w.limit} unique recipients in 24 h)`,
      };
  }
}
