import { spawn, type ChildProcess } from 'node:child_process';
import { TEST_APP_SECRET, TEST_ENCRYPTION_KEY, type Stack } from './stack';

/** What a Lifeline process started from source needs to join a test stack: its database, Temporal and simulator. */
export function stackEnv(stack: Stack, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: stack.db.url,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    META_GRAPH_URL: stack.simUrl,
    META_APP_SECRET: TEST_APP_SECRET,
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/**
 * A Lifeline entry point from source (`npm run worker`, `npm run webhooks`, …) beside a test stack: the child at
 * once (so the caller can always stop it), and `ready`, which resolves with the first log line containing `ready`
 * (its pino lines on stdout) or rejects if the process exits first.
 */
export function startProcess(
  stack: Stack,
  file: string,
  ready: string,
  extra: Record<string, string> = {},
): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    env: stackEnv(stack, extra),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logged = new Promise<string>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4000);
      const line = seen.split('\n').find((l) => l.includes(ready));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before "${ready}"`)));
  });
  return { child, ready: logged };
}
