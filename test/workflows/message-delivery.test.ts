import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/activity';
import { Worker } from '@temporalio/worker';
import type { createActivities } from '../../activities';
import { replySignal, statusSignal, type Combination, type MessageDeliveryInput } from '../../workflows/definitions';
import { connectTemporal, uniqueTaskQueue, workflowBundle, type TestTemporal } from '../helpers/temporal';

/**
 * Workflow-level tests with stub activities, for races the end-to-end tests cannot force: a signal that lands in
 * the same activation as the activity result it depends on.
 */
type Activities = ReturnType<typeof createActivities>;

const combination: Combination = {
  wabaId: 'W1',
  phoneNumberId: 'P1',
  templateId: 'T1',
  templateName: 'offer',
  language: 'en',
  portfolioId: 'B1',
};

const input = (messageId: string, suf = false): MessageDeliveryInput => ({
  tenantId: 't',
  messageId,
  recipient: '447700900123',
  templateKey: 'offer',
  language: 'en',
  timing: { statusTimeoutMs: 10_000, deadlineMs: 60_000, noneBackoffMs: 100, maxWaitMs: 500 },
  maxAttempts: 4,
  ...(suf
    ? {
        smartUtilityFallback: {
          enabled: true,
          consentTemplate: 'consent',
          waitForMs: 10_000,
          recoverableCodes: [131049],
        },
      }
    : {}),
});

function stubs(overrides: Partial<Activities>, calls: string[]): Partial<Activities> {
  const note = (name: string) => calls.push(name);
  const acts = {
    recordProgress: async () => undefined,
    markAttemptFailed: async () => undefined,
    recordDelivered: async () => undefined,
    checkConsent: async () => ({ allowed: true as const }),
    resolveCombination: async (i) => {
      note(`resolve:${i.templateKey}`);
      return {
        outcome: 'resolved',
        combination: { ...combination, templateName: i.templateKey },
        category: 'MARKETING',
      };
    },
    ...overrides,
  } as Activities;
  // Revision 3 of the path admits with consent and the first resolution in one activity: the same stubs.
  const admit: Activities['admit'] = async (i) => {
    const consent = await acts.checkConsent(i);
    return consent.allowed ? { consent, resolved: await acts.resolveCombination(i) } : { consent };
  };
  return { ...acts, admit: overrides.admit ?? admit };
}

/**
 * A marketing template Meta refuses with 131049, a consent prompt answered "Yes" the moment it is sent (before the
 * workflow records the prompt's result), and the session message `sendSession` sends.
 */
function yesAfterMarketingLimit(
  temporal: TestTemporal,
  messageId: string,
  n: number,
  calls: string[],
  sendSession: Activities['sendSession'],
): Partial<Activities> {
  return {
    sendTemplate: async (i) => {
      calls.push(`send:${i.kind ?? 'template'}`);
      if ((i.kind ?? 'template') === 'template') {
        throw ApplicationFailure.create({
          type: 'MetaMarketingLimitError',
          nonRetryable: true,
          details: [{ kind: 'marketing_limit', code: 131049, reason: 'marketing_limit' }],
        });
      }
      await temporal.client.workflow.getHandle(`wf-test-${messageId}`).signal(replySignal, {
        wamid: `wamid.IN${n}`,
        from: '447700900123',
        phoneNumberId: 'P1',
        contextWamid: `wamid.PROMPT${n}`,
        kind: 'button',
        payload: `CONSENT_YES:${messageId}`,
        timestamp: new Date().toISOString(),
      });
      return { wamid: `wamid.PROMPT${n}` };
    },
    prepareFallback: async () => ({
      allowed: true,
      messages: [{ type: 'text', text: { body: 'hi' } }],
      scenario: 1,
      minSpacingMs: 0,
    }),
    recordConsent: async () => undefined,
    sendSession,
  };
}

