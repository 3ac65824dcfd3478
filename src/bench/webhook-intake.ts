/**
 * Webhook intake benchmark: how fast signed webhooks are accepted and stored, how fast the inbox drains, and
 * the end-to-end lag from "200 sent to Meta" to "status signal handled by the running workflow". A local load
 * generator posts signed status webhooks over loopback; counts and time are bounded; figures only.
 *
 *   npx tsx src/bench/webhook-intake.ts [--requests 1000] [--live 300] [--rate <req/s>] [--concurrency 16]
 *     [--workflows 20] [--max-ms 60000] [--json]
 *
 * Needs PostgreSQL (TEST_DATABASE_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres); starts its
 * own Temporal dev server unless TEMPORAL_ADDRESS is set. Phases: (1) intake with the processor stopped, so the
 * figure is the HTTP edge alone (verify, parse, store); (2) the processor drains that backlog; (3) live: paced
 * requests (default: half the drain rate) with the processor running, lag measured per event.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { signWebhookBody } from '../meta/webhook-signature';
import { BENCH_APP_SECRET, startBenchEnv } from './webhook-intake-env';
import { receivedQuery } from './webhook-intake-workflow';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    live: { type: 'string', default: '300' },
    rate: { type: 'string' },
    concurrency: { type: 'string', default: '16' },
    workflows: { type: 'string', default: '20' },
    'max-ms': { type: 'string', default: '60000' },
    json: { type: 'boolean', default: false },
  },
});
const N = Math.max(1, Number(values.requests));
const LIVE = Math.min(N, Math.max(1, Number(values.live)));
const CONCURRENCY = Math.max(1, Number(values.concurrency));
const MAX_MS = Math.max(1000, Number(values['max-ms']));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function statusBody(wamid: string, status: string, i: number): string {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550000801', phone_number_id: '300000000000801' },
    statuses: [{ id: wamid, status, timestamp: String(1767225600 + i), recipient_id: '447700900001' }],
  };
  const entry = { id: '200000000000801', time: 1767225600 + i, changes: [{ field: 'messages', value }] };
  return JSON.stringify({ object: 'whatsapp_business_account', entry: [entry] });
}

async function post(apiUrl: string, body: string): Promise<void> {
  const res = await fetch(`${apiUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhookBody(body, BENCH_APP_SECRET) },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
}

/** Runs `count` jobs with at most `concurrency` in flight, optionally paced to `rate`/s; stops at `deadline`. */
async function load(count: number, job: (i: number) => Promise<void>, o: { rate?: number; deadline: number }) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const workerLoop = async () => {
    for (let i = next++; i < count && Date.now() < o.deadline; i = next++) {
      if (o.rate) await sleep(started + (i * 1000) / o.rate - performance.now());
      const t = performance.now();
      await job(i);
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, workerLoop));
  return { done: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}

async function main(): Promise<void> {
  const env = await startBenchEnv({ workflows: Number(values.workflows), wamids: N, runForMs: MAX_MS * 3 + 60_000 });
  const deadline = Date.now() + MAX_MS;
  try {
    // (1) The HTTP edge alone: verify, parse, store.
    await env.processor.stop();
    const intake = await load(N, (i) => post(env.apiUrl, statusBody(env.wamid(i), 'sent', i)), { deadline });
    const stored = (await env.pool.query('SELECT count(*)::int AS n FROM webhook_inbox')).rows[0].n as number;

    // (2) The backlog drained by one processor (each event: route by wamid, ledger update, signal).
    const drainStart = performance.now();
    env.processor.start();
    while (Date.now() < deadline) {
      const pending = (await env.pool.query('SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL'))
        .rows[0].n as number;
      if (pending === 0) break;
      await sleep(50);
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    const drainRate = stored / drainSeconds;

    // (3) Live: paced below the drain rate, accepted → handled by the workflow, per event.
    const rate = values.rate ? Number(values.rate) : Math.max(1, Math.floor(drainRate / 2));
    const acceptedAt = new Map<string, number>();
    const live = await load(
      LIVE,
      async (i) => {
        await post(env.apiUrl, statusBody(env.wamid(i), 'delivered', N + i));
        acceptedAt.set(`${env.wamid(i)}:delivered`, Date.now());
      },
      { rate, deadline },
    );
    const lags: number[] = [];
    while (Date.now() < deadline + 10_000) {
      const received = Object.assign(
        {},
        ...(await Promise.all(env.workflowIds.map((id) => env.client.workflow.getHandle(id).query(receivedQuery)))),
      ) as Record<string, number>;
      lags.length = 0;
      for (const [key, at] of acceptedAt) if (received[key] !== undefined) lags.push(received[key]! - at);
      if (lags.length >= acceptedAt.size) break;
      await sleep(250);
    }

    const figures = {
      machine: { cpus: os.cpus().length, node: process.version },
      intake: {
        requests: intake.done,
        stored,
        concurrency: CONCURRENCY,
        requestsPerSecond: round(intake.done / intake.seconds),
        latencyMs: { p50: round(pct(intake.latencies, 50), 2), p99: round(pct(intake.latencies, 99), 2) },
      },
      drain: { events: stored, seconds: round(drainSeconds, 2), eventsPerSecond: round(drainRate) },
      live: {
        requests: live.done,
        pacedAt: rate,
        signalsSeen: lags.length,
        lagMs: {
          p50: round(pct(lags, 50)),
          p90: round(pct(lags, 90)),
          p99: round(pct(lags, 99)),
          max: round(Math.max(...lags)),
        },
      },
    };
    if (values.json) console.log(JSON.stringify(figures));
    else {
      const f = figures;
      console.log(`webhook intake benchmark (${f.machine.cpus} CPUs, Node ${f.machine.node}, loopback)`);
      console.log(
        `  intake  (processor stopped): ${f.intake.requests} signed requests, ${f.intake.stored} stored, ` +
          `${f.intake.requestsPerSecond} req/s at concurrency ${CONCURRENCY}; latency p50 ${f.intake.latencyMs.p50} ms, p99 ${f.intake.latencyMs.p99} ms`,
      );
      console.log(
        `  drain   (1 processor): ${f.drain.events} status events in ${f.drain.seconds} s = ${f.drain.eventsPerSecond} events/s`,
      );
      console.log(
        `  live    (paced at ${rate} req/s): ${f.live.requests} requests, ${f.live.signalsSeen} signals seen; accepted → handled by the workflow: ` +
          `p50 ${f.live.lagMs.p50} ms, p90 ${f.live.lagMs.p90} ms, p99 ${f.live.lagMs.p99} ms, max ${f.live.lagMs.max} ms`,
      );
    }
  } finally {
    await env.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
