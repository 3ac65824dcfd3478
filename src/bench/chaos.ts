import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import pg from 'pg';
import { createApp } from '../api/app';
import { migrate } from '../db/migrate';
import { createPool } from '../db/pool';
import { createLogger } from '../logger';
import { createMetaClient } from '../meta/client';
import { createSecretBox } from '../secrets';
import { createSimulator } from '../simulator';
import { SimulatorControl } from '../simulator/control-client';
import { freePort, startDevServer, type DevServer } from '../tools/temporal-dev';
import { bundleWorkflows } from '../worker/worker';
import { chaosCounts } from './chaos/report';
import { startPrivatePostgres } from './chaos/postgres';

/**
 * `npm run chaos [-- --messages 5000]`: delivery correctness under faults (docs/delivery-guarantees.md). Its own
 * PostgreSQL, Temporal dev server, simulator, API and worker; N messages on the per-message path, each to its own
 * recipient, while the worker is SIGKILLed 10 s after each start, the dev server and PostgreSQL restart once each, and the
 * simulator injects unknown outcomes (accepted, then the reply held past the client timeout or the connection
 * reset, some with statuses 15 s late). Then it counts, from the simulator's record of what each customer
 * received: lost, received twice, and misreported (final status ≠ what the customer got).
 */
const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '16' },
    'kill-every-ms': { type: 'string', default: '10000' },
    'fault-rate': { type: 'string', default: '0.01' },
    'stall-ms': { type: 'string', default: '240000' },
  },
});
const N = Number(args.messages);
const KILL_EVERY_MS = Number(args['kill-every-ms']);
const FAULT_RATE = Number(args['fault-rate']);
const STALL_MS = Number(args['stall-ms']);
const APP_SECRET = 'chaos-app-secret';
const ADMIN_KEY = 'chaos-admin-key-0123456789';
const ENCRYPTION_KEY = 'c'.repeat(64);
const CLIENT_TIMEOUT_MS = 3000;
const WABA = '200000000000900';
const FINAL = ['delivered', 'read', 'failed', 'cancelled', 'expired', 'declined'];

