/**
 * Capacity reservations for a campaign's sends, one at a time vs a chunk at once, side by side in one run (prints
 * figures, asserts nothing): 8 concurrent "batches" (a campaign's window) reserve N sends to distinct recipients
 * over 4 numbers of one portfolio, as the campaign batch does, against a throw-away database on the local
 * PostgreSQL. The clock is the real one; slots are not waited for (only the reservation's own cost is measured),
 * and every number is unlimited enough (10,000/s) that nothing is refused for throughput.
 *
 *   npx tsx src/bench/capacity-reserve.ts [--sends 20000]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createCapacityRepo } from '../db/repositories/capacity';
import { createCapacityBatchRepo } from '../db/repositories/capacity-batch';
import { createTenantsRepo } from '../db/repositories/tenants';
import { createScratchDatabase } from '../db/scratch-database';
import type { CapacityRequest } from '../delivery/capacity-port';
import { createChunkReserver } from '../services/capacity-chunk';
import { createCapacityLimiter } from '../services/capacity-limiter';

const { sends } = z
  .object({ sends: z.coerce.number().int().min(1000).max(1_000_000).default(20_000) })
  .parse(parseArgs({ options: { sends: { type: 'string' } } }).values);

const BATCHES = 8;
const CHUNK = 50;
/** The campaign batch's sends in flight at once (activities/campaign-batch.ts). */
const IN_FLIGHT = 16;
const PHONES = ['p1', 'p2', 'p3', 'p4'];

async function main(): Promise<void> {
  const db = await createScratchDatabase({ prefix: 'lifeline_bench_reserve', poolMax: 20 });
  try {
    const tenantId = (await createTenantsRepo(db.pool).create('bench')).tenant.id;
    const repo = createCapacityRepo(db.pool);
    const noSleep = async () => undefined;
    const single = createCapacityLimiter(repo, Date.now, noSleep);
    const chunked = createChunkReserver(repo, createCapacityBatchRepo(db.pool), Date.now, noSleep);
    const requests = (prefix: string): CapacityRequest[] =>
      Array.from({ length: sends }, (_, i) => ({
        tenantId,
        phoneNumberId: PHONES[i % PHONES.length]!,
        waId: `${prefix}${String(i).padStart(8, '0')}`,
        throughputPerSecond: 10_000,
        portfolio: { id: 'bench-portfolio', limit: Number.POSITIVE_INFINITY },
      }));

    /** Runs `BATCHES` workers over the requests, each taking chunks of `CHUNK`; returns reservations/s. */
    async function run(
      label: string,
      list: CapacityRequest[],
      reserveChunk: (c: CapacityRequest[]) => Promise<number>,
    ) {
      let next = 0;
      let granted = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: BATCHES }, async () => {
          for (let at = next; at < list.length; at = next) {
            next += CHUNK;
            const ok = await reserveChunk(list.slice(at, at + CHUNK)); // read after the await: workers share it
            granted += ok;
          }
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const rate = list.length / seconds;
      console.log(
        `${label}: ${list.length} reservations in ${seconds.toFixed(1)} s = ${rate.toFixed(0)}/s (granted ${granted})`,
      );
      return rate;
    }

    const one = await run('one at a time (16 in flight per batch)', requests('a'), async (chunk) => {
      let ok = 0;
      for (let i = 0; i < chunk.length; i += IN_FLIGHT) {
        const results = await Promise.all(chunk.slice(i, i + IN_FLIGHT).map((r) => single.reserve(r)));
        ok += results.filter((r) => r.ok).length;
      }
      return ok;
    });
    const many = await run(
      'a chunk of 50 at once',
      requests('b'),
      async (chunk) => (await chunked.reserveMany(chunk)).filter((r) => r.ok).length,
    );
    console.log(`chunked / one at a time: ${(many / one).toFixed(1)} ×`);
  } finally {
    await db.drop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
