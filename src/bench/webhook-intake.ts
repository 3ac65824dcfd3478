/**
 * Webhook pipeline benchmark: intake (signed status webhooks stored per second by one API process), drain (events
 * applied per second by one and by two `npm run webhooks` processors), and live lag at a paced rate (accepted →
 * applied, and → handled by the waiting workflow), beside the simulator's raw send rate measured in the same run.
 * Figures only; counts and time are bounded.
 *
 *   npx tsx src/bench/webhook-intake.ts [--events 15000] [--per-post 10] [--concurrency 32]
 *     [--live-rate 1500] [--live-seconds 10] [--workflows 20] [--max-ms 120000] [--json]
 *
 * Statuses climb sent → delivered → read per wamid, one message per wamid; only `delivered` reaches a workflow
 * (a `sent` decides nothing, a `read` finds the message finished). Needs PostgreSQL (TEST_DATABASE_ADMIN_URL,
 * default postgres://postgres@127.0.0.1:5432/postgres); starts its own Temporal dev server unless
 * TEMPORAL_ADDRESS is set. The load generator runs in this process, the API and processors in their own.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { measureSendRate } from './simulator-send-rate';
import { startBenchEnv } from './webhook-intake-env';
import { receivedQuery } from './webhook-intake-workflow';
import { drainWithoutTemporal, rawSignalRate } from './webhook-drain-in-process';
import { ladderBodies, postAll } from './webhook-load';

const options = z
  .object({
    events: z.coerce.number().int().min(30).max(1_000_000).default(15_000),
    'per-post': z.coerce.number().int().min(1).max(1000).default(10),
    concurrency: z.coerce.number().int().min(1).max(512).default(32),
    'live-rate': z.coerce.number().min(1).max(100_000).default(1500),
    'live-seconds': z.coerce.number().min(1).max(600).default(10),
    workflows: z.coerce.number().int().min(1).max(1000).default(20),
    'max-ms': z.coerce.number().int().min(1000).default(120_000),
    json: z.boolean().default(false),
  })
  .parse(
    parseArgs({
      options: {
        events: { type: 'string' },
        'per-post': { type: 'string' },
        concurrency: { type: 'string' },
        'live-rate': { type: 'string' },
        'live-seconds': { type: 'string' },
        workflows: { type: 'string' },
        'max-ms': { type: 'string' },
        json: { type: 'boolean' },
      },
    }).values,
  );
const PER_POST = options['per-post'];
const WAMIDS = Math.ceil(options.events / 3);

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const keyOf = (raw: string) => crypto.createHash('sha256').update(raw).digest('hex');

async function main(): Promise<void> {
  const raw = await measureSendRate({ requests: 10_000, durationMs: 5_000, concurrency: 32 });
  const env = await startBenchEnv({ workflows: options.workflows, runForMs: options['max-ms'] * 4 + 60_000 });
  const deadline = () => Date.now() + options['max-ms'];
  const pending = async () =>
    (await env.pool.query('SELECT count(*)::int AS n FROM webhook_inbox WHERE processed_at IS NULL')).rows[0]
      .n as number;

  /** Stores a backlog through an API whose processor is off: the HTTP edge alone. */
  async function intake(prefix: string) {
    const bodies = ladderBodies(await env.seed(prefix, WAMIDS), PER_POST);
    const api = await env.startApi('off');
    try {
      const r = await postAll(`${api.apiUrl}/webhooks/whatsapp`, bodies, {
        concurrency: options.concurrency,
        deadline: deadline(),
      });
      const events = r.done * PER_POST;
      return {
        events,
        requests: r.done,
        eventsPerSecond: round(events / r.seconds),
        requestsPerSecond: round(r.done / r.seconds),
        p50: round(pct(r.latencies, 50), 2),
        p99: round(pct(r.latencies, 99), 2),
      };
    } finally {
      await api.stop();
    }
  }

  /** Drains the stored backlog with `n` processors; timed from the first body processed to the last. */
  async function drain(n: number, events: number) {
    const total = await pending();
    const procs = Array.from({ length: n }, () => env.startProcessor());
    try {
      const end = deadline();
      let start: { at: number; left: number } | undefined;
      for (let left = total; left > 0 && Date.now() < end; left = await pending()) {
        if (!start && left < total) start = { at: performance.now(), left };
        await sleep(20);
      }
      const seconds = (performance.now() - (start?.at ?? performance.now())) / 1000;
      const drained = ((start?.left ?? 0) / total) * events;
      return { processors: n, events, seconds: round(seconds, 2), eventsPerSecond: round(drained / seconds) };
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
  }

  /** Paced load with the processor inside the API (its default): accepted → applied, and → the workflow. */
  async function live() {
    const perSecond = options['live-rate'] / PER_POST;
    const bodies = ladderBodies(
      await env.seed('live-', Math.ceil((options['live-rate'] * options['live-seconds']) / 3)),
      PER_POST,
    );
    const api = await env.startApi('inline');
    const accepted = new Map<string, number>();
    const deliveredAt = new Map<string, number>();
    try {
      const r = await postAll(`${api.apiUrl}/webhooks/whatsapp`, bodies, {
        concurrency: options.concurrency,
        ratePerSecond: perSecond,
        deadline: deadline(),
        onAccepted: (b, at) => {
          accepted.set(keyOf(b.raw), at);
          for (const e of b.events) if (e.status === 'delivered') deliveredAt.set(`${e.wamid}:delivered`, at);
        },
      });
      const end = Date.now() + 30_000;
      while ((await pending()) > 0 && Date.now() < end) await sleep(100);
      const rows = (
        await env.pool.query(
          'SELECT dedupe_key AS key, (extract(epoch FROM processed_at) * 1000)::float8 AS at FROM webhook_inbox WHERE dedupe_key = ANY($1)',
          [[...accepted.keys()]],
        )
      ).rows as { key: string; at: number | null }[];
      const applied = rows.filter((x) => x.at !== null).map((x) => x.at! - accepted.get(x.key)!);
      // A starved worker can time a query out: ask each workflow a few times, and count what answered.
      const ask = async (id: string): Promise<Record<string, number>> => {
        for (let i = 0; ; i++) {
          try {
            return await env.client.workflow.getHandle(id).query(receivedQuery);
          } catch (err) {
            if (i >= 4) return (console.error(`query ${id}: ${(err as Error).message}`), {});
            await sleep(2000);
          }
        }
      };
      const received = Object.assign({}, ...(await Promise.all(env.workflowIds.map(ask)))) as Record<string, number>;
      const signalled = [...deliveredAt].flatMap(([k, at]) => (received[k] === undefined ? [] : [received[k]! - at]));
      const lag = (xs: number[]) => ({
        n: xs.length,
        p50: round(pct(xs, 50)),
        p99: round(pct(xs, 99)),
        max: round(Math.max(...xs)),
      });
      return {
        pacedEventsPerSecond: options['live-rate'],
        achievedEventsPerSecond: round((r.done * PER_POST) / r.seconds),
        applied: lag(applied),
        signalled: lag(signalled),
      };
    } finally {
      await api.stop();
    }
  }

  try {
    const progress = (what: string, v: unknown) => !options.json && console.error(`${what}: ${JSON.stringify(v)}`);
    const intakeA = await intake('a-');
    progress('intake', intakeA);
    const drain1 = await drain(1, intakeA.events);
    progress('drain', drain1);
    const intakeB = await intake('b-');
    progress('intake', intakeB);
    const drain2 = await drain(2, intakeB.events);
    progress('drain', drain2);
    const liveLag = await live();
    progress('live', liveLag);
    const signalsPerSecond = round(await rawSignalRate(env.client, env.workflowIds, 600));
    const diag = await drainWithoutTemporal(env.pool, ladderBodies(await env.seed('diag-', WAMIDS), PER_POST));
    const figures = {
      machine: { cpus: os.cpus().length, node: process.version, load: os.loadavg().map((l) => round(l, 2)) },
      simulatorRawSendsPerSecond: raw.requestsPerSecond,
      temporalRawSignalsPerSecond: signalsPerSecond,
      drainWithoutTemporal: {
        events: WAMIDS * 3,
        eventsPerSecond: round((WAMIDS * 3) / diag.seconds),
        signalsCounted: diag.signals,
      },
      perPost: PER_POST,
      intake: [intakeA, intakeB],
      drain: [drain1, drain2],
      live: liveLag,
    };
    if (options.json) console.log(JSON.stringify(figures));
    else {
      const f = figures;
      console.log(
        `webhook pipeline benchmark (${f.machine.cpus} CPUs, Node ${f.machine.node}, load ${f.machine.load.join(' ')}, ${PER_POST} statuses per POST)`,
      );
      console.log(`  simulator raw send rate (same run):  ${f.simulatorRawSendsPerSecond} sends/s`);
      console.log(`  Temporal raw signal rate (same run): ${f.temporalRawSignalsPerSecond} signals/s (64 in flight)`);
      for (const i of f.intake) {
        console.log(
          `  intake  (1 API, processor off):     ${i.eventsPerSecond} events/s stored (${i.requestsPerSecond} req/s, ${i.events} events, concurrency ${options.concurrency}; p50 ${i.p50} ms, p99 ${i.p99} ms)`,
        );
      }
      for (const d of f.drain) {
        console.log(
          `  drain   (${d.processors} processor${d.processors > 1 ? 's' : ' '}):             ${d.eventsPerSecond} events/s applied (${d.events} events in ${d.seconds} s)`,
        );
      }
      const w = f.drainWithoutTemporal;
      console.log(
        `  drain   (in-process, Temporal stubbed, diagnostic): ${w.eventsPerSecond} events/s (${w.signalsCounted} signals counted, not sent)`,
      );
      const l = f.live;
      console.log(
        `  live    (paced ${l.pacedEventsPerSecond} events/s, achieved ${l.achievedEventsPerSecond}): accepted → applied p50 ${l.applied.p50} ms, p99 ${l.applied.p99} ms, max ${l.applied.max} ms (${l.applied.n} bodies)`,
      );
      console.log(
        `          accepted → handled by the waiting workflow: p50 ${l.signalled.p50} ms, p99 ${l.signalled.p99} ms (${l.signalled.n} signals)`,
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
