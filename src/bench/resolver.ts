/**
 * Resolver benchmark: decisions/s and p50/p99 decision time for registries of 10×10×10 and 100×20×20
 * (WABAs × numbers per WABA × templates per WABA), side by side in one run, per mode:
 *
 * - `index`: a prebuilt registry index and usage index (`indexUsage`);
 * - `batch`: the same, counting each choice (`countSend`) in batches of 200 (`measureBatch`); `campaign`: the same
 *   with one template per batch, as a campaign plans; under `spread`, `index -s` and `campaign -s` are the same
 *   decisions without shared member evaluations (member-evals.ts), side by side;
 * - `raw usage`: the prebuilt registry index, usage read by number id on every decision (a single message's
 *   resolution, and every decision before the usage index);
 * - `snapshot`: indexing the registry on every call too (`primary-first` only: it measures the registry index).
 *
 * First the machine's noise floor (`noiseFloor`): a decision's p99 includes what the machine adds to any work of
 * that length. Prints figures only; run with `npx tsx src/bench/resolver.ts`. Scenarios (resolver-inputs.ts): `steady`
 * (realistic fault mix, 30% sticky contacts, some exclusions), `primary down` (the group's first WABA is banned,
 * so every other WABA is scanned), `none` (every candidate rejected by its template's category: a full scan),
 * `none (phones)` (every number out of throughput headroom: every number rejected by itself). Each under both
 * routing policies (`primary-first`, `spread`).
 *
 * Then the cost of a capacity decision (usage snapshot + reservation) with 10k vs 1M recipients in the 24 h
 * window, against PostgreSQL (capacity-window.ts); `--no-window` skips it.
 */
import type { RegistrySnapshot } from '../domain/registry';
import {
  type RegistryIndex,
  type ResolveRequest,
  type RoutingPolicy,
  type UsageIndex,
  type UsageRecords,
  type UsageSnapshot,
  countSend,
  indexSnapshot,
  indexUsage,
  resolve,
} from '../domain/resolver';
import { benchCapacityWindow } from './capacity-window';
import { NOW, SCENARIOS, type Shape, buildInputs, buildRegistry, prng, scenarioSnapshot } from './resolver-inputs';

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
}

/** `prepare(i)`, when given, runs before decision `i` outside the timed region. */
function measure(
  run: (i: number) => boolean,
  warmup: number,
  iterations: number,
  budgetMs: number,
  prepare?: (i: number) => void,
): Figures {
  let sink = 0;
  for (let i = 0; i < warmup; i++) {
    prepare?.(i);
    sink += run(i) ? 1 : 0;
  }
  const times: number[] = [];
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budgetMs) * 1_000_000n;
  for (let i = 0; i < iterations; i++) {
    prepare?.(warmup + i);
    const t0 = process.hrtime.bigint();
    sink += run(warmup + i) ? 1 : 0;
    const t1 = process.hrtime.bigint();
    times.push(Number(t1 - t0) / 1_000);
    if (t1 > deadline) break;
  }
  // Decisions per second of timed work (what `prepare` does is not counted).
  const elapsedS = times.reduce((a, b) => a + b, 0) / 1e6;
  if (sink < 0) console.log(sink); // keeps the work observable
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { perSecond: times.length / elapsedS, p50: at(0.5), p99: at(0.99) };
}

/**
 * As a campaign batch plans (activities/campaign-batch.ts): batches of 200 decisions (the default
 * `campaigns.batchSize`), each on a fresh copy of the records and its usage index (built outside the timed region:
 * the `indexUsage` row), each decision followed by `countSend` for its choice — so the batch's first decisions
 * build the WABAs' tables, and a counted send rebuilds its WABA's on the next use. The requests' templates vary
 * (`batch`: ~10 decisions per template per batch), or, as a campaign plans, every decision of a batch is for one
 * template (`campaign`: the batch's first request's), so under `spread` its members' evaluations are shared
 * (member-evals.ts) after the first few.
 */
function measureBatch(
  index: RegistryIndex,
  inputs: readonly { req: ResolveRequest; usage: UsageSnapshot }[],
  oneTemplate: boolean,
  shareEvals = true,
): Figures {
  const BATCH = 200;
  let indexed: UsageIndex | undefined;
  let templateKey = '';
  const prepare = (i: number) => {
    if (i % BATCH !== 0) return;
    templateKey = inputs[i % inputs.length]!.req.templateKey;
    const { portfolios, phones } = inputs[0]!.usage;
    indexed = indexUsage(index, { portfolios: { ...portfolios }, phones: { ...phones } }, { shareEvals });
  };
  const run = (i: number) => {
    const { req, usage } = inputs[i % inputs.length]!;
    const r = resolve(oneTemplate ? { ...req, templateKey } : req, index, { ...usage, indexed }, NOW);
    if (r.outcome === 'none') return false;
    const c = r.combination;
    countSend(indexed!, { ...c, newRecipient: c.capacity === 'new_recipient' });
    return true;
  };
  return measure(run, 5_000, 50_000, 3_000, prepare);
}

const fmt = (x: number, digits = 1) => x.toFixed(digits).padStart(10);

/**
 * The machine's own tail: the same timer around a loop of constant work lasting about `targetUs`. Its p99 over
 * its p50 is what preemption and timer noise add to any decision of that length here (a VM on 2 cores adds a lot),
 * so a resolver row's p99 can be read against it.
 */
