import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { devServerSearchAttributeFlags, SA } from '../domain/search-attributes';
import { findOrBuildTemporalCli } from './temporal-cli';

export interface DevServerOptions {
  port?: number;
  uiPort?: number;
  headless?: boolean;
  /** SQLite file; state survives restarts. Omit for an in-memory server. */
  dbFile?: string;
  env?: Record<string, string | undefined>;
  log?: (line: string) => void;
  startTimeoutMs?: number;
}

export interface DevServer {
  address: string;
  uiUrl?: string;
  pid?: number;
  stop(): Promise<void>;
}

/** The flags every Lifeline dev server gets (docs/temporal.md: defaults differ across server versions). */
export function devServerFlags(opts: { port: number; uiPort?: number; headless?: boolean; dbFile?: string }): string[] {
  return [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    ...(opts.headless ? ['--headless'] : ['--ui-port', String(opts.uiPort ?? opts.port + 1000)]),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=OFF',
    '--dynamic-config-value',
    'system.enableEagerWorkflowStart=true',
    '--dynamic-config-value',
    'frontend.enableExecuteMultiOperation=true',
    '--dynamic-config-value',
    'frontend.enableUpdateWorkflowExecution=true',
    '--log-level',
    'warn',
    ...devServerSearchAttributeFlags(),
  ];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** True if a Temporal frontend answers at this address. */
export async function isTemporalServing(address: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const conn = await Connection.connect({ address, connectTimeout: timeoutMs });
    try {
      await conn.workflowService.getSystemInfo({});
      return true;
    } finally {
      await conn.close();
    }
  } catch {
    return false;
  }
}

async function waitUntilServing(address: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    if (await isTemporalServing(address, 1000)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`temporal dev server at ${address} did not start within ${timeoutMs} ms`);
}

/**
 * Starts a dev server as a child process we own (not via the SDK's 5 s start window, which a loaded 2-core
 * machine can miss). Falls back to the SDK's own download only where no CLI can be found or built.
 */
export async function startDevServer(opts: DevServerOptions = {}): Promise<DevServer> {
  // The CLI binds ports of its own besides ours (HTTP, membership); two servers starting at once on a busy machine
  // can pick the same one and the loser exits at start. A server that died starting, on ports we chose, is started
  // again on new ones (bounded); a port the caller fixed, or a server that never answered, is not retried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startDevServerOnce(opts);
    } catch (err) {
      const diedStarting = err instanceof DevServerExited;
      if (!diedStarting || opts.port !== undefined || attempt >= START_ATTEMPTS) throw err;
      (opts.log ?? ((l: string) => console.error(l)))(
        `temporal dev server exited while starting; retrying (${attempt})`,
      );
    }
  }
}

const START_ATTEMPTS = 3;

/** The dev server process ended before it served (its stderr's head and tail in the message). */
class DevServerExited extends Error {}

async function startDevServerOnce(opts: DevServerOptions): Promise<DevServer> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const port = opts.port ?? (await freePort());
  const uiPort = opts.headless ? undefined : (opts.uiPort ?? (await freePort()));
  const cli = await findOrBuildTemporalCli(opts.env ?? process.env, log);
  if (!cli) return startViaSdkDownload(port, log);
  if (opts.dbFile) fs.mkdirSync(path.dirname(opts.dbFile), { recursive: true });
  const child = spawn(cli.path, devServerFlags({ port, uiPort, headless: opts.headless, dbFile: opts.dbFile }), {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: false,
  });
  // A Go panic names its cause first and then dumps every goroutine: keep the head as well as the tail.
  let head = '';
  let tail = '';
  child.stderr?.on('data', (c: Buffer) => {
    if (head.length < 2000) head = (head + c.toString()).slice(0, 2000);
    tail = (tail + c.toString()).slice(-2000);
  });
  const address = `127.0.0.1:${port}`;
  try {
    await waitUntilServing(address, child, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    child.kill('SIGKILL');
    const output = head.length < 2000 ? head : `${head}\n…\n${tail}`;
    const message = `${(err as Error).message}\n${output}`;
    throw child.exitCode !== null ? new DevServerExited(message) : new Error(message);
  }
  return {
    address,
    uiUrl: uiPort ? `http://127.0.0.1:${uiPort}` : undefined,
    pid: child.pid,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function startViaSdkDownload(port: number, log: (l: string) => void): Promise<DevServer> {
  log('No Temporal CLI on this machine: using the Temporal SDK download (needs internet).');
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      port,
      searchAttributes: Object.values(SA),
      extraArgs: ['--dynamic-config-value', 'frontend.enableExecuteMultiOperation=true'],
    },
  });
  return { address: `127.0.0.1:${port}`, stop: () => env.teardown() };
}

if (require.main === module) {
  // `npm run temporal:dev`: a long-lived dev server with the Web UI, state kept under .data/.
  const dbFile = path.resolve('.data/temporal.sqlite');
  startDevServer({ port: 7233, uiPort: 8233, dbFile })
    .then((server) => {
      console.log(`Temporal dev server on ${server.address}; Web UI ${server.uiUrl}; state in ${dbFile}`);
      const stop = () => void server.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}

/** A client and a worker connection to `address`; `close` also stops `own`, the dev server started for them. */
export async function connectTemporalClients(address: string, own?: DevServer) {
  const connection = await Connection.connect({ address });
  const nativeConnection = await NativeConnection.connect({ address });
  return {
    address,
    client: new Client({ connection }),
    nativeConnection,
    async close() {
      await connection.close();
      await nativeConnection.close();
      await own?.stop();
    },
  };
}
