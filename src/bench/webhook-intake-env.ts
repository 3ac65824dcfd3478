import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { DefaultLogger, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createTenantsRepo } from '../db/repositories/tenants';
import { createScratchDatabase } from '../db/scratch-database';
import { messageWorkflowId } from '../../workflows/definitions';
import { BENCH_APP_SECRET, connectBenchTemporal } from './stack';
import type { webhookIntakeBench } from './webhook-intake-workflow';

export { BENCH_APP_SECRET } from './stack';
export const BENCH_PHONE = '300000000000801';
export const BENCH_WABA = '200000000000801';
const ROOT = path.join(__dirname, '..', '..');

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

/**
 * Everything the webhook benchmark runs against, on loopback: a throw-away database, a Temporal dev server (or
 * TEMPORAL_ADDRESS), a worker hosting the benchmark workflows in this process, and the API and webhook
 * processors as their own processes (`npm run api`, `npm run webhooks`), as production runs them.
 */
export async function startBenchEnv(opts: { workflows: number; runForMs: number }) {
  const db = await createScratchDatabase({ adminUrl: process.env.TEST_DATABASE_ADMIN_URL, prefix: 'lifeline_bench' });
  const { pool, url: databaseUrl } = db;
  const temporal = await connectBenchTemporal();
  const { client, address } = temporal;
  const taskQueue = `bench-${crypto.randomBytes(4).toString('hex')}`;
  const worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: path.resolve(__dirname, 'webhook-intake-workflow.ts'),
      logger: new DefaultLogger('ERROR'),
    }),
  });
  const running = worker.run();

  const { tenant } = await createTenantsRepo(pool).create('bench');
  const workflowIds: string[] = [];
  for (let w = 0; w < opts.workflows; w++) {
    const workflowId = messageWorkflowId(tenant.id, `bench-${crypto.randomUUID()}`);
    workflowIds.push(workflowId);
    await client.workflow.start<typeof webhookIntakeBench>('webhookIntakeBench', {
      taskQueue,
      workflowId,
      args: [{ untilMs: opts.runForMs }],
    });
  }

  const env = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    META_APP_SECRET: BENCH_APP_SECRET,
    LOG_LEVEL: 'warn',
    DATABASE_POOL_MAX: '10',
  };
  const children = new Set<ChildProcess>();
  const spawnChild = (entry: string, extra: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { ...process.env, ...env, ...extra },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.add(child);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return {
      async stop() {
        child.kill('SIGTERM');
        await exited;
        children.delete(child);
      },
    };
  };

  return {
    pool,
    client,
    tenantId: tenant.id,
    workflowIds,
    /** `count` messages, each with one accepted attempt and its wamid, spread over the running workflows. */
    async seed(prefix: string, count: number): Promise<string[]> {
      await pool.query(
        `WITH n AS (SELECT i, gen_random_uuid() AS id FROM generate_series(0, $1 - 1) AS i),
              m AS (INSERT INTO messages (id, tenant_id, idempotency_key, workflow_id, recipient, template_key, language, request, status)
                    SELECT id, $2, $3 || i, ($4::text[])[(i % array_length($4::text[], 1)) + 1], '447700900001', 'bench', 'en_US', '{}', 'sent'
                      FROM n RETURNING id, workflow_id, idempotency_key),
              a AS (INSERT INTO message_attempts (id, tenant_id, message_id, seq, kind, phone_number_id, wamid, status)
                    SELECT m.id || ':1', $2, m.id, 1, 'template', $5, 'wamid.' || m.idempotency_key, 'accepted' FROM m
                    RETURNING id, message_id, wamid)
         INSERT INTO wamids (wamid, tenant_id, message_id, attempt_id, workflow_id)
         SELECT a.wamid, $2, a.message_id, a.id, m.workflow_id FROM a JOIN m ON m.id = a.message_id`,
        [count, tenant.id, prefix, workflowIds, BENCH_PHONE],
      );
      return Array.from({ length: count }, (_, i) => `wamid.${prefix}${i}`);
    },
    /** The API as `npm run api` (processor inline or off). */
    async startApi(processor: 'inline' | 'off') {
      const port = await freePort();
      const child = spawnChild(path.join('src', 'api', 'main.ts'), {
        PORT: String(port),
        WEBHOOK_PROCESSOR: processor,
      });
      const apiUrl = `http://127.0.0.1:${port}`;
      for (let i = 0; ; i++) {
        const ok = await fetch(`${apiUrl}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) break;
        if (i > 300) throw new Error('the API did not start within 60 s');
        await new Promise((r) => setTimeout(r, 200));
      }
      return { apiUrl, stop: child.stop };
    },
    /** A webhook processor as `npm run webhooks`. */
    startProcessor: () => spawnChild(path.join('src', 'services', 'webhooks', 'main.ts'), {}),
    async stop() {
      await Promise.all([...children].map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
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
      await temporal.close();
      await db.drop();
    },
  };
}
