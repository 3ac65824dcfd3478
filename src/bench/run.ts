import { spawn } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';

/**
 * `npm run bench [-- --quick] [-- --only name,name]`: the bench table. Runs each benchmark in its own process, one
 * after another (side by side on one machine would measure the contention, not the code), and prints each one's
 * figures under its name. Every benchmark measures its own baseline in the same run (the simulator's raw send
 * rate, Temporal's raw signal rate), so the figures it prints are ratios against this machine, not absolutes.
 * Figures only: nothing here asserts a target.
 */
interface Bench {
  name: string;
  what: string;
  script: string;
  args: string[];
  quickArgs: string[];
}

const BENCHES: Bench[] = [
  {
    name: 'simulator',
    what: "the Cloud API simulator's raw send rate (the ceiling every other figure is compared with)",
    script: 'simulator-send-rate.ts',
    args: [],
    quickArgs: ['--requests', '5000', '--duration-ms', '5000'],
  },
  {
    name: 'meta-transport',
    what: "the Meta client's transport: fetch vs undici's request, CPU per send side by side",
    script: 'meta-transport.ts',
    args: [],
    quickArgs: ['--requests', '2000'],
  },
  {
    name: 'resolver',
    what: 'resolver decisions (p50/p99 per outcome and routing policy) and the capacity decision, 10k vs 1M recipients',
    script: 'resolver.ts',
    args: [],
    quickArgs: [],
  },
  {
    name: 'capacity',
    what: "a campaign's capacity reservations, one send at a time vs a chunk of 50 at once, against PostgreSQL",
    script: 'capacity-reserve.ts',
    args: ['--sends', '20000'],
    quickArgs: ['--sends', '2000'],
  },
  {
    name: 'per-message',
    what: 'the per-message API path end to end (accepted → delivered) beside the simulator raw rate, and failover reaction',
    script: 'e2e-throughput.ts',
    args: ['--messages', '2000'],
    quickArgs: ['--messages', '300'],
  },
  {
    name: 'campaign',
    what: 'a campaign created → every recipient final, healthy and with a WABA banned at 20 %; CSV upload rows/s and RSS',
    script: 'campaign.ts',
    args: [],
    quickArgs: ['--recipients', '2000', '--csv-rows', '100000'],
  },
  {
    name: 'webhooks',
    what: 'webhook intake, drain with 1 and 2 processors, live lag percentiles, beside the simulator and Temporal raw rates',
    script: 'webhook-intake.ts',
    args: [],
    quickArgs: ['--events', '3000', '--live-seconds', '4'],
  },
  {
    name: 'chaos',
    what: 'delivery under faults: lost, received twice and misreported with SIGKILLs, restarts and unknown outcomes',
    script: 'chaos.ts',
    args: ['--messages', '5000'],
    quickArgs: ['--messages', '300'],
  },
];

function runOne(bench: Bench, quick: boolean): Promise<number> {
  const script = path.join(__dirname, bench.script);
  const args = ['--import', 'tsx', script, ...(quick ? bench.quickArgs : bench.args)];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
  const names = values.only?.split(',').map((n) => n.trim());
  const unknown = names?.filter((n) => !BENCHES.some((b) => b.name === n)) ?? [];
  if (unknown.length) {
    console.error(`--only: no benchmark named ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.name).join(', ')})`);
    return 2;
  }
  const chosen = names ? BENCHES.filter((b) => names.includes(b.name)) : BENCHES;
  const results: { name: string; code: number; seconds: number }[] = [];
  for (const bench of chosen) {
    console.log(`\n=== ${bench.name}: ${bench.what}`);
    const started = Date.now();
    const code = await runOne(bench, values.quick);
    results.push({ name: bench.name, code, seconds: Math.round((Date.now() - started) / 1000) });
  }
  console.log('\n=== bench table: each benchmark above printed its figures beside its own baseline');
  for (const r of results)
    console.log(`  ${r.name.padEnd(12)} ${r.code === 0 ? 'done' : `exit ${r.code}`} in ${r.seconds} s`);
  return results.every((r) => r.code === 0) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
