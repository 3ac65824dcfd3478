import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  evaluatePhoneNumber,
  evaluatePortfolio,
  evaluateTemplate,
  evaluateWaba,
  worstVerdict,
} from '../../src/domain/health';
import {
  ACCOUNT_REVIEW_STATUSES,
  BAN_STATES,
  CAN_SEND_MESSAGE_VALUES,
  type Health,
  type HealthVerdict,
  MESSAGING_TIERS,
  PHONE_STATUSES,
  QUALITY_RATINGS,
  RESTRICTION_TYPES,
  TEMPLATE_STATUSES,
} from '../../src/domain/registry';
import { HOUR, NOW, NOW_MS, at, buildPhone, buildPortfolio, buildTemplate, buildWaba } from './arbitraries';

type Expect = readonly [verdict: HealthVerdict, code?: string];

/** Asserts the verdict and that the expected code is the only reason (or that there is none). */
function assertHealth(h: Health, [verdict, code]: Expect): void {
  assert.equal(h.verdict, verdict);
  assert.deepEqual(
    h.reasons.map((r) => r.code),
    code ? [code] : [],
  );
  for (const r of h.reasons) assert.ok(r.message.length > 0);
}

/** Every value of `all` has an expectation, so a new Meta value fails here until it is decided. */
function table<T extends string>(all: readonly T[], expected: Record<T, Expect>, check: (value: T, e: Expect) => void) {
  for (const value of all)
    it(`when ${value}, then ${expected[value].join(' / ')}`, () => check(value, expected[value]));
}

const CAN_SEND: Record<(typeof CAN_SEND_MESSAGE_VALUES)[number], Expect> = {
  AVAILABLE: ['healthy'],
  LIMITED: ['degraded', 'can_send_limited'],
  BLOCKED: ['unhealthy', 'can_send_blocked'],
};

describe('evaluateWaba', () => {
  describe('ban state', () => {
    table(
      BAN_STATES,
      {
        NONE: ['healthy'],
        SCHEDULE_FOR_DISABLE: ['degraded', 'waba_ban_scheduled'],
        DISABLE: ['unhealthy', 'waba_banned'],
      },
      (banState, e) => assertHealth(evaluateWaba(buildWaba({ banState }), NOW), e),
    );
    it('when a scheduled ban date is still ahead, then degraded; once it passed, then unhealthy (banned)', () => {
      const waba = buildWaba({ banState: 'SCHEDULE_FOR_DISABLE', banDate: at(HOUR) });
      assertHealth(evaluateWaba(waba, NOW), ['degraded', 'waba_ban_scheduled']);
      assertHealth(evaluateWaba(waba, NOW_MS + 2 * HOUR), ['unhealthy', 'waba_banned']);
    });
  });

  describe('account review status', () => {
    table(
      ACCOUNT_REVIEW_STATUSES,
      {
        APPROVED: ['healthy'],
        PENDING: ['degraded', 'waba_review_pending'],
        DEFERRED: ['degraded', 'waba_review_deferred'],
        LIMIT_REACHED: ['degraded', 'waba_review_limit_reached'],
        REJECTED: ['unhealthy', 'waba_review_rejected'],
        RESTRICTED: ['unhealthy', 'waba_review_restricted'],
      },
      (accountReviewStatus, e) => assertHealth(evaluateWaba(buildWaba({ accountReviewStatus }), NOW), e),
    );
  });

  describe('restrictions', () => {
    table(
      RESTRICTION_TYPES,
      {
        RESTRICTED_BIZ_INITIATED_MESSAGING: ['unhealthy', 'waba_restricted'],
        RESTRICTED_CUSTOMER_INITIATED_MESSAGING: ['degraded', 'waba_restricted_customer_initiated'],
        RESTRICTED_ADD_PHONE_NUMBER_ACTION: ['degraded', 'waba_restricted_add_phone'],
      },
      (type, e) => {
        assertHealth(evaluateWaba(buildWaba({ restrictions: [{ type }] }), NOW), e);
        assertHealth(evaluateWaba(buildWaba({ restrictions: [{ type, expiresAt: at(HOUR) }] }), NOW), e);
        assertHealth(evaluateWaba(buildWaba({ restrictions: [{ type, expiresAt: at(-1) }] }), NOW), ['healthy']);
      },
    );
    it('when a restriction expires exactly now, then it no longer applies', () => {
      const waba = buildWaba({ restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: NOW }] });
      assertHealth(evaluateWaba(waba, NOW), ['healthy']);
      assertHealth(evaluateWaba(waba, NOW_MS - 1), ['unhealthy', 'waba_restricted']);
    });
  });

  describe('can_send_message', () => {
    table(CAN_SEND_MESSAGE_VALUES, CAN_SEND, (canSendMessage, e) =>
      assertHealth(evaluateWaba(buildWaba({ canSendMessage }), NOW), e),
    );
  });

  describe('flags', () => {
    it('when a policy violation is recorded, then unhealthy until it expires', () => {
      assertHealth(evaluateWaba(buildWaba({ violation: { type: 'SPAM' } }), NOW), ['unhealthy', 'waba_violation']);
      const expired = buildWaba({ violation: { type: 'SPAM', expiresAt: at(-HOUR) } });
      assertHealth(evaluateWaba(expired, NOW), ['healthy']);
    });
    it('when deleted, then unhealthy', () => {
      assertHealth(evaluateWaba(buildWaba({ deleted: true }), NOW), ['unhealthy', 'waba_deleted']);
    });
    it('when offboarded, then unhealthy', () => {
      assertHealth(evaluateWaba(buildWaba({ offboarded: true }), NOW), ['unhealthy', 'waba_offboarded']);
    });
  });
});

