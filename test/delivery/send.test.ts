import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createMessagesRepo } from '../../src/db/repositories/messages';
import { createRegistryRepo } from '../../src/db/repositories/registry';
import { createTenantsRepo } from '../../src/db/repositories/tenants';
import { createUsageRepo } from '../../src/db/repositories/usage';
import { createContactsRepo } from '../../src/db/repositories/contacts';
import {
  attemptId,
  noExclusions,
  resolveCombination,
  sealedTokens,
  sendTemplate,
  type Combination,
  type SendDeps,
} from '../../src/delivery';
import { createMetaClient } from '../../src/meta/client';
import { createSecretBox } from '../../src/secrets';
import { createCapacityRepo } from '../../src/db/repositories/capacity';
import { createCapacityLimiter } from '../../src/services/capacity-limiter';
import { DEFAULT_BREAKER_POLICY } from '../../src/services/breaker-state';
import { createCircuitBreaker } from '../../src/services/circuit-breaker';
import { createHealthUpdates } from '../../src/services/health-updates';
import { createRegistryCache } from '../../src/services/registry-cache';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSendActivities } from '../../activities/send';
import { FESTIVE, optIn, registerWabas } from '../helpers/festive';
import { startStack, TEST_ENCRYPTION_KEY, type Stack } from '../helpers/stack';

/**
 * The send step as a second driver calls it: a plain function over the worker's real repositories, against
 * PostgreSQL and the Cloud API simulator, with no workflow and no activity around it.
 */
