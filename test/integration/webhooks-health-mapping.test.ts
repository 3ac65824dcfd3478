import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthPatchesOf, type HealthPatch, type WabaContext } from '../../src/domain/webhook-health';
import { healthChangeSchema } from '../../src/meta/webhook-health-schemas';

/** Pure table tests: webhook field + value (docs/meta-cloud-api.md#webhooks) → registry patches. */
const CTX: WabaContext = {
  wabaId: 'W1',
  portfolioId: 'PF1',
  phones: [
    { id: 'P1', displayPhoneNumber: '+91 80000 10111' },
    { id: 'P2', displayPhoneNumber: '+91 80000 10112' },
  ],
  time: 1767225600,
};
const AT = '2026-01-01T00:00:00.000Z';
const waba = (patch: Record<string, unknown>, id = 'W1'): HealthPatch => ({ resourceType: 'waba', id, patch });
const phone = (patch: Record<string, unknown>, id = 'P1'): HealthPatch => ({ resourceType: 'phone_number', id, patch });
const template = (patch: Record<string, unknown>, id = '1234567890'): HealthPatch => ({
  resourceType: 'template',
  id,
  patch,
});
const portfolio = (messagingTier: string): HealthPatch => ({
  resourceType: 'portfolio',
  id: 'PF1',
  patch: { messagingTier },
});
const tpl = { message_template_id: 1234567890, message_template_name: 'promo_1', message_template_language: 'en_US' };
const alertInfo = (alert_type: string) => ({ alert_severity: 'CRITICAL', alert_status: 'ACTIVE', alert_type });
const lastAlert = (type: string) => ({ type, severity: 'CRITICAL', status: 'ACTIVE', description: null, at: AT });

type Row = [name: string, field: string, value: Record<string, unknown>, expected: HealthPatch[]];

const TEMPLATE_EVENTS: [string, string][] = [
  ['APPROVED', 'APPROVED'],
  ['REJECTED', 'REJECTED'],
  ['PENDING', 'PENDING'],
  ['PAUSED', 'PAUSED'],
  ['DISABLED', 'DISABLED'],
  ['IN_APPEAL', 'IN_APPEAL'],
  ['PENDING_DELETION', 'PENDING_DELETION'],
  ['DELETED', 'DELETED'],
  ['ARCHIVED', 'ARCHIVED'],
  ['LIMIT_EXCEEDED', 'LIMIT_EXCEEDED'],
  ['LOCKED', 'LOCKED'],
  ['REINSTATED', 'APPROVED'],
  ['UNARCHIVED', 'APPROVED'],
];