describe('evaluatePhoneNumber', () => {
  describe('status', () => {
    table(
      PHONE_STATUSES,
      {
        CONNECTED: ['healthy'],
        DISCONNECTED: ['unhealthy', 'phone_disconnected'],
        FLAGGED: ['unhealthy', 'phone_flagged'],
        RESTRICTED: ['unhealthy', 'phone_restricted'],
        RATE_LIMITED: ['unhealthy', 'phone_rate_limited'],
        BANNED: ['unhealthy', 'phone_banned'],
        PENDING: ['unhealthy', 'phone_pending'],
        DELETED: ['unhealthy', 'phone_deleted'],
        MIGRATED: ['unhealthy', 'phone_migrated'],
        UNVERIFIED: ['unhealthy', 'phone_unverified'],
        UNKNOWN: ['unhealthy', 'phone_status_unknown'],
      },
      (status, e) => assertHealth(evaluatePhoneNumber(buildPhone({ status }), NOW), e),
    );
  });
  describe('quality rating', () => {
    table(
      QUALITY_RATINGS,
      {
        GREEN: ['healthy'],
        YELLOW: ['degraded', 'phone_quality_yellow'],
        RED: ['unhealthy', 'phone_quality_red'],
        UNKNOWN: ['degraded', 'phone_quality_unknown'],
      },
      (qualityRating, e) => assertHealth(evaluatePhoneNumber(buildPhone({ qualityRating }), NOW), e),
    );
  });
  describe('can_send_message', () => {
    table(CAN_SEND_MESSAGE_VALUES, CAN_SEND, (canSendMessage, e) =>
      assertHealth(evaluatePhoneNumber(buildPhone({ canSendMessage }), NOW), e),
    );
  });
  it('when a throughput cool-down is running, then unhealthy until it passes', () => {
    const phone = buildPhone({ throttledUntil: at(30_000) });
    assertHealth(evaluatePhoneNumber(phone, NOW), ['unhealthy', 'phone_throttled']);
    assertHealth(evaluatePhoneNumber(phone, NOW_MS + 30_000), ['healthy']);
  });
  it('when the operator disabled the number, then its health is unaffected (the resolver excludes it)', () => {
    assertHealth(evaluatePhoneNumber(buildPhone({ enabled: false }), NOW), ['healthy']);
  });
});

describe('evaluateTemplate', () => {
  describe('status', () => {
    table(
      TEMPLATE_STATUSES,
      {
        APPROVED: ['healthy'],
        PENDING: ['unhealthy', 'template_pending'],
        REJECTED: ['unhealthy', 'template_rejected'],
        PAUSED: ['unhealthy', 'template_paused'],
        DISABLED: ['unhealthy', 'template_disabled'],
        IN_APPEAL: ['unhealthy', 'template_in_appeal'],
        PENDING_DELETION: ['unhealthy', 'template_pending_deletion'],
        DELETED: ['unhealthy', 'template_deleted'],
        ARCHIVED: ['unhealthy', 'template_archived'],
        LIMIT_EXCEEDED: ['unhealthy', 'template_limit_exceeded'],
        LOCKED: ['unhealthy', 'template_locked'],
      },
      (status, e) => assertHealth(evaluateTemplate(buildTemplate({ status }), NOW), e),
    );
  });
  describe('quality score', () => {
    table(
      QUALITY_RATINGS,
      {
        GREEN: ['healthy'],
        YELLOW: ['degraded', 'template_quality_yellow'],
        RED: ['unhealthy', 'template_quality_red'],
        UNKNOWN: ['healthy'],
      },
      (qualityScore, e) => assertHealth(evaluateTemplate(buildTemplate({ qualityScore }), NOW), e),
    );
  });
  describe('can_send_message', () => {
    table(CAN_SEND_MESSAGE_VALUES, CAN_SEND, (canSendMessage, e) =>
      assertHealth(evaluateTemplate(buildTemplate({ canSendMessage }), NOW), e),
    );
  });
});