const started = Date.now();
const log = (line: string) => console.error(`[chaos +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const recipient = (i: number) => `4477009${String(i).padStart(5, '0')}`;

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeline-chaos-'));
  const postgres = startPrivatePostgres(await freePort(), log);
  const cleanups: (() => Promise<void> | void)[] = [() => postgres.stop(), () => fs.rmSync(tmp, { recursive: true })];
  // Interrupted (Ctrl-C, a timeout): still stop the private PostgreSQL, the dev server and the worker.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void runCleanups(cleanups).then(() => process.exit(130)));
  }
  try {
    const admin = new pg.Client({ connectionString: postgres.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE lifeline_chaos');
    await admin.end();
    const dbUrl = postgres.url('lifeline_chaos');
    await migrate(dbUrl);

    const temporalPort = await freePort();
    const dbFile = path.join(tmp, 'temporal.sqlite');
    const startTemporal = () => startDevServer({ port: temporalPort, headless: true, dbFile, log });
    let temporal: DevServer = await startTemporal();
    cleanups.unshift(() => temporal.stop());
    const bundlePath = path.join(tmp, 'workflows.js');
    fs.writeFileSync(bundlePath, (await bundleWorkflows()).code);

    const sim = createSimulator({ appSecret: APP_SECRET, scenario: 'minimal', statusDelayMs: 100, seed: 20 });
    const simServer = await sim.listen(0);
    cleanups.unshift(() => simServer.close());
    const control = new SimulatorControl(simServer.url);

    const pool = createPool(dbUrl, 20);
    cleanups.unshift(() => pool.end());
    const connection = await Connection.connect({ address: temporal.address });
    cleanups.unshift(() => connection.close());
    const taskQueue = 'chaos';
    const { app, processor } = createApp({
      pool,
      temporal: new Client({ connection }),
      meta: createMetaClient({ graphUrl: simServer.url, apiVersion: 'v23.0', timeoutMs: CLIENT_TIMEOUT_MS }),
      secrets: createSecretBox(ENCRYPTION_KEY),
      log: createLogger('silent'),
      taskQueue,
      adminApiKey: ADMIN_KEY,
      webhookVerifyToken: 'chaos-verify',
      metaAppSecret: APP_SECRET,
      webhookMaxBodyBytes: 3_000_000,
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const apiUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    processor.start();
    cleanups.unshift(() => processor.stop());
    cleanups.unshift(() => new Promise<void>((r) => server.close(() => r())));
    await control.configureWebhook({ url: `${apiUrl}/webhooks/whatsapp`, appSecret: APP_SECRET });

    // The worker: its own process, killed without warning every KILL_EVERY_MS and started again at once.
    let worker: ChildProcess | undefined;
    let kills = 0;
    const spawnWorker = () => {
      worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, 'chaos/worker-child.ts')], {
        env: {
          ...process.env,
          DATABASE_URL: dbUrl,
          TEMPORAL_ADDRESS: temporal.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          META_GRAPH_URL: simServer.url,
          META_HTTP_TIMEOUT_MS: String(CLIENT_TIMEOUT_MS),
          ENCRYPTION_KEY,
          DATABASE_POOL_MAX: '20',
          LOG_LEVEL: 'silent',
          CHAOS_WORKFLOW_BUNDLE: bundlePath,
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const w = worker;
      w.stderr?.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        if (text.includes('chaos worker ready')) readyAt.set(w, Date.now());
        else process.stderr.write(text);
      });
    };
    // Each worker is killed KILL_EVERY_MS after it is ready (under load a start takes seconds of its own).
    const readyAt = new WeakMap<ChildProcess, number>();
    const killWorker = async () => {
      const w = worker;
      if (!w || w.exitCode !== null) return;
      const exited = new Promise((r) => w.once('exit', r));
      w.kill('SIGKILL');
      await exited;
    };
    spawnWorker();
    let killing = true;
    const killer = (async () => {
      while (killing) {
        await sleep(500);
        const ready = worker && readyAt.get(worker);
        if (!killing) break;
        if (!ready || Date.now() - ready < KILL_EVERY_MS) continue;
        await killWorker();
        kills += 1;
        spawnWorker();
      }
    })();
    cleanups.unshift(async () => {
      killing = false;
      await killer;
      await killWorker();
    });

    const call = async (method: string, p: string, body: unknown, key: string) => {
      const res = await fetch(`${apiUrl}${p}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    };
    const tenant = await call(
      'POST',
      '/v1/tenants',
      {
        name: 'chaos',
        settings: {
          requireOptIn: false,
          timing: {
            statusTimeout: '60s',
            unknownOutcomeWait: '60s',
            lateStatusWindow: '5m',
            noneBackoff: '1s',
            maxWait: '5s',
            deadline: '1h',
          },
        },
      },
      ADMIN_KEY,
    );
    const apiKey = tenant.body.apiKey as string;
    const waba = await call('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' }, apiKey);
    if (waba.status !== 201) throw new Error(`WABA registration failed: ${JSON.stringify(waba.body)}`);

    const faultScope = {};
    for (const fault of [
      { mode: 'delay' as const, responseDelayMs: CLIENT_TIMEOUT_MS + 2000, statusDelayMs: 15_000 },
      { mode: 'reset' as const, statusDelayMs: 15_000 },
      { mode: 'reset' as const },
    ]) {
      await control.injectUnknownOutcome({ scope: faultScope, rate: FAULT_RATE, ...fault });
    }
    log(
      `sending ${N} messages (worker SIGKILLed every ${KILL_EVERY_MS / 1000} s, unknown-outcome rate ${FAULT_RATE} ×3)`,
    );

    // Submissions retry with the same idempotency key through every outage: a repeat never sends twice.
    let next = 0;
    let submitRetries = 0;
    const submitter = async () => {
      for (let i = next++; i < N; i = next++) {
        const body = {
          to: `+${recipient(i)}`,
          template: 'hello_offer',
          language: 'en_US',
          parameters: { body: ['Friend', '20%'] },
          idempotencyKey: `chaos-${i}`,
        };
        for (;;) {
          const r = await call('POST', '/v1/messages', body, apiKey).catch(() => ({ status: 0, body: {} }));
          if (r.status === 202) break;
          submitRetries += 1;
          await sleep(500);
        }
      }
    };
    const submitting = Promise.all(Array.from({ length: Number(args.concurrency) }, submitter));

    // Disruptions mid-run, by progress: the dev server restarts at 25 % settled, PostgreSQL at 50 %.
    let temporalRestarted = false;
    let postgresRestarted = false;
    let lastFinal = -1;
    let lastChange = Date.now();
    for (;;) {
      await sleep(2000);
      const rows = await pool
        .query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM messages GROUP BY status')
        .then((r) => r.rows)
        .catch(() => undefined);
      if (!rows) continue;
      const final = rows.filter((r) => FINAL.includes(r.status)).reduce((a, r) => a + r.n, 0);
      if (final !== lastFinal) {
        lastFinal = final;
        lastChange = Date.now();
        log(`${final}/${N} final; ${rows.map((r) => `${r.status} ${r.n}`).join(', ')}; worker kills ${kills}`);
      }
      if (!temporalRestarted && final >= N * 0.25) {
        temporalRestarted = true;
        log('restarting the Temporal dev server');
        await temporal.stop();
        temporal = await startTemporal();
        log('Temporal dev server back');
      }
      if (!postgresRestarted && final >= N * 0.5) {
        postgresRestarted = true;
        log('restarting PostgreSQL');
        postgres.restart();
        log('PostgreSQL back');
      }
      if (final >= N || Date.now() - lastChange > STALL_MS) break;
    }
    await submitting;
    killing = false;
    await killer;
    // Late statuses and any duplicate's delivery land before the count.
    await sleep(20_000);

    const messages = (await pool.query('SELECT id, recipient, status FROM messages')).rows as {
      id: string;
      recipient: string;
      status: string;
    }[];
    const counts = chaosCounts(messages, (r) => sim.state.inbox(r).length);
    const seconds = (Date.now() - started) / 1000;
    const load = os.loadavg().map((l) => l.toFixed(1));
    console.log(
      [
        `chaos run: ${N} messages, per-message path, ${seconds.toFixed(0)} s, load ${load.join(' ')}`,
        `  disruptions: worker SIGKILLed ${kills}×, Temporal dev server restarted ${temporalRestarted ? 1 : 0}×, PostgreSQL restarted ${postgresRestarted ? 1 : 0}×`,
        `  unknown-outcome faults injected: ${sim.state.stats().unknownOutcomes} (Meta accepted ${sim.state.sends().length} sends); submit retries ${submitRetries}`,
        `  lost:          ${counts.lost}`,
        `  received twice: ${counts.receivedTwice} (${((counts.receivedTwice / N) * 10_000).toFixed(1)} per 10,000)`,
        `  misreported:   ${counts.misreported}`,
        `  unsettled:     ${counts.unsettled}`,
        `  final statuses: ${JSON.stringify(counts.byStatus)}`,
      ].join('\n'),
    );
    process.exitCode = counts.lost || counts.misreported || counts.receivedTwice * 10_000 > N ? 1 : 0;
  } finally {
    await runCleanups(cleanups);
  }
}

let cleaning: Promise<void> | undefined;
function runCleanups(cleanups: (() => Promise<void> | void)[]): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
  })();
  return cleaning;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
