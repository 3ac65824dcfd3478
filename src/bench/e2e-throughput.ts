/**
 * End-to-end benchmark (prints figures, asserts nothing):
 *   1. the simulator's raw send rate, measured first in the same run (src/bench/simulator-send-rate.ts), and the
 *      Temporal floor: workflows of the lifecycle's shape doing no work, on their own dev server
 *      (src/bench/temporal-floor.ts) — the most the per-message path could reach on this machine;
 *   2. Lifeline's end-to-end rate: a burst of N messages, HTTP accepted → delivered (status webhook folded);
 *   3. failover reaction time: a WABA is banned mid-burst; from the moment the API accepted the ban's
 *      webhook to the last send through that WABA that reached Meta.
 *
 *   npx tsx src/bench/e2e-throughput.ts [--messages 2000] [--concurrency 40] [--eager on|off]
 *
 * `--eager off` starts message workflows the ordinary way instead of eagerly on the in-process worker, to compare
 * (docs/temporal.md, "Eager start").
 *
 * Everything runs on loopback: its own Temporal dev server, a fresh database, the simulator, API and worker.
 */
import { deliveredSql } from '../domain/status';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import crypto from 'node:crypto';
import { BENCH_APP_SECRET, startBenchStack } from './stack';
import { formatPhases, messagePhases } from './message-phases';
import { measureSendRate } from './simulator-send-rate';
import { LIFECYCLE_SHAPE, measureTemporalFloor } from './temporal-floor';

const WABAS = ['200000000000011', '200000000000012', '200000000000021', '200000000000022', '200000000000031'];

const options = z
  .object({
    messages: z.coerce.number().int().min(10).max(20_000).default(2000),
    concurrency: z.coerce.number().int().min(1).max(200).default(40),
    eager: z.enum(['on', 'off']).default('on'),
  })
  .parse(
    parseArgs({ options: { messages: { type: 'string' }, concurrency: { type: 'string' }, eager: { type: 'string' } } })
      .values,
  );

type Stack = Awaited<ReturnType<typeof startBenchStack>>;

async function burst(stack: Stack, prefix: string, count: number, onProgress?: (sent: number) => Promise<void>) {
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await stack.api('POST', '/v1/messages', {
        to: `+9197${prefix}${String(i).padStart(6, '0')}`,
        template: 'festive_text',
        language: 'en_US',
        parameters: { body: ['friend', '10%'] },
        idempotencyKey: `${prefix}-${i}`,
        campaignId: `bench-${prefix}`,
      });
      if (r.status !== 202) throw new Error(`POST /v1/messages → ${r.status}: ${JSON.stringify(r.body)}`);
      if (onProgress) await onProgress(i);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const acceptedMs = Date.now() - started;
  for (;;) {
    const res = await stack.pool.query(
      `SELECT count(*) FILTER (WHERE ${deliveredSql('status')})::int AS ok,
              count(*) FILTER (WHERE status IN ('failed','cancelled','expired','declined'))::int AS bad
         FROM messages WHERE campaign_id = $1`,
      [`bench-${prefix}`],
    );
    const { ok, bad } = res.rows[0] as { ok: number; bad: number };
    if (ok + bad >= count) return { acceptedMs, totalMs: Date.now() - started, ok, bad };
    if (Date.now() - started > 30 * 60_000) throw new Error('burst did not settle in 30 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<void> {
  const raw = await measureSendRate({ requests: 5000, durationMs: 5000, concurrency: 32, mode: 'child' });
  console.log(
    `simulator raw send rate: ${raw.requestsPerSecond.toFixed(0)} requests/s (p50 ${raw.p50Ms.toFixed(1)} ms)`,
  );

  const floor = await measureTemporalFloor({
    workflows: options.messages,
    concurrency: options.concurrency,
    shape: LIFECYCLE_SHAPE,
  });
  console.log(
    `temporal floor (the lifecycle's shape, no work): ${floor.rate.toFixed(1)} messages/s ` +
      `(${floor.eagerly} of ${options.messages} started eagerly)`,
  );

  const stack = await startBenchStack({
    taskQueue: `bench-${crypto.randomBytes(4).toString('hex')}`,
    meta: { simulator: { appSecret: BENCH_APP_SECRET, scenario: 'festive-campaign', statusDelayMs: 20, seed: 42 } },
    pollMs: 50,
    eagerStart: options.eager === 'on',
    tenantSettings: {
      requireOptIn: false,
      timing: { statusTimeout: '120s', noneBackoff: '500ms', maxWait: '2s', deadline: '30m' },
    },
  });
  try {
    for (const id of WABAS) {
      await stack.api('POST', '/v1/wabas', { id, accessToken: `EAAG-festive-waba-${id.slice(-2)}` });
    }
    const run = await burst(stack, '1', options.messages);
    const e2eRate = (run.ok / run.totalMs) * 1000;
    console.log(
      `end-to-end (eager start ${options.eager}): ${run.ok}/${options.messages} delivered (${run.bad} not) in ${(run.totalMs / 1000).toFixed(1)} s → ` +
        `${e2eRate.toFixed(1)} messages/s (HTTP intake alone ${((options.messages / run.acceptedMs) * 1000).toFixed(0)}/s)`,
    );
    console.log(
      `ratio end-to-end / simulator raw: ${((e2eRate / raw.requestsPerSecond) * 100).toFixed(2)} %; ` +
        `end-to-end / temporal floor: ${((e2eRate / floor.rate) * 100).toFixed(0)} %`,
    );
    const phases = await messagePhases(stack.temporal.client, stack.pool, 'bench-1');
    console.log(
      `where a message's time went (${phases.sampled} sampled histories, mean): ${formatPhases(phases.mean)}`,
    );
    console.log(`  p90: ${formatPhases(phases.p90)}`);

    // Failover reaction: ban the primary WABA once a fifth of a second burst went out.
    const second = Math.max(100, Math.floor(options.messages / 4));
    let banned = false;
    const reaction = await burst(stack, '2', second, async (i) => {
      if (!banned && i >= second / 5) {
        banned = true;
        await stack.control!.banWaba(WABAS[0]!);
      }
    });
    const timing = await stack.pool.query(
      `SELECT (SELECT min(received_at) FROM webhook_inbox WHERE body::text LIKE '%DISABLED_UPDATE%') AS webhook,
              (SELECT max(a.created_at) FROM message_attempts a JOIN messages m ON m.id = a.message_id
                WHERE m.campaign_id = 'bench-2' AND a.waba_id = $1
                  AND COALESCE(a.error->>'reason', '') <> 'unhealthy_before_send') AS last_send`,
      [WABAS[0]],
    );
    const { webhook, last_send } = timing.rows[0] as { webhook: Date | null; last_send: Date | null };
    const gated = await stack.pool.query(
      `SELECT count(*)::int AS n FROM message_attempts a JOIN messages m ON m.id = a.message_id
        WHERE m.campaign_id = 'bench-2' AND a.waba_id = $1 AND a.error->>'reason' = 'unhealthy_before_send'`,
      [WABAS[0]],
    );
    const delta = webhook && last_send ? last_send.getTime() - webhook.getTime() : NaN;
    console.log(
      `failover: ${reaction.ok}/${second} delivered; last send through the banned WABA ` +
        (Number.isNaN(delta)
          ? 'n/a'
          : `${Math.abs(delta)} ms ${delta >= 0 ? 'after' : 'before'} its ban webhook was accepted`) +
        `; ${gated.rows[0].n} sends stopped by the pre-send health check`,
    );
  } finally {
    await stack.stop();
  }
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
