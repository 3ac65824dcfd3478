import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type ScheduleExecutionResult, type ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import { ensureRegistryRefreshSchedule } from '../../src/worker/schedules';
import { registryRefresh, type RegistryRefreshResult } from '../../workflows/registry-refresh';
import { FESTIVE, registerWabas } from '../helpers/festive';
import { httpClient } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const [W11, W12, W21] = FESTIVE.wabas as [string, string, string];
const P121 = FESTIVE.phones[W12]![0]!;
const P211 = FESTIVE.phones[W21]![0]!;

describe('registry refresh: the registryRefresh workflow and its Schedule', () => {
  let stack: Stack;
  let tenantB: ReturnType<typeof httpClient>;
  let tenantBId: string;
  const unique = () => `registry-refresh-${crypto.randomBytes(4).toString('hex')}`;
  const refreshOnce = (input: Parameters<typeof registryRefresh>[0] = {}) =>
    stack.temporal.client.workflow.execute(registryRefresh, {
      taskQueue: stack.taskQueue,
      workflowId: unique(),
      args: [input],
    });
  const syncedAt = async () =>
    new Map(
      (await stack.db.pool.query('SELECT tenant_id, id, synced_at FROM wabas')).rows.map((r) => [
        `${r.tenant_id}/${r.id}`,
        (r.synced_at as Date).getTime(),
      ]),
    );
  const matrix = async (api: ReturnType<typeof httpClient>) => {
    const body = (await api('GET', '/v1/health')).body;
    return [...body.wabas, ...body.phoneNumbers, ...body.templates] as {
      id: string;
      verdict: string;
      reasons: { code: string }[];
    }[];
  };

  before(async () => {
    stack = await startStack();
    const created = await stack.admin('POST', '/v1/tenants', { name: 'tenant B' });
    assert.equal(created.status, 201);
    tenantBId = created.body.id;
    tenantB = httpClient(stack.apiUrl, created.body.apiKey);
    await registerWabas(stack, [W11, W12]);
    const reg = await tenantB('POST', '/v1/wabas', { id: W21, accessToken: FESTIVE.token(W21) });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
  });
  after(() => stack.stop());

  it('when the refresh workflow runs once, then every WABA of every tenant is re-read from Meta', async () => {
    const before = await syncedAt();
    // GREEN → YELLOW sends no webhook (Meta announces none): only polling can notice it.
    await stack.control.setPhoneQuality(P121, 'YELLOW');
    await stack.control.setPhoneQuality(P211, 'YELLOW');

    const result: RegistryRefreshResult = await refreshOnce({ concurrency: 2 });
    assert.equal(result.total, 3);
    assert.equal(result.synced, 3);
    assert.equal(result.failed, 0);
    assert.equal(result.truncated, false);
    const outcomes = result.outcomes.map((o) => `${o.tenantId}/${o.wabaId}:${o.outcome}`).sort();
    assert.deepEqual(
      outcomes,
      [`${stack.tenant.id}/${W11}:synced`, `${stack.tenant.id}/${W12}:synced`, `${tenantBId}/${W21}:synced`].sort(),
    );
    const w21 = result.outcomes.find((o) => o.wabaId === W21)!;
    assert.equal(w21.phoneNumbers, FESTIVE.phones[W21]!.length);

    const after = await syncedAt();
    for (const [key, at] of before) assert.ok(after.get(key)! > at, `${key} was synced again`);
    const phoneA = (await stack.api('GET', '/v1/phone-numbers')).body.data.find((p: any) => p.id === P121);
    assert.equal(phoneA.qualityRating, 'YELLOW');
    assert.equal(phoneA.health.verdict, 'degraded');
    const phoneB = (await tenantB('GET', '/v1/phone-numbers')).body.data.find((p: any) => p.id === P211);
    assert.equal(phoneB.qualityRating, 'YELLOW');
    assert.deepEqual(
      phoneB.health.reasons.map((r: { code: string }) => r.code),
      ['phone_quality_yellow'],
    );
  });

  it('when Meta is down during a refresh, then the workflow completes, reports each failure and marks every WABA stale', async () => {
    await stack.control.setDown(true);
    let result: RegistryRefreshResult;
    try {
      result = await refreshOnce();
    } finally {
      await stack.control.setDown(false);
    }
    assert.equal(result.total, 3);
    assert.equal(result.failed, 3);
    assert.equal(result.synced, 0);
    for (const o of result.outcomes) {
      assert.equal(o.outcome, 'failed');
      assert.equal(o.httpStatus, 503);
      assert.ok(o.error && !o.error.includes('EAAG'), 'the reason names no token');
    }
    for (const [api, wabaIds] of [
      [stack.api, [W11, W12]],
      [tenantB, [W21]],
    ] as const) {
      const rows = await matrix(api);
      for (const id of wabaIds) {
        const waba = rows.find((r) => r.id === id)!;
        assert.equal(waba.verdict, 'degraded', `${id} is stale, never healthy`);
        assert.ok(
          waba.reasons.some((r) => r.code === 'stale'),
          JSON.stringify(waba.reasons),
        );
      }
      assert.ok(
        rows.every((r) => r.verdict !== 'healthy'),
        'numbers and templates are stale too',
      );
    }

    const recovered = await refreshOnce();
    assert.equal(recovered.synced, 3);
    const w11 = (await matrix(stack.api)).find((r) => r.id === W11)!;
    assert.equal(w11.verdict, 'healthy');
  });

  it("when one WABA's token has expired, then the others are refreshed and only that WABA turns stale", async () => {
    await stack.control.expireToken(W21);
    let result: RegistryRefreshResult;
    try {
      result = await refreshOnce();
    } finally {
      await stack.control.expireToken(W21, false);
    }
    assert.deepEqual([result.total, result.synced, result.failed], [3, 2, 1]);
    assert.equal(result.outcomes[0]!.wabaId, W21, 'failures are listed first');
    assert.equal(result.outcomes[0]!.httpStatus, 401);
    const w21 = (await matrix(tenantB)).find((r) => r.id === W21)!;
    assert.equal(w21.verdict, 'degraded');
    assert.ok(w21.reasons.some((r) => r.code === 'stale'));
    const tenantA = await matrix(stack.api);
    for (const id of [W11, W12]) assert.equal(tenantA.find((r) => r.id === id)!.verdict, 'healthy', id);
  });

  it('when a refresh runs, then no access token reaches its workflow history', async () => {
    const workflowId = unique();
    await stack.temporal.client.workflow.execute(registryRefresh, {
      taskQueue: stack.taskQueue,
      workflowId,
      args: [{}],
    });
    const history = await stack.temporal.client.workflow.getHandle(workflowId).fetchHistory();
    const text = textOf(history);
    for (const w of [W11, W12, W21]) assert.ok(!text.includes(FESTIVE.token(w)), `token of ${w} in history`);
    assert.ok(text.includes(W21), 'the history does carry the outcomes');
  });

  it('when the schedule is ensured twice, then it is created once, updated to the new interval, and its action runs the refresh', async () => {
    const scheduleId = unique();
    const handle = stack.temporal.client.schedule.getHandle(scheduleId);
    try {
      const first = await ensureRegistryRefreshSchedule(stack.temporal.client, {
        taskQueue: stack.taskQueue,
        interval: 3_600_000,
        scheduleId,
      });
      assert.deepEqual(first, { scheduleId, created: true });
      await handle.pause('operator pause survives a worker restart');
      const second = await ensureRegistryRefreshSchedule(stack.temporal.client, {
        taskQueue: stack.taskQueue,
        interval: 2 * 3_600_000,
        scheduleId,
        input: { concurrency: 2 },
      });
      assert.deepEqual(second, { scheduleId, created: false });

      const d = await handle.describe();
      assert.equal(d.spec.intervals?.length, 1);
      assert.equal(d.spec.intervals?.[0]?.every, 2 * 3_600_000);
      assert.equal(d.action.workflowType, 'registryRefresh');
      assert.equal(d.action.taskQueue, stack.taskQueue);
      assert.deepEqual(d.action.args, [{ concurrency: 2 }]);
      assert.equal(d.policies.overlap, ScheduleOverlapPolicy.SKIP);
      assert.equal(d.state.paused, true);

      // The action as the Schedule would start it: the workflow type and args the worker knows.
      await handle.trigger();
      const runId = await waitForAction(handle);
      const run = await stack.temporal.client.workflow.getHandle(runId).result();
      assert.equal((run as RegistryRefreshResult).total, 3);
      assert.ok(runId.startsWith(scheduleId));
    } finally {
      await handle.delete();
    }
    await assert.rejects(handle.describe(), 'the schedule is gone');
  });
});

async function waitForAction(handle: ScheduleHandle): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const recent = (await handle.describe()).info.recentActions as ScheduleExecutionResult[];
    if (recent.length) return recent[0]!.action.workflow.workflowId;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule took no action');
}

/** Every string and byte payload (read as UTF-8) in a history, as an operator reading it would see them. */
function textOf(value: unknown, out: string[] = []): string {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textOf(v, out);
  return out.join('\n');
}