describe('messageDelivery races (stub activities, real Temporal server)', () => {
  let temporal: TestTemporal;
  before(async () => {
    temporal = await connectTemporal();
  });
  after(() => temporal.close());

  async function run(messageId: string, activities: Partial<Activities>, suf = false) {
    const taskQueue = uniqueTaskQueue('wf');
    const worker = await Worker.create({
      connection: temporal.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities,
    });
    return worker.runUntil(
      temporal.client.workflow.execute('messageDelivery', {
        taskQueue,
        workflowId: `wf-test-${messageId}`,
        args: [input(messageId, suf)],
      }),
    );
  }

  it('when the customer answers the consent prompt before the workflow recorded it, then the answer still counts', async () => {
    const messageId = '00000000-0000-4000-8000-000000000001';
    const calls: string[] = [];
    const result = await run(
      messageId,
      stubs(
        yesAfterMarketingLimit(temporal, messageId, 1, calls, async () => {
          calls.push('send:session');
          await temporal.client.workflow
            .getHandle(`wf-test-${messageId}`)
            .signal(statusSignal, { wamid: 'wamid.S1', status: 'delivered', timestamp: new Date().toISOString() });
          return { wamid: 'wamid.S1', wabaId: 'W1' };
        }),
        calls,
      ),
      true,
    );
    assert.equal(result.status, 'delivered');
    assert.equal(result.deliveredVia?.kind, 'session');
    assert.deepEqual(
      calls.filter((c) => c.startsWith('send:')),
      ['send:template', 'send:consent', 'send:session'],
    );
  });

  it('when the session message after a yes is refused by our own pair rate, then it is sent again after the wait', async () => {
    const messageId = '00000000-0000-4000-8000-000000000003';
    const calls: string[] = [];
    const result = await run(
      messageId,
      stubs(
        yesAfterMarketingLimit(temporal, messageId, 3, calls, async (i) => {
          calls.push(`send:session:${i.attemptId}`);
          if (calls.filter((c) => c.startsWith('send:session')).length === 1) {
            // What the send step throws when the capacity limiter refuses before Meta is called.
            throw ApplicationFailure.create({
              type: 'CapacityRefused',
              nonRetryable: true,
              details: [{ kind: 'throttled', scope: 'pair', retryAfterMs: 200, reason: 'pair_rate_reserved' }],
            });
          }
          await temporal.client.workflow
            .getHandle(`wf-test-${messageId}`)
            .signal(statusSignal, { wamid: 'wamid.S3', status: 'delivered', timestamp: new Date().toISOString() });
          return { wamid: 'wamid.S3', wabaId: 'W1' };
        }),
        calls,
      ),
      true,
    );
    assert.equal(result.status, 'delivered', JSON.stringify(result));
    assert.equal(result.deliveredVia?.kind, 'session');
    assert.deepEqual(
      calls.filter((c) => c.startsWith('send:')),
      ['send:template', 'send:consent', `send:session:${messageId}:s1`, `send:session:${messageId}:s2`],
    );
  });

  it('when a send fails with an unknown outcome but its delivery is reported by attempt id, then no second copy is sent', async () => {
    const messageId = '00000000-0000-4000-8000-000000000002';
    const calls: string[] = [];
    const result = await run(
      messageId,
      stubs(
        {
          sendTemplate: async (i) => {
            calls.push('send');
            // Meta accepted it, the response was lost; the status webhook found the attempt by its id.
            await temporal.client.workflow.getHandle(`wf-test-${messageId}`).signal(statusSignal, {
              wamid: 'wamid.LOST',
              attemptId: i.attemptId,
              status: 'delivered',
              timestamp: new Date().toISOString(),
            });
            throw ApplicationFailure.create({
              type: 'MetaTransientError',
              nonRetryable: true,
              details: [{ kind: 'transient', reason: 'timeout' }],
            });
          },
        },
        calls,
      ),
    );
    assert.equal(result.status, 'delivered');
    assert.deepEqual(calls, ['resolve:offer', 'send'], 'one resolution, one send');
  });

  for (const sentRecorded of [true, false]) {
    it(`when the send ${sentRecorded ? 'wrote' : 'could not write'} the sent record, then the workflow ${sentRecorded ? 'does not write it again' : 'writes it itself'} and the final record carries the sticky sender`, async () => {
      const messageId = `00000000-0000-4000-8000-00000000001${sentRecorded ? 1 : 0}`;
      const calls: string[] = [];
      const records: { status: string; key?: string; sticky?: unknown }[] = [];
      let sentKey: string | undefined;
      const result = await run(
        messageId,
        stubs(
          {
            sendTemplate: async (i) => {
              sentKey = i.recordSent?.key;
              await temporal.client.workflow
                .getHandle(`wf-test-${messageId}`)
                .signal(statusSignal, { wamid: 'wamid.D1', status: 'delivered', timestamp: new Date().toISOString() });
              return sentRecorded ? { wamid: 'wamid.D1', sentRecorded: true as const } : { wamid: 'wamid.D1' };
            },
            recordProgress: async (i) => void records.push({ status: i.status, key: i.event?.key, sticky: i.sticky }),
            recordDelivered: async () => void calls.push('recordDelivered'),
          },
          calls,
        ),
      );
      assert.equal(result.status, 'delivered');
      assert.ok(sentKey, 'the send is asked to write the sent record');
      const expected = sentRecorded ? [] : [{ status: 'sent', key: sentKey, sticky: undefined }];
      assert.deepEqual(records, [
        ...expected,
        { status: 'delivered', key: 'step-2', sticky: { recipient: '447700900123', phoneNumberId: 'P1' } },
      ]);
      assert.equal(sentKey, 'step-1');
      assert.ok(!calls.includes('recordDelivered'), 'no separate sticky-sender activity');
    });
  }
});
