/**
 * Raw send rate of the Cloud API simulator: a local load generator posts template messages to
 * `POST /v23.0/{PNID}/messages` and prints requests/s and latency. Bounded in count and time, loopback only.
 *
 *   npx tsx src/bench/simulator-send-rate.ts [--requests 20000] [--duration-ms 10000] [--concurrency 32]
 *     [--mode child|in-process] [--url http://127.0.0.1:4010] [--json]
 *
 * `child` (default) runs the simulator in its own process so it and the generator each get a core; `--url`
 * targets a simulator already running on this machine (its scenario is replaced by the benchmark's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createSimulator, type Scenario } from '../simulator';
import { SimulatorControl } from '../simulator/control-client';

export const TOKEN = 'bench-token';
export const PHONE = '300000000000801';

/** One number with no throughput ceiling in an unlimited portfolio, so the figure is the simulator's own cost. */
export const BENCH_SCENARIO: Scenario = {
  name: 'bench',
  portfolios: [{ id: '100000000000801', tier: 'TIER_UNLIMITED' }],
  wabas: [{ id: '200000000000801', portfolioId: '100000000000801', name: 'Bench', accessToken: TOKEN }],
  phoneNumbers: [
    {
      id: PHONE,
      wabaId: '200000000000801',
      displayPhoneNumber: '+1 555-000-0801',
      verifiedName: 'Bench',
      throughput: 10_000_000,
    },
  ],
  templates: [
    {
      id: '400000000000801',
      wabaId: '200000000000801',
      name: 'bench_offer',
      language: 'en_US',
      category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, your order {{2}} is ready.' }],
    },
  ],
  limits: { pairRate: { burst: 1_000_000, intervalMs: 1 } },
};

export const SendRateOptionsSchema = z.object({
  requests: z.coerce.number().int().min(1).max(1_000_000).default(20_000),
  durationMs: z.coerce.number().int().min(100).max(120_000).default(10_000),
  concurrency: z.coerce.number().int().min(1).max(512).default(32),
  mode: z.enum(['child', 'in-process']).default('child'),
  url: z
    .url()
    .refine((u) => isLoopback(new URL(u).hostname), 'must be a loopback address (127.0.0.0/8, localhost, [::1])')
    .optional(),
});
export type SendRateOptions = z.input<typeof SendRateOptionsSchema>;

export interface SendRateResult {
  target: string;
  requests: number;
  byStatus: Record<string, number>;
  failures: number;
  durationMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  concurrency: number;
}

export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Runs the load against a simulator (started here unless `url` is given) and returns the figures. */
export async function measureSendRate(input: SendRateOptions = {}): Promise<SendRateResult> {
  const options = SendRateOptionsSchema.parse(input);
  const target = await startTarget(options);
  try {
    await new SimulatorControl(target.url).loadScenario(BENCH_SCENARIO);
    return { ...(await load(target.url, options)), target: target.label };
  } finally {
    await target.stop();
  }
}

export async function startTarget(options: z.output<typeof SendRateOptionsSchema>) {
  if (options.url) return { url: options.url, label: `external ${options.url}`, stop: async () => undefined };
  if (options.mode === 'in-process') {
    const sim = createSimulator({ appSecret: 'bench', webhookLogLimit: 1000 });
    const server = await sim.listen(0, '127.0.0.1');
    return { url: server.url, label: 'in-process', stop: () => server.close() };
  }
  const root = join(__dirname, '..', '..');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join('src', 'simulator', 'main.ts'),
      '--scenario',
      'minimal',
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: root, env: { ...process.env, META_APP_SECRET: 'bench' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the simulator did not start within 20 s')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited early (${code})`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { url, label: 'child process', stop };
}

/** The n-th send of a load: a template to one of a million recipients, each of its own parameter. */
export function benchSend(n: number) {
  return {
    messaging_product: 'whatsapp',
    to: `4477${String(n % 1_000_000).padStart(8, '0')}`,
    type: 'template',
    template: {
      name: 'bench_offer',
      language: { code: 'en_US' },
      components: [
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ann' },
            { type: 'text', text: String(n) },
          ],
        },
      ],
    },
  };
}

async function load(baseUrl: string, options: z.output<typeof SendRateOptionsSchema>) {
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  const url = new URL(`${baseUrl}/v23.0/${PHONE}/messages`);
  const latencies: number[] = [];
  const byStatus: Record<string, number> = {};
  let issued = 0;
  let failures = 0;
  const started = performance.now();
  const deadline = started + options.durationMs;
  const worker = async (): Promise<void> => {
    while (issued < options.requests && performance.now() < deadline) {
      const n = issued++;
      const body = JSON.stringify(benchSend(n));
      const t0 = performance.now();
      try {
        const status = await post(agent, url, body);
        byStatus[status] = (byStatus[status] ?? 0) + 1;
      } catch {
        failures += 1;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    byStatus,
    failures,
    durationMs: Math.round(durationMs),
    requestsPerSecond: Math.round((latencies.length / durationMs) * 1000),
    p50Ms: Number(pct(0.5).toFixed(2)),
    p99Ms: Number(pct(0.99).toFixed(2)),
    concurrency: options.concurrency,
  };
}

function post(agent: Agent, url: URL, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      'duration-ms': { type: 'string' },
      concurrency: { type: 'string' },
      mode: { type: 'string' },
      url: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const result = await measureSendRate({
    ...(values.requests ? { requests: Number(values.requests) } : {}),
    ...(values['duration-ms'] ? { durationMs: Number(values['duration-ms']) } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    ...(values.mode ? { mode: values.mode as 'child' | 'in-process' } : {}),
    ...(values.url ? { url: values.url } : {}),
  });
  if (values.json) {
    console.log(JSON.stringify(result));
    return;
  }
  const statuses = Object.entries(result.byStatus)
    .map(([s, n]) => `${s}: ${n}`)
    .join(', ');
  console.log(`simulator raw send rate (${result.target}, loopback, concurrency ${result.concurrency})`);
  console.log(
    `  ${result.requests} requests in ${(result.durationMs / 1000).toFixed(2)} s → ${result.requestsPerSecond} requests/s`,
  );
  console.log(
    `  latency p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms; statuses ${statuses}; transport failures ${result.failures}`,
  );
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
