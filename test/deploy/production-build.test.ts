import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { SA } from '../../src/domain/search-attributes';
import { build } from '../../src/tools/build';
import { freePort } from '../../src/tools/temporal-dev';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { connectTemporal, type TestTemporal } from '../helpers/temporal';

/**
 * `npm run build` and then the compiled API and worker under plain `node` — no tsx loader, no NODE_OPTIONS —
 * against the real server and PostgreSQL (docs/deployment.md#production-build). They start in a namespace of
 * their own that has none of Lifeline's search attributes, so this also proves that the processes register them.
 */
const ROOT = path.resolve(__dirname, '../..');
const DIST = path.join(ROOT, 'dist');
const children: ChildProcess[] = [];

let t: TestTemporal;
let db: TestDatabase;
let namespace: string;

interface Started {
  child: ChildProcess;
  lines: Record<string, unknown>[];
}

/** Spawns compiled JS with the bare node binary and a clean environment for Node's own loader options. */
function startCompiled(file: string, env: Record<string, string>): Started {
  const { NODE_OPTIONS: _dropped, ...rest } = process.env;
  const child = spawn(process.execPath, [path.join(DIST, file)], {
    cwd: ROOT,
    env: { ...rest, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ msg: line });
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  child.on('exit', (code) => {
    if (code) lines.push({ msg: `exited with ${code}`, stderr });
  });
  return { child, lines };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

before(async () => {
  await build(() => undefined);
  [t, db] = await Promise.all([connectTemporal(), createTestDatabase()]);
  namespace = `build-${crypto.randomUUID().slice(0, 8)}`;
  await t.client.connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  await waitFor('the namespace', async () =>
    t.client.connection.operatorService.listSearchAttributes({ namespace }).then(
      () => true,
      () => undefined,
    ),
  );
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await db?.drop();
  await t?.close();
});

describe('production build', () => {
  it('emits compiled JS, the run-time files and the prebuilt workflow bundle under dist/', () => {
    for (const file of [
      'src/api/main.js',
      'src/worker/main.js',
      'src/services/webhooks/main.js',
      'workflows/index.js',
      'workflow-bundle.js',
    ]) {
      assert.ok(fs.existsSync(path.join(DIST, file)), file);
    }
    const migrations = fs.readdirSync(path.join(ROOT, 'src/db/migrations'));
    assert.deepEqual(fs.readdirSync(path.join(DIST, 'src/db/migrations')), migrations);
    assert.match(fs.readFileSync(path.join(DIST, 'workflow-bundle.js'), 'utf8'), /messageDelivery/);
  });

  it('runs the API and the worker with plain node: /healthz answers, the worker runs a workflow', async () => {
    const port = await freePort();
    const env = {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: t.address,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: `build-${namespace}`,
      PORT: String(port),
      LOG_LEVEL: 'info',
      NODE_ENV: 'test',
    };
    const api = startCompiled('src/api/main.js', env);
    const worker = startCompiled('src/worker/main.js', env);
    const health = await waitFor(
      'the compiled API',
      () =>
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => (r.ok ? r.status : undefined),
          () => (api.child.exitCode === null ? undefined : Promise.reject(new Error(JSON.stringify(api.lines)))),
        ),
      90_000,
    );
    assert.equal(health, 200);
    const started = await waitFor(
      'the compiled worker',
      () => {
        if (worker.child.exitCode !== null) throw new Error(JSON.stringify(worker.lines));
        return worker.lines.find((l) => l.msg === 'worker started');
      },
      90_000,
    );
    assert.equal(started.workflows, `prebuilt ${path.join(DIST, 'workflow-bundle.js')}`);

    // Both processes registered the search attributes on the namespace that had none.
    const listed = await t.client.connection.operatorService.listSearchAttributes({ namespace });
    for (const key of Object.values(SA)) assert.ok(key.name in (listed.customAttributes ?? {}), key.name);

    // A workflow and its activity (PostgreSQL) run on the compiled worker from the prebuilt bundle.
    const client = new Client({ connection: t.client.connection, namespace });
    const result = await client.workflow.execute('registryRefresh', {
      taskQueue: env.TEMPORAL_TASK_QUEUE,
      workflowId: `build-refresh-${namespace}`,
      args: [{}],
      workflowExecutionTimeout: '60s',
    });
    assert.deepEqual(
      { total: (result as { total: number }).total, failed: (result as { failed: number }).failed },
      { total: 0, failed: 0 },
    );
  });
});
