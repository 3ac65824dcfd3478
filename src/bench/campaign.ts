/**
 * Campaign benchmark (prints figures, asserts nothing), everything in one run on loopback:
 *   1. the simulator's raw send rate (src/bench/simulator-send-rate.ts), the reference;
 *   2. a campaign of N recipients (default 20,000): created → every recipient final (delivered/read folded from
 *      status webhooks), in messages/s and as a ratio of the raw rate; also created → every send accepted;
 *   3. the same campaign with a WABA banned at 20 %;
 *   4. a CSV upload of M rows (default 1,000,000) streamed into a draft campaign: rows/s and the API's peak RSS;
 *   5. peak RSS of the API and the worker during the campaigns.
 * Scale-out (docs/deployment.md#scale-out): `--cluster` runs it on a Temporal cluster on PostgreSQL
 * (src/tools/temporal-cluster.ts) instead of the dev server, and `--scale-out 1,2` runs only the healthy campaign,
 * once per worker count with that many worker processes, printing each figure, the worker and server CPU it took,
 * and the ratio to the first.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/lifeline_campaigns npx tsx src/bench/campaign.ts \
 *     [--recipients 20000] [--csv-rows 1000000] [--status-batch 100] [--cpu-prof DIR] [--tsx]
 *
 * `--tsx` runs the TypeScript sources through tsx; by default the bench builds (`npm run build`) and runs the compiled
 * processes with plain node, as production does (docs/deployment.md).
 *
 * `--status-batch N`: the simulator groups up to N statuses of a number per webhook POST (waiting at most 50 ms), as
 * Meta does under load; 1 sends one status per POST.
 *
 * The API, the worker and the simulator run as separate processes (their own event loops and RSS), against a
 * Temporal dev server started for the run. The database named by DATABASE_URL is dropped and re-created.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { ensureDatabase, migrate } from '../db/migrate';
import { build } from '../tools/build';
import { startCluster } from '../tools/temporal-cluster';
import { startDevServer } from '../tools/temporal-dev';
import { measureSendRate } from './simulator-send-rate';
import { benchScenario, BENCH } from './campaign-scenario';

const options = z
  .object({
    recipients: z.coerce.number().int().min(100).max(200_000).default(20_000),
    csvRows: z.coerce.number().int().min(1000).max(5_000_000).default(1_000_000),
    statusBatch: z.coerce.number().int().min(1).max(1000).default(100),
    cluster: z.boolean().default(false),
    cpuProf: z.string().min(1).optional(),
    tsx: z.boolean().default(false),
    clusterPort: z.coerce.number().int().min(1024).max(65_000).default(7243),
    scaleOut: z
      .string()
      .regex(/^\d+(,\d+)*$/, 'worker counts like 1,2')
      .transform((v) => v.split(',').map(Number))
      .optional(),
  })
  .parse(
    ((v) => ({
      recipients: v.recipients,
      csvRows: v['csv-rows'],
      statusBatch: v['status-batch'],
      cluster: v.cluster,
      cpuProf: v['cpu-prof'],
      tsx: v.tsx,
      clusterPort: v['cluster-port'],
      scaleOut: v['scale-out'],
    }))(
      parseArgs({
        options: {
          recipients: { type: 'string' },
          'csv-rows': { type: 'string' },
          'status-batch': { type: 'string' },
          cluster: { type: 'boolean' },
          'cpu-prof': { type: 'string' },
          tsx: { type: 'boolean' },
          'cluster-port': { type: 'string' },
          'scale-out': { type: 'string' },
        },
      }).values,
    ),
  );

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/lifeline_campaigns';
const ADMIN = 'bench-admin-key-0123456789';
const SECRET = 'bench-app-secret';
const children: ChildProcess[] = [];

function spawnTs(file: string, args: string[], env: Record<string, string>, stdout: 'ignore' | 'pipe' = 'ignore') {
  // `--cpu-prof DIR`: every Lifeline process writes a V8 CPU profile there when it exits (open in Chrome DevTools).
  const prof = options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.cpuProf)}`] : [];
  // As production runs them (`npm run build`, plain node on dist/), unless `--tsx` runs the sources.
  const entry = options.tsx ? ['--import', 'tsx', file] : [path.join('dist', file.replace(/\.ts$/, '.js'))];
  const child = spawn(process.execPath, [...prof, ...entry, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'inherit'],
  });
  children.push(child);
  return child;
}

/** CPU seconds (user + system) a process has used so far, from /proc (0 once it ended). */
function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL process on the machine (the server is shared, so this includes other users). */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(pid));
    } catch {
      // the process ended
    }
  }
  return total;
}

