import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, PAIR_RATE_WAIT_MS, type DecideContext, type DeliveryAction } from '../../src/delivery/decide';
import { FAILURE_KIND_NAMES, type FailureClass, type FailureKind } from '../../src/domain/failure';

const combination = { wabaId: 'W1', phoneNumberId: 'P1', templateId: 'T1' };

/** A message workflow's context after a failure Meta reported: no later round, no same-attempt retry. */
const workflow: DecideContext = {
  combination,
  outcomeUnknown: false,
  sameAttemptRetriesLeft: 0,
  backoffMs: 2_000,
  laterRound: false,
};
const suf = { smartUtilityFallback: { enabled: true, recoverableCodes: [131049] } };

type Row = [when: string, failure: FailureClass, context: Partial<DecideContext>, then: DeliveryAction];

/** One table per failure class: every class must have one (see the completeness test below). */
const TABLES: Record<FailureKind, Row[]> = {
  transient: [
    [
      'the send failed (outcome unknown) with retries left',
      { kind: 'transient', reason: 'network_error' },
      { outcomeUnknown: true, sameAttemptRetriesLeft: 2 },
      { action: 'retry_attempt', afterMs: 2_000 },
    ],
    [
      'Meta gave a retry delay',
      { kind: 'transient', code: 131000, reason: 'something_went_wrong', retryAfterMs: 500 },
      { outcomeUnknown: true, sameAttemptRetriesLeft: 1 },
      { action: 'retry_attempt', afterMs: 500 },
    ],
    [
      'same-attempt retries are spent',
      { kind: 'transient', reason: 'network_error' },
      { outcomeUnknown: true, sameAttemptRetriesLeft: 0 },
      { action: 'wait', ms: 2_000 },
    ],
    [
      'Meta reported it failed (the attempt is over) even with retries left',
      { kind: 'transient', code: 131000, reason: 'something_went_wrong' },
      { outcomeUnknown: false, sameAttemptRetriesLeft: 3 },
      { action: 'wait', ms: 2_000 },
    ],
    [
      'in-round retries are spent and a later round exists',
      { kind: 'transient', code: 131016, reason: 'service_unavailable' },
      { laterRound: true },
      { action: 'retry_later', reason: 'service_unavailable', code: 131016 },
    ],
  ],
  throttled: [
    [
      'the phone number is at its throughput',
      { kind: 'throttled', code: 130429, scope: 'phone', retryAfterMs: 1_000, reason: 'phone_throughput_reached' },
      {},
      { action: 'exclude', resource: 'phone', id: 'P1' },
    ],
    [
      'the pair rate is reached',
      { kind: 'throttled', code: 131056, scope: 'pair', retryAfterMs: 7_000, reason: 'pair_rate_limited' },
      {},
      { action: 'wait', ms: 7_000 },
    ],
    [
      'an app limit without a delay',
      { kind: 'throttled', code: 4, scope: 'app', reason: 'app_rate_limited' },
      {},
      { action: 'wait', ms: PAIR_RATE_WAIT_MS },
    ],
  ],
  resource: [
    [
      'the WABA is restricted',
      { kind: 'resource', code: 368, resource: 'waba', reason: 'policy_restricted' },
      {},
      { action: 'exclude', resource: 'waba', id: 'W1' },
    ],
    [
      'the template is paused',
      { kind: 'resource', code: 132015, resource: 'template', reason: 'template_paused' },
      { laterRound: true },
      { action: 'exclude', resource: 'template', id: 'T1' },
    ],
    [
      'the pre-send gate found the number unhealthy',
      { kind: 'resource', resource: 'phone', reason: 'unhealthy_before_send' },
      {},
      { action: 'exclude', resource: 'phone', id: 'P1' },
    ],
    [
      'no resource is named',
      { kind: 'resource', reason: 'policy_restricted' },
      {},
      { action: 'exclude', resource: 'waba', id: 'W1' },
    ],
  ],
  recipient: [
    [
      'the number is not on WhatsApp',
      { kind: 'recipient', code: 131026, reason: 'undeliverable' },
      { laterRound: true, ...suf },
      { action: 'fail', reason: 'undeliverable', code: 131026 },
    ],
    [
      'the customer stopped marketing',
      { kind: 'recipient', code: 131050, reason: 'marketing_opted_out' },
      {},
      { action: 'fail', reason: 'marketing_opted_out', code: 131050 },
    ],
    [
      'consent was withdrawn while the message waited (the send step re-checks it)',
      { kind: 'recipient', reason: 'opted_out' },
      {},
      { action: 'fail', reason: 'opted_out', code: undefined },
    ],
  ],
  marketing_limit: [
    [
      'Smart Utility Fallback is on and 131049 is recoverable',
      { kind: 'marketing_limit', code: 131049, reason: 'per_user_marketing_limit' },
      suf,
      { action: 'fallback', code: 131049 },
    ],
    [
      'a later round exists (retry first, then fall back)',
      { kind: 'marketing_limit', code: 131049, reason: 'per_user_marketing_limit' },
      { laterRound: true, ...suf },
      { action: 'retry_later', reason: 'marketing_limit', code: 131049 },
    ],
    [
      'Smart Utility Fallback is off',
      { kind: 'marketing_limit', code: 131049, reason: 'per_user_marketing_limit' },
      { smartUtilityFallback: { enabled: false, recoverableCodes: [131049] } },
      { action: 'fail', reason: 'marketing_limit', code: 131049 },
    ],
    [
      'the code is not among the recoverable ones',
      { kind: 'marketing_limit', code: 131049, reason: 'per_user_marketing_limit' },
      { smartUtilityFallback: { enabled: true, recoverableCodes: [] } },
      { action: 'fail', reason: 'marketing_limit', code: 131049 },
    ],
  ],
  request: [
    [
      'our parameters are wrong',
      { kind: 'request', code: 132000, reason: 'parameter_count_mismatch' },
      { laterRound: true, outcomeUnknown: true, sameAttemptRetriesLeft: 3 },
      { action: 'fail', reason: 'request_rejected', code: 132000 },
    ],
  ],
  auth: [
    [
      'the token is invalid (credentials belong to the WABA)',
      { kind: 'auth', code: 190, reason: 'token_invalid' },
      {},
      { action: 'exclude', resource: 'waba', id: 'W1' },
    ],
    [
      'a permission is missing, named on the WABA',
      { kind: 'auth', code: 10, resource: 'waba', reason: 'permission_denied' },
      { laterRound: true },
      { action: 'exclude', resource: 'waba', id: 'W1' },
    ],
  ],
};

describe('decide(failure, context) → action', () => {
  it('when the tables are listed, then every failure class has one', () => {
    assert.deepEqual(Object.keys(TABLES).sort(), [...FAILURE_KIND_NAMES].sort());
  });

  for (const kind of FAILURE_KIND_NAMES) {
    describe(`a ${kind} failure`, () => {
      for (const [when, failure, context, then] of TABLES[kind]) {
        it(`when ${when}, then ${then.action}`, () => {
          assert.equal(failure.kind, kind);
          assert.deepEqual(decide(failure, { ...workflow, ...context }), then);
        });
      }
    });
  }
});