describe('shared criteria', () => {
  const kinds = [
    ['WABA', (o: object) => evaluateWaba(buildWaba(o), NOW)],
    ['phone number', (o: object) => evaluatePhoneNumber(buildPhone(o), NOW)],
    ['template', (o: object) => evaluateTemplate(buildTemplate(o), NOW)],
  ] as const;
  for (const [kind, evaluate] of kinds) {
    it(`when a ${kind}'s can_send_message is BLOCKED with details, then the details are in the message`, () => {
      const h = evaluate({ canSendMessage: 'BLOCKED', canSendMessageInfo: ['141014 WABA banned'] });
      assert.match(h.reasons[0]?.message ?? '', /141014 WABA banned/);
    });
    it(`when a ${kind}'s breaker is open, then unhealthy; once openUntil passed, then healthy`, () => {
      assertHealth(evaluate({ breaker: { openUntil: at(60_000), reason: '5 errors' } }), ['unhealthy', 'breaker_open']);
      assertHealth(evaluate({ breaker: { openUntil: at(-1), reason: '5 errors' } }), ['healthy']);
    });
    it(`when a ${kind}'s breaker time is unparseable, then it stays open (conservative)`, () => {
      assertHealth(evaluate({ breaker: { openUntil: 'soon', reason: 'x' } }), ['unhealthy', 'breaker_open']);
    });
    it(`when a ${kind}'s last refresh failed, then degraded (stale), never healthy-by-default`, () => {
      assertHealth(evaluate({ stale: true }), ['degraded', 'stale']);
    });
  }
  it('when a stale resource was last seen unhealthy, then it stays unhealthy', () => {
    const h = evaluateWaba(buildWaba({ stale: true, banState: 'DISABLE' }), NOW);
    assert.equal(h.verdict, 'unhealthy');
    assert.deepEqual(h.reasons.map((r) => r.code).sort(), ['stale', 'waba_banned']);
  });
  it('when several criteria fail, then every reason is listed and the worst verdict wins', () => {
    const h = evaluatePhoneNumber(buildPhone({ qualityRating: 'YELLOW', canSendMessage: 'BLOCKED', stale: true }), NOW);
    assert.equal(h.verdict, 'unhealthy');
    assert.deepEqual(
      h.reasons.map((r) => r.code),
      ['phone_quality_yellow', 'can_send_blocked', 'stale'],
    );
    assert.equal(worstVerdict('degraded', 'healthy'), 'degraded');
  });
  it('when a row carries a value Meta added later (or NA), then it is never healthy-by-default', () => {
    const odd = <T>(x: string) => x as unknown as T;
    assertHealth(evaluatePhoneNumber(buildPhone({ status: odd('SUSPENDED') }), NOW), [
      'unhealthy',
      'phone_status_unknown',
    ]);
    assertHealth(evaluatePhoneNumber(buildPhone({ qualityRating: odd('NA') }), NOW), [
      'degraded',
      'phone_quality_unknown',
    ]);
    assertHealth(evaluateTemplate(buildTemplate({ status: odd('FROZEN') }), NOW), [
      'unhealthy',
      'template_status_unknown',
    ]);
    assertHealth(evaluateWaba(buildWaba({ banState: odd('SOMETHING') }), NOW), ['unhealthy', 'waba_banned']);
    assertHealth(evaluateWaba(buildWaba({ accountReviewStatus: odd('NEW') }), NOW), [
      'degraded',
      'waba_review_pending',
    ]);
    assertHealth(evaluateWaba(buildWaba({ canSendMessage: odd('MAYBE') }), NOW), ['degraded', 'can_send_limited']);
    const restricted = buildWaba({ restrictions: [{ type: odd('RESTRICTED_EVERYTHING') }] });
    assertHealth(evaluateWaba(restricted, NOW), ['unhealthy', 'waba_restricted']);
    assert.match(evaluateTemplate(buildTemplate({ status: odd('FROZEN') }), NOW).reasons[0]?.message ?? '', /FROZEN/);
  });
  it('when now is given as epoch ms or ISO, then the verdicts agree; an invalid now throws', () => {
    const phone = buildPhone({ throttledUntil: at(1) });
    assert.deepEqual(evaluatePhoneNumber(phone, NOW_MS), evaluatePhoneNumber(phone, NOW));
    assert.throws(() => evaluatePhoneNumber(phone, 'yesterday'), RangeError);
  });
});

describe('evaluatePortfolio', () => {
  for (const tier of MESSAGING_TIERS) {
    it(`when a ${tier} portfolio has sent to nobody, then healthy`, () => {
      assertHealth(evaluatePortfolio(buildPortfolio({ messagingTier: tier }), 0), ['healthy']);
    });
  }
  it('when under 10% of the tier is left, then degraded; at the limit, then unhealthy', () => {
    const p = buildPortfolio({ messagingTier: 'TIER_250' });
    assertHealth(evaluatePortfolio(p, 200), ['healthy']);
    assertHealth(evaluatePortfolio(p, 230), ['degraded', 'portfolio_limit_near']);
    assertHealth(evaluatePortfolio(p, 250), ['unhealthy', 'portfolio_limit_reached']);
  });
  it('when the tier is NOT_SET, then it counts as 50; when UNLIMITED, then never reached', () => {
    assertHealth(evaluatePortfolio(buildPortfolio({ messagingTier: 'NOT_SET' }), 50), [
      'unhealthy',
      'portfolio_limit_reached',
    ]);
    assertHealth(evaluatePortfolio(buildPortfolio({ messagingTier: 'TIER_UNLIMITED' }), 1e9), ['healthy']);
  });
});