/**
 * Where a run's CPU went, per process: the figure that says which process to profile when a target is missed.
 * `start()` before the run, `print()` after it.
 */
function cpuBreakdown(pids: Record<string, number | undefined>) {
  const read = (): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, pid ? cpuSeconds(pid) : 0])),
    postgres: postgresCpuSeconds(),
  });
  let before = read();
  let deadlocksBefore = 0;
  return {
    start: async () => {
      before = read();
      deadlocksBefore = await deadlocks();
    },
    print: async (label: string, seconds: number) => {
      const after = read();
      const parts = Object.keys(after).map((name) => {
        const used = after[name]! - before[name]!;
        return `${name} ${used.toFixed(1)} s (${(used / seconds).toFixed(2)} cores)`;
      });
      console.log(`  CPU during ${label}: ${parts.join(', ')}`);
      // Each deadlock stalls both statements for PostgreSQL's deadlock_timeout (1 s by default) before one retries.
      console.log(`  PostgreSQL deadlocks during ${label}: ${(await deadlocks()) - deadlocksBefore}`);
    },
  };
}

/** Deadlocks PostgreSQL detected in the bench's database so far. */
async function deadlocks(): Promise<number> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    const res = await client.query<{ n: number }>(
      'SELECT deadlocks::int AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return res.rows[0]?.n ?? 0;
  } finally {
    await client.end();
  }
}

/** Peak resident set size of a process, sampled every 200 ms from /proc. */
function rssPeak(pid: number) {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process ended
    }
  }, 200);
  return {
    reset: () => (peak = 0),
    get peakMb() {
      return Math.round(peak / 1e6);
    },
    stop: () => clearInterval(timer),
  };
}

