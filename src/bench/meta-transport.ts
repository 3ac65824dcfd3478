/**
 * The Meta client's transport, side by side (prints figures, asserts nothing): the same Graph API send through
 * `fetch` and through undici's `request` (src/meta/transport.ts), against the simulator in its own process, N
 * requests each at a concurrency of C, two rounds so the second of each is warm. CPU is this process's: the
 * client's alone.
 *
 *   npx tsx src/bench/meta-transport.ts [--requests 5000] [--concurrency 32]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { fetchTransport, undiciTransport, type GraphTransport } from '../meta/transport';
import { SimulatorControl } from '../simulator/control-client';
import { BENCH_SCENARIO, benchSend, PHONE, SendRateOptionsSchema, startTarget, TOKEN } from './simulator-send-rate';

const options = z
  .object({
    requests: z.coerce.number().int().min(100).max(1_000_000).default(5000),
    concurrency: z.coerce.number().int().min(1).max(512).default(32),
  })
  .parse(parseArgs({ options: { requests: { type: 'string' }, concurrency: { type: 'string' } } }).values);

async function main(): Promise<void> {
  const sim = await startTarget(SendRateOptionsSchema.parse({ mode: 'child' }));
  await new SimulatorControl(sim.url).loadScenario(BENCH_SCENARIO);
  const url = `${sim.url}/v23.0/${PHONE}/messages`;
  const run = async (label: string, send: GraphTransport) => {
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next++ < options.requests) {
          const res = await send({
            method: 'POST',
            url,
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
            body: JSON.stringify(benchSend(next)),
          });
          JSON.parse(res.text);
        }
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    const ms = Date.now() - t0;
    const perRequest = (cpu.user + cpu.system) / 1000 / options.requests;
    console.log(
      `${label.padEnd(16)} ${((options.requests / ms) * 1000).toFixed(0).padStart(6)} requests/s, ` +
        `${perRequest.toFixed(3)} ms CPU per request (the client's)`,
    );
    return perRequest;
  };
  const fetchT = fetchTransport(fetch, 10_000);
  const undiciT = undiciTransport(10_000);
  let last: [number, number] = [0, 0];
  for (let round = 1; round <= 2; round++) {
    console.log(`round ${round}:`);
    last = [await run('fetch', fetchT), await run('undici request', undiciT)];
  }
  console.log(`undici saves ${(last[0] - last[1]).toFixed(3)} ms CPU per request (${(last[0] / last[1]).toFixed(2)}×)`);
  await sim.stop();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
