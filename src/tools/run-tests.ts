import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkDatabaseReachable } from '../db/migrate';
import { startDevServer } from './temporal-dev';

/**
 * `npm test`: one Temporal dev server for the whole run (docs/temporal.md: the SDK's own 5 s start window
 * is flaky on 2 cores), then node:test over every test file (or the files given), then the server is stopped.
 */
function findTests(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const files = args.length ? args : findTests('test');
  const adminUrl = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const problem = await checkDatabaseReachable(adminUrl);
  if (problem) {
    console.error(problem);
    return 1;
  }
  const started = Date.now();
  const server = await startDevServer({ headless: true });
  console.error(`Temporal dev server ready at ${server.address} in ${Date.now() - started} ms`);
  try {
    return await new Promise<number>((resolve) => {
      // Two files at a time: most of a file's time is spent waiting (workflow timers, webhooks, the simulator's
      // delays), and node's default on 2 cores is one at a time. Every file has its own database and task queue.
      const concurrency = `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '2'}`;
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--test', concurrency, '--test-reporter', 'spec', ...files],
        {
          stdio: 'inherit',
          env: { ...process.env, TEMPORAL_ADDRESS: server.address, NODE_ENV: 'test' },
        },
      );
      const forward = (sig: NodeJS.Signals) => child.kill(sig);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