describe('the delivery core send step (no Temporal around it)', () => {
  const ASHA = FESTIVE.customers.asha;
  let stack: Stack;
  let deps: SendDeps;
  let resolveDeps: Parameters<typeof resolveCombination>[0];
  const warnings: string[] = [];

  before(async () => {
    stack = await startStack({ withoutWorker: true });
    await registerWabas(stack);
    await optIn(stack, ASHA, FESTIVE.customers.gita);
    const pool = stack.db.pool;
    const messages = createMessagesRepo(pool);
    const registry = createRegistryRepo(pool);
    const usage = createUsageRepo(pool);
    const cache = createRegistryCache(registry);
    deps = {
      attempts: messages,
      registry: cache,
      templates: registry,
      tokens: sealedTokens(registry, createSecretBox(TEST_ENCRYPTION_KEY)),
      capacity: createCapacityLimiter(createCapacityRepo(pool)),
      meta: createMetaClient({ graphUrl: stack.simUrl, apiVersion: 'v23.0', timeoutMs: 5000 }),
      // One error opens the circuit here (minSamples 1): the error-rate window has its own tests.
      breaker: createCircuitBreaker(createHealthUpdates(pool, registry), { ...DEFAULT_BREAKER_POLICY, minSamples: 1 }),
      log: { warn: (m) => warnings.push(m) },
      consent: { contacts: createContactsRepo(pool), tenants: createTenantsRepo(pool) },
    };
    resolveDeps = { registry: cache, usage, contacts: createContactsRepo(pool), timeline: messages };
  });
  after(() => stack.stop());

  /** A message row (attempts belong to one) and its first resolved combination. */
  async function newMessage(recipient: string, prefer?: { wabaId?: string }) {
    const messages = createMessagesRepo(stack.db.pool);
    const id = crypto.randomUUID();
    await messages.createOrGet({
      id,
      tenantId: stack.tenant.id,
      idempotencyKey: id,
      workflowId: `batch:${id}`,
      recipient,
      templateKey: 'festive_text',
      language: 'en_US',
      request: {},
    });
    const resolved = await resolveCombination(resolveDeps, {
      tenantId: stack.tenant.id,
      messageId: id,
      recipient,
      templateKey: 'festive_text',
      language: 'en_US',
      prefer,
      exclude: noExclusions(),
      step: 1,
    });
    assert.equal(resolved.outcome, 'resolved');
    return { id, combination: (resolved as { combination: Combination }).combination };
  }

  const request = (messageId: string, recipient: string, n: number, combination: Combination) => ({
    tenantId: stack.tenant.id,
    messageId,
    workflowId: `batch:${messageId}`,
    attemptId: attemptId(messageId, 'template', n),
    seq: n,
    recipient,
    combination,
    parameters: { body: ['Asha', '20%'] },
  });

  /**
   * Sends attempt `seq` and, while our own capacity limiter refuses it (a slow moment here can leave every
   * throughput slot too late, docs/capacity.md), the next attempt, as the lifecycle does after a throttle.
   */
  async function sendPastCapacity(messageId: string, recipient: string, seq: number, combination: Combination) {
    for (let n = seq; n < seq + 5; n++) {
      const result = await sendTemplate(deps, request(messageId, recipient, n, combination));
      const reserved = result.outcome === 'refused' && result.failure.reason?.endsWith('_reserved') === true;
      if (!reserved) return { result, seq: n };
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`attempts ${seq}..${seq + 4} were all refused by the capacity limiter`);
  }

  it('when the same attempt is sent twice, then Meta receives it once with the attempt id as callback data', async () => {
    const m = await newMessage(ASHA);
    const { result: first, seq } = await sendPastCapacity(m.id, ASHA, 1, m.combination);
    const again = await sendTemplate(deps, request(m.id, ASHA, seq, m.combination));
    assert.equal(first.outcome, 'accepted');
    assert.deepEqual(again, { outcome: 'accepted', wamid: (first as { wamid: string }).wamid, deduplicated: true });
    const sends = (await stack.control.sends({ recipient: ASHA })).filter(
      (s) => s.bizOpaqueCallbackData === attemptId(m.id, 'template', seq),
    );
    assert.equal(sends.length, 1);
    assert.equal(sends[0]!.wamid, (first as { wamid: string }).wamid);
    const [row] = await createMessagesRepo(stack.db.pool).attempts(stack.tenant.id, m.id);
    assert.equal(row!.wamid, sends[0]!.wamid);
  });

  it('when Meta refuses the recipient (131050 stopped marketing), then the send is refused as a recipient failure and no circuit opens', async () => {
    const gita = FESTIVE.customers.gita;
    const m = await newMessage(gita);
    await stack.control.injectErrors({ scope: { recipient: gita }, code: 131050, mode: 'sync' });
    const { result: refused } = await sendPastCapacity(m.id, gita, 1, m.combination);
    await stack.control.clearFaults();
    assert.equal(refused.outcome, 'refused');
    assert.ok(refused.outcome === 'refused');
    assert.equal(refused.failure.kind, 'recipient');
    assert.equal(refused.failure.code, 131050);
    assert.equal(refused.retryable, false);
    const again = await newMessage(ASHA, { wabaId: m.combination.wabaId });
    assert.equal(again.combination.wabaId, m.combination.wabaId, 'the WABA is still healthy');
  });

  it('when Meta blames the WABA (131031), then its circuit opens and the next attempt is refused before the send', async () => {
    const m = await newMessage(ASHA);
    const wabaId = m.combination.wabaId;
    await stack.control.injectErrors({ scope: { wabaId }, code: 131031, mode: 'sync' });
    const { result: refused, seq } = await sendPastCapacity(m.id, ASHA, 1, m.combination);
    assert.ok(refused.outcome === 'refused', JSON.stringify(refused));
    assert.deepEqual(
      { kind: refused.failure.kind, resource: refused.failure.resource, code: refused.failure.code },
      { kind: 'resource', resource: 'waba', code: 131031 },
    );
    await stack.control.clearFaults();
    const sendsBefore = (await stack.control.sends({ wabaId })).length;
    const gated = await sendTemplate(deps, request(m.id, ASHA, seq + 1, m.combination));
    assert.ok(gated.outcome === 'refused', JSON.stringify(gated));
    assert.deepEqual(gated.failure, { kind: 'resource', resource: 'waba', reason: 'unhealthy_before_send' });
    assert.equal((await stack.control.sends({ wabaId })).length, sendsBefore, 'the gated attempt never reached Meta');
    const rows = await createMessagesRepo(stack.db.pool).attempts(stack.tenant.id, m.id);
    const ours = new Set([attemptId(m.id, 'template', seq), attemptId(m.id, 'template', seq + 1)]);
    assert.deepEqual(
      rows.filter((r) => ours.has(r.id)).map((r) => [r.id, r.status]),
      [
        [attemptId(m.id, 'template', seq), 'sending'],
        [attemptId(m.id, 'template', seq + 1), 'failed'],
      ],
    );
    assert.deepEqual(warnings, []);
  });

  it('when the send activity is asked to record `sent`, then an accepted send writes it once, and a failed write leaves it to the workflow', async () => {
    const m = await newMessage(ASHA);
    const { result: first, seq } = await sendPastCapacity(m.id, ASHA, 1, m.combination);
    assert.ok(first.outcome === 'accepted', JSON.stringify(first));
    const { log: _log, ...ports } = deps;
    const messages = createMessagesRepo(stack.db.pool);
    const env = new MockActivityEnvironment();
    // The attempt is in the ledger: each activity call below returns its wamid without calling Meta again.
    const input = { ...request(m.id, ASHA, seq, m.combination), recordSent: { key: 'step-1' } };
    const down = createSendActivities({
      ...ports,
      progress: {
        setStatus: async () => {
          throw new Error('connection terminated');
        },
      },
    });
    assert.deepEqual(await env.run(down.sendTemplate, input), { wamid: first.wamid });
    const up = createSendActivities({ ...ports, progress: messages });
    assert.deepEqual(await env.run(up.sendTemplate, input), { wamid: first.wamid, sentRecorded: true });
    // A retried send (a worker crash after the write) writes the same event under the same key: still one.
    await env.run(up.sendTemplate, input);
    const sent = (await messages.events(stack.tenant.id, m.id)).filter((e) => e.type === 'sent');
    assert.deepEqual(
      sent.map((e) => e.data),
      [{ attemptId: input.attemptId, wamid: first.wamid, combination: m.combination }],
    );
    const row = await stack.db.pool.query('SELECT status FROM messages WHERE id = $1', [m.id]);
    assert.equal(row.rows[0].status, 'sent');
  });
});