async function waitHttp(url: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function freshDatabase(): Promise<void> {
  const url = new URL(DATABASE_URL);
  const name = url.pathname.slice(1);
  if (name === 'lifeline') throw new Error('refusing to use the shared database "lifeline"');
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
  await ensureDatabase(DATABASE_URL);
  await migrate(DATABASE_URL);
}

async function main(): Promise<void> {
  if (!options.tsx) {
    await build(() => undefined);
    console.log('processes: compiled (npm run build), run with node as in production');
  } else console.log('processes: TypeScript sources through tsx');
  const raw = await measureSendRate({ requests: 5000, durationMs: 5000, concurrency: 32, mode: 'child' });
  console.log(
    `simulator raw send rate: ${raw.requestsPerSecond.toFixed(0)} requests/s (p50 ${raw.p50Ms.toFixed(1)} ms)`,
  );

  await freshDatabase();
  const temporal = options.cluster
    ? await startCluster({ port: options.clusterPort, log: (l) => console.error(l) })
    : await startDevServer({ headless: true, log: () => undefined });
  const simPort = 4300 + Math.floor(Math.random() * 500);
  const apiPort = simPort + 600;
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const simUrl = `http://127.0.0.1:${simPort}`;
  const scenarioFile = path.join(os.tmpdir(), `lifeline-bench-scenario-${process.pid}.json`);
  fs.writeFileSync(scenarioFile, JSON.stringify(benchScenario));
  const env = {
    DATABASE_URL,
    DATABASE_POOL_MAX: '20',
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_TASK_QUEUE: 'bench-campaigns',
    META_GRAPH_URL: simUrl,
    META_APP_SECRET: SECRET,
    ADMIN_API_KEY: ADMIN,
    PORT: String(apiPort),
    LOG_LEVEL: 'warn',
  };
  const simulator = spawnTs('src/simulator/main.ts', [], {
    SIM_PORT: String(simPort),
    SIM_SCENARIO: scenarioFile,
    SIM_WEBHOOK_URL: `${apiUrl}/webhooks/whatsapp`,
    META_APP_SECRET: SECRET,
    SIM_STATUS_DELAY_MS: '20',
    LOG_LEVEL: 'warn',
  });
  const api = spawnTs('src/api/main.ts', [], env);
  const worker = options.scaleOut ? undefined : spawnTs('src/worker/main.ts', [], env);
  await Promise.all([waitHttp(`${apiUrl}/healthz`), waitHttp(`${simUrl}/_control/stats`)]);
  const webhook = await fetch(`${simUrl}/_control/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      url: `${apiUrl}/webhooks/whatsapp`,
      statusBatch: { maxStatuses: options.statusBatch, maxWaitMs: 50 },
    }),
  });
  if (!webhook.ok) throw new Error(`simulator webhook config → ${webhook.status} ${await webhook.text()}`);
  console.log(`statuses per webhook POST: up to ${options.statusBatch}`);
  const apiRss = rssPeak(api.pid!);
  const workerRss = worker && rssPeak(worker.pid!);
  const cpu = cpuBreakdown({ api: api.pid, worker: worker?.pid, simulator: simulator.pid, temporal: temporal.pid });

  const call = async (method: string, p: string, body?: unknown, key?: string) => {
    const res = await fetch(`${apiUrl}${p}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as {
      id: string;
      apiKey: string;
      counts: { delivered: number; read: number; failed: number; cancelled: number };
    };
    if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const tenant = await call(
    'POST',
    '/v1/tenants',
    { name: 'bench', settings: { requireOptIn: false, campaigns: { batchSize: 250, window: 8 } } },
    ADMIN,
  );
  const key = tenant.apiKey as string;
  for (const waba of BENCH.wabas) await call('POST', '/v1/wabas', { id: waba.id, accessToken: waba.token }, key);
  const stats = async () => (await (await fetch(`${simUrl}/_control/stats`)).json()) as { accepted: number };

  async function campaign(label: string, prefix: string, banAt?: number) {
    const list = Array.from({ length: options.recipients }, (_, i) => ({
      to: `+44${prefix}${String(i).padStart(7, '0')}`,
      parameters: { body: [`Customer ${i}`] },
    }));
    const acceptedBefore = (await stats()).accepted;
    await cpu.start();
    const started = Date.now();
    const created = await call(
      'POST',
      '/v1/campaigns',
      { name: label, template: BENCH.template, language: 'en_US', recipients: list.slice(0, 10_000), start: false },
      key,
    );
    for (let i = 10_000; i < list.length; i += 10_000) {
      await call('POST', `/v1/campaigns/${created.id}/recipients`, { recipients: list.slice(i, i + 10_000) }, key);
    }
    await call('POST', `/v1/campaigns/${created.id}/start`, undefined, key);
    let banned = banAt === undefined;
    let allSentMs = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      const sent = (await stats()).accepted - acceptedBefore;
      if (!allSentMs && sent >= options.recipients) allSentMs = Date.now() - started;
      if (!banned && sent >= options.recipients * banAt!) {
        banned = true;
        await fetch(`${simUrl}/_control/wabas/${BENCH.wabas[0]!.id}/ban`, { method: 'POST' });
      }
      const v = await call('GET', `/v1/campaigns/${created.id}`, undefined, key);
      const final = v.counts.delivered + v.counts.read + v.counts.failed + v.counts.cancelled;
      if (final >= options.recipients) {
        const ms = Date.now() - started;
        const rate = (options.recipients / ms) * 1000;
        console.log(
          `${label}: ${options.recipients} recipients created → final in ${(ms / 1000).toFixed(1)} s = ` +
            `${rate.toFixed(0)} messages/s (${((rate / raw.requestsPerSecond) * 100).toFixed(1)} % of raw); ` +
            `every send accepted after ${(allSentMs / 1000).toFixed(1)} s = ` +
            `${allSentMs ? ((options.recipients / allSentMs) * 1000).toFixed(0) : 'n/a'} sends/s; ` +
            `delivered/read ${v.counts.delivered + v.counts.read}, failed ${v.counts.failed}`,
        );
        await cpu.print(label, ms / 1000);
        return rate;
      }
      if (Date.now() - started > 30 * 60_000) throw new Error(`${label} did not finish in 30 minutes`);
    }
  }

  if (options.scaleOut) {
    await scaleOut(options.scaleOut, env, campaign, temporal.pid);
    for (const c of children) c.kill('SIGTERM');
    await temporal.stop();
    return;
  }
  const healthy = await campaign('healthy campaign', '71');
  const withBan = await campaign('campaign, WABA banned at 20 %', '72', 0.2);
  console.log(`banned-run throughput / healthy: ${((withBan / healthy) * 100).toFixed(0)} %`);
  console.log(`peak RSS during the campaigns: API ${apiRss.peakMb} MB, worker ${workerRss!.peakMb} MB`);

  // The upload runs on a fresh API process: one that just folded 40,000 messages' webhooks keeps the heap it grew
  // for them (V8 rarely gives memory back), which says nothing about what an upload holds.
  apiRss.stop();
  const exited = new Promise((r) => api.once('exit', r));
  api.kill('SIGTERM');
  await exited;
  const uploadApi = spawnTs('src/api/main.ts', [], env);
  await waitHttp(`${apiUrl}/healthz`);
  const uploadRss = rssPeak(uploadApi.pid!);
  await new Promise((r) => setTimeout(r, 500));
  const rssAtStart = uploadRss.peakMb;
  const draft = await call('POST', '/v1/campaigns', { name: 'csv', template: BENCH.template, language: 'en_US' }, key);
  const rows = options.csvRows;
  async function* csv() {
    yield 'to,ref,body.1\n';
    const block = 10_000;
    for (let i = 0; i < rows; i += block) {
      let s = '';
      for (let j = i; j < Math.min(rows, i + block); j++) s += `+4473${String(j).padStart(8, '0')},r${j},Name ${j}\n`;
      yield s;
    }
  }
  const t0 = Date.now();
  const res = await fetch(`${apiUrl}/v1/campaigns/${draft.id}/recipients`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${key}` },
    body: Readable.from(csv()) as unknown as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  const up = (await res.json()) as { added: number; duplicates: number; rejectedTotal: number };
  const ms = Date.now() - t0;
  console.log(
    `CSV upload: ${rows} rows in ${(ms / 1000).toFixed(1)} s = ${((rows / ms) * 1000).toFixed(0)} rows/s ` +
      `(added ${up.added}, duplicates ${up.duplicates}, rejected ${up.rejectedTotal}); ` +
      `API RSS ${rssAtStart} MB before it, peak ${uploadRss.peakMb} MB during it (a fresh API process)`,
  );
  console.log(
    `load average during the run: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${os.cpus().length} cores)`,
  );
  uploadRss.stop();
  workerRss!.stop();
  for (const c of children) c.kill('SIGTERM');
  await temporal.stop();
  fs.rmSync(scenarioFile, { force: true });
}

/** Worker processes on the bench's task queue, resolved once each logged that it polls. */
async function startWorkers(count: number, env: Record<string, string>): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawnTs('src/worker/main.ts', [], { ...env, LOG_LEVEL: 'info' }, 'pipe');
      return new Promise<ChildProcess>((resolve, reject) => {
        let seen = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          seen = (seen + chunk.toString()).slice(-2000);
          if (seen.includes('"worker started"')) resolve(child);
        });
        child.once('exit', (code) => reject(new Error(`a worker exited with ${code} before it started`)));
      });
    }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map((w) => {
      if (w.exitCode !== null || w.signalCode !== null) return undefined;
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGTERM');
      return exited;
    }),
  );
}

/** The healthy campaign once per worker count, side by side; what each took of the workers' and server's CPU. */
async function scaleOut(
  counts: number[],
  env: Record<string, string>,
  campaign: (label: string, prefix: string) => Promise<number>,
  serverPid?: number,
): Promise<void> {
  const rates: number[] = [];
  for (const [i, count] of counts.entries()) {
    const workers = await startWorkers(count, env);
    const cpu = () => workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
    const workerCpu0 = cpu();
    const serverCpu0 = serverPid ? cpuSeconds(serverPid) : 0;
    const started = Date.now();
    const rate = await campaign(`healthy campaign, ${count} worker process${count > 1 ? 'es' : ''}`, `8${i}`);
    const seconds = (Date.now() - started) / 1000;
    const workerCpu = cpu() - workerCpu0;
    const serverCpu = serverPid ? cpuSeconds(serverPid) - serverCpu0 : 0;
    const messages = options.recipients;
    console.log(
      `  ${count} worker(s): worker CPU ${workerCpu.toFixed(1)} s = ${(messages / workerCpu).toFixed(0)} messages per ` +
        `worker-CPU-second (${(workerCpu / seconds).toFixed(2)} cores busy)` +
        (serverPid
          ? `; Temporal server CPU ${serverCpu.toFixed(1)} s = ${(messages / serverCpu).toFixed(0)} messages per ` +
            `server-CPU-second (${(serverCpu / seconds).toFixed(2)} cores busy)`
          : ''),
    );
    rates.push(rate);
    await stopWorkers(workers);
  }
  const base = rates[0]!;
  console.log(
    `scale-out: ${counts.map((c, i) => `${c} worker(s) ${rates[i]!.toFixed(0)} messages/s`).join(', ')}; ` +
      `ratio ${rates.map((r) => (r / base).toFixed(2)).join(' : ')}`,
  );
  console.log(
    `load average: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} (${os.cpus().length} cores, shared)`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    for (const c of children) c.kill('SIGKILL');
    process.exit(1);
  },
);
