/**
 * The Temporal floor (prints figures, asserts nothing): how many messages per second Temporal itself carries on
 * this machine when a workflow has the message lifecycle's shape but does no work (src/bench/temporal-floor-
 * workflow.ts): three local activities, two search-attribute writes, a timer, one status signal. The per-message
 * path cannot beat it on the same server; the ratio of the two says how much of a message's cost is Lifeline's.
 *
 *   npx tsx src/bench/temporal-floor.ts [--workflows 2000] [--concurrency 40]
 *
 * Its own headless dev server (or TEMPORAL_ADDRESS), a worker in this process, eager starts as the embedded
 * stack makes them.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@temporalio/client';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { z } from 'zod';
import { connectBenchTemporal } from './stack';
import { createFloorActivities } from './temporal-floor-activities';
import type { FloorShape, temporalFloor } from './temporal-floor-workflow';

/** messageDelivery's delivered path (r3): admit (consent and resolution), send (with `sent`), final record. */
export const LIFECYCLE_SHAPE: FloorShape = { before: 1, after: 0, searchAttributes: true };

export async function measureTemporalFloor(opts: { workflows: number; concurrency: number; shape: FloorShape }) {
  const temporal = await connectBenchTemporal();
  const taskQueue = `floor-${crypto.randomBytes(4).toString('hex')}`;
  let done = 0;
  const eager = new Client({ connection: temporal.nativeConnection });
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'temporal-floor-workflow.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
    activities: createFloorActivities(temporal.client, () => (done += 1)),
    maxCachedWorkflows: 2000,
  });
  const running = worker.run();
  try {
    const started = Date.now();
    let next = 0;
    let eagerly = 0;
    const starter = async () => {
      while (next < opts.workflows) {
        const id = `floor-${taskQueue}-${next++}`;
        const handle = await eager.workflow.start<typeof temporalFloor>('temporalFloor', {
          taskQueue,
          workflowId: id,
          args: [{ id, shape: opts.shape }],
          requestEagerStart: true,
        });
        if (handle.eagerlyStarted) eagerly += 1;
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, starter));
    const startedMs = Date.now() - started;
    while (done < opts.workflows) {
      if (Date.now() - started > 10 * 60_000) throw new Error(`only ${done} of ${opts.workflows} completed`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const totalMs = Date.now() - started;
    return { rate: (opts.workflows / totalMs) * 1000, startRate: (opts.workflows / startedMs) * 1000, eagerly };
  } finally {
    worker.shutdown();
    await running;
    await temporal.close();
  }
}

const SHAPES: { label: string; shape: FloorShape }[] = [
  { label: "the lifecycle's shape (3 local activities, 2 status writes)", shape: LIFECYCLE_SHAPE },
  {
    label: 'the r2 shape (6 local activities, 2 status writes)',
    shape: { before: 3, after: 1, searchAttributes: true },
  },
  { label: '2 local activities, no status writes', shape: { before: 0, after: 0, searchAttributes: false } },
];

async function main(): Promise<void> {
  const options = z
    .object({
      workflows: z.coerce.number().int().min(10).max(50_000).default(2000),
      concurrency: z.coerce.number().int().min(1).max(200).default(40),
    })
    .parse(parseArgs({ options: { workflows: { type: 'string' }, concurrency: { type: 'string' } } }).values);
  for (const { label, shape } of SHAPES) {
    const r = await measureTemporalFloor({ ...options, shape });
    console.log(
      `temporal floor, ${label}: ${options.workflows} workflows of no work → ${r.rate.toFixed(1)} messages/s ` +
        `(starts alone ${r.startRate.toFixed(0)}/s, ${r.eagerly} started eagerly)`,
    );
  }
}

if (require.main === module) {
  main()
    .then(() => process.exit(0))
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
