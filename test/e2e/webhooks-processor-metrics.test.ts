import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { campaignStack, MINIMAL } from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import { has, scrape, total, type Sample } from '../helpers/scrape';
import { freePort } from '../../src/tools/temporal-dev';
import { startProcess } from '../helpers/processes';
import type { Stack } from '../helpers/stack';
import { envelope, postWebhook, statusValue } from '../helpers/webhooks';

const LAG = 'lifeline_webhook_status_lag_seconds';

/**
 * `npm run webhooks` as production runs it — its own process, configured by the environment — beside a stack whose
 * API only stores webhooks (no inline processor): every status below is processed by that process alone.
 */
describe('webhook processor process: its own /metrics', () => {
  let stack: Stack;
  let child: ChildProcess | undefined;
  before(async () => {
    stack = await campaignStack({ inlineWebhookProcessor: false });
  });
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child!.once('exit', r));
    }
    await stack.stop();
  });

  /** Starts the processor; resolves with its metrics URL from its "running" log line. */
  async function startProcessor(port: number): Promise<string> {
    const started = startProcess(stack, 'src/services/webhooks/main.ts', '"webhook processor running"', {
      HOST: '127.0.0.1',
      WEBHOOKS_METRICS_PORT: String(port),
    });
    child = started.child;
    return (JSON.parse(await started.ready) as { metrics: string }).metrics;
  }

  it('when it drains signed status webhooks, then its /metrics shows each status processed and how late, with sensible values', async () => {
    const port = await freePort();
    const url = await startProcessor(port);
    assert.equal(url, `http://127.0.0.1:${port}/metrics`);

    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const sent = await stack.api('POST', '/v1/messages', {
        to: `+44770331000${n}`,
        template: 'hello_offer',
        language: 'en_US',
        parameters: { body: ['Ravi', '20%'] },
        idempotencyKey: `processor-metrics-${n}`,
      });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      ids.push(sent.body.id as string);
    }
    // The simulator's signed sent, delivered and read webhooks for each, through the API's inbox to the process.
    let samples: Sample[] = [];
    await waitFor(async () => {
      samples = await scrape(url);
      return ['sent', 'delivered', 'read'].every((status) => total(samples, `${LAG}_count`, { status }) >= 3);
    }, 'the three messages’ statuses processed by the webhook processor');
    for (const status of ['sent', 'delivered', 'read']) {
      assert.equal(total(samples, `${LAG}_count`, { status }), 3, `one ${status} each`);
      const seconds = total(samples, `${LAG}_sum`, { status });
      assert.ok(seconds >= 0 && seconds < 3 * 60, `${status} lag ${seconds} s in all: processed as they came`);
    }
    assert.ok(has(samples, 'process_cpu_user_seconds_total'), 'the process’s own registry');
    assert.equal((await stack.api('GET', `/v1/messages/${ids[0]}`)).body.status, 'read', 'the process signalled it');

    // A fourth message whose statuses Meta stamped two minutes ago, pushed by hand and signed (the simulator's own
    // webhooks off): each is observed late, in the 60-300 s bucket, and only they are.
    await stack.control.configureWebhook({ url: null });
    const late = await stack.api('POST', '/v1/messages', {
      to: '+447703310004',
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Ravi', '20%'] },
      idempotencyKey: 'processor-metrics-late',
    });
    assert.equal(late.status, 202, JSON.stringify(late.body));
    const wamid = await waitFor(async () => {
      const r = await stack.db.pool.query('SELECT wamid FROM message_attempts WHERE message_id = $1', [late.body.id]);
      return (r.rows[0]?.wamid as string | undefined) ?? false;
    }, 'the fourth message accepted by Meta');
    const stamped = String(Math.floor(Date.now() / 1000) - 120);
    for (const status of ['sent', 'delivered', 'read']) {
      const value = statusValue(MINIMAL.phones[0]!, wamid, status, '447703310004');
      value.statuses[0]!.timestamp = stamped;
      assert.equal((await postWebhook(stack, envelope(MINIMAL.waba, 'messages', value))).status, 200);
    }
    await waitFor(async () => {
      samples = await scrape(url);
      return ['sent', 'delivered', 'read'].every((status) => total(samples, `${LAG}_count`, { status }) === 4);
    }, 'the pushed statuses processed');
    for (const status of ['sent', 'delivered', 'read']) {
      const bucket = (le: string) => total(samples, `${LAG}_bucket`, { status, le });
      assert.equal(bucket('300') - bucket('60'), 1, `only the late ${status} took between 60 s and 300 s`);
      assert.equal(bucket('+Inf'), 4);
      assert.ok(total(samples, `${LAG}_sum`, { status }) >= 120, `its two minutes are in the ${status} sum`);
    }
    await waitFor(
      async () => (await stack.api('GET', `/v1/messages/${late.body.id}`)).body.status === 'read',
      'the late message read',
    );
  });
});