const TABLE: Row[] = [
  // §5.7 account_update
  [
    'ban',
    'account_update',
    { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE', waba_ban_date: '2026-01-05' } },
    [waba({ banState: 'DISABLE', banDate: '2026-01-05T00:00:00.000Z' })],
  ],
  [
    'ban scheduled',
    'account_update',
    { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'SCHEDULE_FOR_DISABLE', waba_ban_date: '2026-01-12' } },
    [waba({ banState: 'SCHEDULE_FOR_DISABLE', banDate: '2026-01-12T00:00:00.000Z' })],
  ],
  [
    'ban without a date',
    'account_update',
    { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'DISABLE' } },
    [waba({ banState: 'DISABLE', banDate: null })],
  ],
  [
    'reinstated',
    'account_update',
    { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'REINSTATE', waba_ban_date: '2026-01-05' } },
    [waba({ banState: 'NONE', banDate: null, violation: null })],
  ],
  [
    'restricted',
    'account_update',
    {
      event: 'ACCOUNT_RESTRICTION',
      restriction_info: [{ restriction_type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiration: 1767229200 }],
    },
    [waba({ restrictions: [{ type: 'RESTRICTED_BIZ_INITIATED_MESSAGING', expiresAt: '2026-01-01T01:00:00.000Z' }] })],
  ],
  [
    'restriction without expiry',
    'account_update',
    { event: 'ACCOUNT_RESTRICTION', restriction_info: [{ restriction_type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION' }] },
    [waba({ restrictions: [{ type: 'RESTRICTED_ADD_PHONE_NUMBER_ACTION', expiresAt: null }] })],
  ],
  [
    'restrictions lifted',
    'account_update',
    { event: 'ACCOUNT_RESTRICTION', restriction_info: [] },
    [waba({ restrictions: [] })],
  ],
  [
    'violation',
    'account_update',
    { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'SCAM' } },
    [waba({ violation: { type: 'SCAM', at: AT } })],
  ],
  ['deleted', 'account_update', { event: 'ACCOUNT_DELETED' }, [waba({ deleted: true })]],
  [
    'offboarded',
    'account_update',
    { event: 'ACCOUNT_OFFBOARDED', disconnection_info: {} },
    [waba({ offboarded: true })],
  ],
  ['reconnected', 'account_update', { event: 'ACCOUNT_RECONNECTED' }, [waba({ offboarded: false })]],
  ['verified (informational)', 'account_update', { event: 'VERIFIED_ACCOUNT' }, []],
  ['partner added (informational)', 'account_update', { event: 'PARTNER_ADDED' }, []],
  ['pricing tier (informational)', 'account_update', { event: 'VOLUME_BASED_PRICING_TIER_UPDATE' }, []],
  // §5.11 account_review_update
  ...(['APPROVED', 'REJECTED', 'PENDING', 'DEFERRED'].map((d) => [
    `review ${d}`,
    'account_review_update',
    { decision: d },
    [waba({ accountReviewStatus: d })],
  ]) as Row[]),
  // §5.8 phone_number_quality_update
  [
    'flagged',
    'phone_number_quality_update',
    {
      display_phone_number: '918000010111',
      event: 'FLAGGED',
      current_limit: 'TIER_10K',
      max_daily_conversations_per_business: 'TIER_10K',
    },
    [phone({ status: 'FLAGGED', qualityRating: 'RED' }), portfolio('TIER_10K')],
  ],
  [
    'unflagged',
    'phone_number_quality_update',
    { display_phone_number: '918000010112', event: 'UNFLAGGED', max_daily_conversations_per_business: 'TIER_10K' },
    [phone({ status: 'CONNECTED', qualityRating: 'YELLOW' }, 'P2'), portfolio('TIER_10K')],
  ],
  [
    'tier upgrade',
    'phone_number_quality_update',
    { display_phone_number: '918000010111', event: 'UPGRADE', max_daily_conversations_per_business: 'TIER_100K' },
    [portfolio('TIER_100K')],
  ],
  [
    'tier downgrade (older per-number limit)',
    'phone_number_quality_update',
    { display_phone_number: '918000010111', event: 'DOWNGRADE', current_limit: 'TIER_1K' },
    [portfolio('TIER_1K')],
  ],
  [
    'unknown tier name',
    'phone_number_quality_update',
    { display_phone_number: '918000010111', event: 'UPGRADE', max_daily_conversations_per_business: 'TIER_5M' },
    [portfolio('NOT_SET')],
  ],
  [
    'throughput upgrade',
    'phone_number_quality_update',
    { display_phone_number: '918000010111', event: 'THROUGHPUT_UPGRADE' },
    [phone({ throughputLevel: 'HIGH' })],
  ],
  ['onboarding', 'phone_number_quality_update', { display_phone_number: '918000010111', event: 'ONBOARDING' }, []],
  [
    'flagged, number not registered',
    'phone_number_quality_update',
    { display_phone_number: '15550009999', event: 'FLAGGED', max_daily_conversations_per_business: 'TIER_2K' },
    [portfolio('TIER_2K')],
  ],
  // §5.9 message_template_status_update
  ...TEMPLATE_EVENTS.map(
    ([event, status]) =>
      [
        `template ${event}`,
        'message_template_status_update',
        { ...tpl, event, reason: 'NONE' },
        [template({ status })],
      ] as Row,
  ),
  [
    'template paused (first pause)',
    'message_template_status_update',
    { ...tpl, event: 'PAUSED', other_info: { title: 'FIRST_PAUSE', description: '3 h' } },
    [template({ status: 'PAUSED' })],
  ],
  [
    'template disabled with a date',
    'message_template_status_update',
    { ...tpl, event: 'DISABLED', disable_info: { disable_date: 1767225600 } },
    [template({ status: 'DISABLED', disableDate: AT })],
  ],
  [
    'template flagged (quality, not status)',
    'message_template_status_update',
    { ...tpl, event: 'FLAGGED', disable_info: { disable_date: 1767225600 } },
    [template({ qualityScore: 'RED', disableDate: AT })],
  ],
  ['template event unknown', 'message_template_status_update', { ...tpl, event: 'SOMETHING_NEW' }, []],
  [
    'template id as a string',
    'message_template_status_update',
    { ...tpl, message_template_id: '98765432109876543', event: 'PAUSED' },
    [template({ status: 'PAUSED' }, '98765432109876543')],
  ],
  // §5.10 message_template_quality_update, template_category_update
  ...(['GREEN', 'YELLOW', 'RED', 'UNKNOWN'].map((q) => [
    `quality ${q}`,
    'message_template_quality_update',
    { ...tpl, previous_quality_score: 'GREEN', new_quality_score: q },
    [template({ qualityScore: q })],
  ]) as Row[]),
  [
    'quality NA',
    'message_template_quality_update',
    { ...tpl, new_quality_score: 'NA' },
    [template({ qualityScore: 'UNKNOWN' })],
  ],
  [
    'recategorised',
    'template_category_update',
    { ...tpl, previous_category: 'UTILITY', new_category: 'MARKETING' },
    [template({ category: 'MARKETING' })],
  ],
  [
    'recategorisation announced',
    'template_category_update',
    { ...tpl, new_category: 'UTILITY', correct_category: 'MARKETING' },
    [template({ announcedCategory: 'MARKETING' })],
  ],
  [
    'unknown category',
    'template_category_update',
    { ...tpl, new_category: 'MARKETING_LITE', previous_category: 'MARKETING' },
    [],
  ],
  // §5.13 business_capability_update
  [
    'capability tier',
    'business_capability_update',
    { max_daily_conversations_per_business: 'TIER_2K', max_phone_numbers_per_business: 20 },
    [portfolio('TIER_2K')],
  ],
  [
    'capability per phone (older)',
    'business_capability_update',
    { max_daily_conversation_per_phone: 1000 },
    [portfolio('TIER_1K')],
  ],
  [
    'capability unlimited (older)',
    'business_capability_update',
    { max_daily_conversation_per_phone: -1 },
    [portfolio('TIER_UNLIMITED')],
  ],
  ['capability phone count only', 'business_capability_update', { max_phone_numbers_per_waba: 25 }, []],
  // §5.12 account_alerts (PHONE_NUMBER_<STATUS> is the simulator's naming)
  [
    'number disconnected',
    'account_alerts',
    { entity_type: 'PHONE_NUMBER', entity_id: 'P1', alert_info: alertInfo('PHONE_NUMBER_DISCONNECTED') },
    [phone({ status: 'DISCONNECTED', lastAlert: lastAlert('PHONE_NUMBER_DISCONNECTED') })],
  ],
  [
    'number rate limited',
    'account_alerts',
    { entity_type: 'PHONE_NUMBER', entity_id: 'P2', alert_info: alertInfo('PHONE_NUMBER_RATE_LIMITED') },
    [phone({ status: 'RATE_LIMITED', lastAlert: lastAlert('PHONE_NUMBER_RATE_LIMITED') }, 'P2')],
  ],
  [
    'number other alert',
    'account_alerts',
    { entity_type: 'PHONE_NUMBER', entity_id: 'P1', alert_info: alertInfo('PROFILE_PICTURE_LOST') },
    [phone({ lastAlert: lastAlert('PROFILE_PICTURE_LOST') })],
  ],
  [
    'WABA alert',
    'account_alerts',
    { entity_type: 'WABA', entity_id: 'W9', alert_info: alertInfo('OBA_REJECTED') },
    [waba({ lastAlert: lastAlert('OBA_REJECTED') }, 'W9')],
  ],
  [
    'business alert',
    'account_alerts',
    { entity_type: 'BUSINESS', entity_id: 9001, alert_info: alertInfo('INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED') },
    [waba({ lastAlert: lastAlert('INCREASED_CAPABILITIES_ELIGIBILITY_DEFERRED') })],
  ],
];

describe('webhook health mapping (pure)', () => {
  for (const [name, field, value, expected] of TABLE) {
    it(`when ${field} says ${name}, then the patches are ${expected.map((p) => p.resourceType).join(' + ') || 'none'}`, () => {
      const change = healthChangeSchema.parse({ field, value });
      assert.deepEqual(healthPatchesOf(change, CTX), expected);
    });
  }

  it('when the WABA has no known portfolio, then tier changes produce no patch', () => {
    const change = healthChangeSchema.parse({
      field: 'business_capability_update',
      value: { max_daily_conversations_per_business: 'TIER_10K' },
    });
    assert.deepEqual(healthPatchesOf(change, { ...CTX, portfolioId: undefined }), []);
  });

  for (const [name, field, value] of [
    ['a ban without ban_info', 'account_update', { event: 'DISABLED_UPDATE' }],
    ['an unknown ban state', 'account_update', { event: 'DISABLED_UPDATE', ban_info: { waba_ban_state: 'MAYBE' } }],
    ['a template event without an id', 'message_template_status_update', { event: 'PAUSED' }],
    [
      'a template id that is not a number',
      'message_template_quality_update',
      { message_template_id: 'abc', new_quality_score: 'RED' },
    ],
    ['an alert without alert_info', 'account_alerts', { entity_type: 'WABA', entity_id: '1' }],
  ] as const) {
    it(`when ${field} carries ${name}, then it does not parse`, () => {
      assert.equal(healthChangeSchema.safeParse({ field, value }).success, false);
    });
  }
});