function noiseFloor(targetUs: number): Figures {
  const work = (n: number) => {
    let x = 0;
    for (let i = 0; i < n; i++) x = (x * 1103515245 + 12345) | 0;
    return x;
  };
  let n = 1_000;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 100; k++) work(n);
    if (Number(process.hrtime.bigint() - t0) / 100_000 >= targetUs) break;
    n = Math.ceil(n * 1.1);
  }
  return measure(() => work(n) !== 1, 1_000, 50_000, 3_000);
}

async function main(): Promise<void> {
  const shapes: Shape[] = [
    { wabas: 10, phones: 10, templates: 10 },
    { wabas: 100, phones: 20, templates: 20 },
  ];
  const routings: RoutingPolicy[] = ['primary-first', 'spread'];
  console.log(
    `node ${process.version}; µs per decision (timer included); ratio = mode p50 / index p50 (noise rows: p99 / p50)\n`,
  );
  console.log(
    `${'registry'.padEnd(12)}${'scenario'.padEnd(15)}${'routing'.padEnd(15)}${'mode'.padEnd(13)}${'decisions/s'.padStart(12)}${'p50 µs'.padStart(10)}${'p99 µs'.padStart(10)}${'ratio'.padStart(8)}`,
  );
  // The machine's noise floor; its ratio column is p99 / p50 (what the machine alone adds to a tail).
  for (const us of [20, 60]) {
    const f = noiseFloor(us);
    const label = `${'machine'.padEnd(12)}${`constant work ~${us} µs`.padEnd(30)}${'noise'.padEnd(13)}`;
    console.log(
      `${label}${fmt(f.perSecond, 0).padStart(12)}${fmt(f.p50)}${fmt(f.p99)}${`${(f.p99 / f.p50).toFixed(1)}×`.padStart(8)}`,
    );
  }
  for (const shape of shapes) {
    const rnd = prng(42);
    const base = buildRegistry(shape, rnd);
    const name = `${shape.wabas}×${shape.phones}×${shape.templates}`.padEnd(12);
    const builds = measure(() => indexSnapshot(base).kind !== undefined, 3, 50, 2_000);
    const baseIndex = indexSnapshot(base);
    const records: UsageRecords = {
      portfolios: {},
      phones: Object.fromEntries(base.phoneNumbers.map((p) => [p.id, { sentLastSecond: 1 }])),
    };
    const usageBuilds = measure(() => indexUsage(baseIndex, records).kind !== undefined, 50, 2_000, 2_000);
    for (const [what, f] of [
      ['indexSnapshot', builds],
      ['indexUsage', usageBuilds],
    ] as const) {
      console.log(`${name}${what.padEnd(43)}${fmt(f.perSecond, 0).padStart(12)}${fmt(f.p50)}${fmt(f.p99)}`);
    }
    for (const scenario of SCENARIOS) {
      const s = scenarioSnapshot(base, scenario);
      const index = indexSnapshot(s);
      for (const routing of routings) {
        const inputs = buildInputs(s, scenario, routing, 4_096, rnd);
        // One usage index for all the requests, as a batch builds it once for its records (usage-index.ts).
        const indexed = indexUsage(index, inputs[0]!.usage as UsageRecords);
        const withIndex = inputs.map(({ req, usage }) => ({ req, usage: { ...usage, indexed } }));
        const unshared = indexUsage(index, inputs[0]!.usage as UsageRecords, { shareEvals: false });
        const withUnshared = inputs.map(({ req, usage }) => ({ req, usage: { ...usage, indexed: unshared } }));
        const run = (reg: typeof index | RegistrySnapshot, list: typeof inputs) => (i: number) => {
          const { req, usage } = list[i % list.length]!;
          return resolve(req, reg, usage, NOW).outcome === 'resolved';
        };
        const rows: [string, Figures][] = [
          ['index', measure(run(index, withIndex), 5_000, 50_000, 3_000)],
          ['batch', measureBatch(index, inputs, false)],
          ['campaign', measureBatch(index, inputs, true)],
          ['raw usage', measure(run(index, inputs), 500, 50_000, 3_000)],
        ];
        if (routing === 'primary-first') rows.push(['snapshot', measure(run(s, inputs), 50, 2_000, 3_000)]);
        else {
          // Side by side: the same decisions without shared member evaluations (member-evals.ts).
          rows.push(['index -s', measure(run(index, withUnshared), 5_000, 50_000, 3_000)]);
          rows.push(['campaign -s', measureBatch(index, inputs, true, false)]);
        }
        const label = name + scenario.padEnd(15) + routing.padEnd(15);
        for (const [mode, f] of rows) {
          const r = f.p50 / rows[0]![1].p50;
          const ratio = mode === 'index' ? '' : `${r.toFixed(r < 10 ? 1 : 0)}×`;
          console.log(
            `${label}${mode.padEnd(13)}${fmt(f.perSecond, 0).padStart(12)}${fmt(f.p50)}${fmt(f.p99)}${ratio.padStart(8)}`,
          );
        }
      }
    }
  }
  // `--no-window`: the resolver figures only (the capacity window needs PostgreSQL and a minute of inserts).
  if (!process.argv.includes('--no-window')) await benchCapacityWindow((line) => console.log(line));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
