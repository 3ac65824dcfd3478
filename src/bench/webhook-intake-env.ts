import crypto from 'node:crypto';
import path from 'node:path';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createMetaClient } from '../meta/client';
import { messageWorkflowId } from '../../workflows/definitions';
import { startBenchStack } from './stack';
import type { webhookIntakeBench } from './webhook-intake-workflow';

export { BENCH_APP_SECRET } from './stack';

/**
 * Everything the webhook benchmark runs against, on loopback: a throw-away database, a Temporal dev server (or
 * TEMPORAL_ADDRESS), a worker hosting the benchmark workflow, and the API with its webhook processor.
 */
export async function startBenchEnv(opts: { workflows: number; wamids: number; runForMs: number }) {
  const taskQueue = `bench-${crypto.randomBytes(4).toString('hex')}`;
  // The API and its webhook processor; no Lifeline worker: the benchmark's own workflow receives the signals.
  const stack = await startBenchStack({
    taskQueue,
    meta: { client: createMetaClient({ graphUrl: 'http://127.0.0.1:9', apiVersion: 'v23.0', timeoutMs: 1000 }) },
    worker: false,
  });
  const { pool, apiUrl, processor } = stack;
  const client = stack.temporal.client;
  const worker = await Worker.create({
    connection: stack.temporal.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'webhook-intake-workflow.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  });
  const running = worker.run();

  // One tenant; `workflows` running workflows; wamid i belongs to workflow i % workflows.
  const { tenant } = stack;
  const workflowIds: string[] = [];
  for (let w = 0; w < opts.workflows; w++) {
    const id = crypto.randomUUID();
    const workflowId = messageWorkflowId(tenant.id, `bench-${id}`);
    workflowIds.push(workflowId);
    await pool.query(
      `INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request)
       VALUES ($1, $2, $3, $4, '447700900001', 'bench', 'en_US', '{}')`,
      [id, tenant.id, `bench-${id}`, workflowId],
    );
    await client.workflow.start<typeof webhookIntakeBench>('webhookIntakeBench', {
      taskQueue,
      workflowId,
      args: [{ untilMs: opts.runForMs }],
    });
  }
  const wamid = (i: number) => `wamid.BENCH-${i}`;
  await pool.query(
    `WITH w AS (SELECT i, $2::text[] AS ids FROM generate_series(0, $1 - 1) AS i),
          a AS (INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, wamid, status)
                SELECT 'bench-' || i, $3, m.id, i, 'template', '300000000000801', 'wamid.BENCH-' || i, 'accepted'
                  FROM w JOIN messages m ON m.workflow_id = w.ids[(i % array_length(w.ids, 1)) + 1]
                RETURNING id, message_id, wamid)
     INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
     SELECT a.wamid, $3, a.message_id, a.id, m.workflow_id FROM a JOIN messages m ON m.id = a.message_id`,
    [opts.wamids, workflowIds, tenant.id],
  );

  return {
    apiUrl,
    pool,
    client,
    processor,
    workflowIds,
    wamid,
    async stop() {
      await Promise.all(
        workflowIds.map((id) =>
          client.workflow
            .getHandle(id)
            .terminate('bench over')
            .catch(() => undefined),
        ),
      );
      worker.shutdown();
      await running;
      await stack.stop();
    },
  };
}
