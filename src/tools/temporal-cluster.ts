import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import YAML from 'yaml';
import { ensureSearchAttributes } from '../services/search-attribute-setup';
import { goEnv, goInstall, isExecutable } from './temporal-cli';
import { isTemporalServing } from './temporal-dev';

/**
 * `npm run temporal:cluster`: the production engine on this machine (docs/deployment.md#a-real-cluster) — a
 * Temporal server built from its module, persisting to the local PostgreSQL (not the dev server's SQLite), with
 * the `default` namespace and Lifeline's search attributes. Its own port and databases, so it never meets a dev
 * server or the tests' databases.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const MODULE = 'go.temporal.io/server';

type Log = (line: string) => void;

export interface ClusterOptions {
  /** Frontend gRPC port; the other services take the ports after it (docs/deployment.md). */
  port?: number;
  /** A database on the PostgreSQL the cluster persists to (the admin connection: creates the two below). */
  adminUrl?: string;
  database?: string;
  visibilityDatabase?: string;
  historyShards?: number;
  /** Config, dynamic config and the server's log. */
  dataDir?: string;
  /** Drop both databases first: a cluster with no workflows, namespaces or search attributes. */
  fresh?: boolean;
  namespace?: string;
  log?: Log;
}

export interface Cluster {
  address: string;
  namespace: string;
  pid?: number;
  logFile: string;
  stop(): Promise<void>;
}

const run = promisify(execFile);

/** The server and the schema tool, built once into a folder of their own under GOPATH (they are not on PATH). */
export async function findOrBuildServer(
  log: Log = console.error,
): Promise<{ server: string; sql: string; module: string }> {
  const gopath = goEnv('GOPATH')?.split(path.delimiter)[0];
  const modcache = goEnv('GOMODCACHE');
  if (!gopath || !modcache) throw new Error('Go is not installed: cannot build the Temporal server');
  const bin = path.join(gopath, `lifeline-temporal-server-${TEMPORAL_SERVER_VERSION}`);
  const server = path.join(bin, 'server');
  const sql = path.join(bin, 'sql');
  if (!isExecutable(server) || !isExecutable(sql)) {
    fs.mkdirSync(bin, { recursive: true });
    await goInstall(
      [`${MODULE}/cmd/server@${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`],
      { gobin: bin, log, label: `the Temporal server ${TEMPORAL_SERVER_VERSION}` },
    );
  }
  // The module's source (schema, sample config) is in the module cache once it is built.
  return { server, sql, module: path.join(modcache, `${MODULE}@${TEMPORAL_SERVER_VERSION}`) };
}

async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/**
 * Creates the database with the module's base schema the first time, then applies every versioned schema step
 * it lacks (`update-schema` is a no-op on an up-to-date database), as the server's own tool does it.
 */
async function setupSchema(sql: string, adminUrl: string, name: string, schemaDir: string, log: Log) {
  const url = new URL(adminUrl);
  const conn = [
    '--plugin', 'postgres12',
    '--ep', url.hostname,
    '-p', url.port || '5432',
    '-u', decodeURIComponent(url.username || 'postgres'),
    ...(url.password ? ['--pw', decodeURIComponent(url.password)] : []),
    '--db', name,
  ]; // prettier-ignore
  const tool = (args: string[]) => run(sql, [...conn, ...args], { maxBuffer: 10_000_000 });
  if (!(await databaseExists(adminUrl, name))) {
    log(`  creating database ${name} with the base schema`);
    await tool(['create-database']);
    await tool(['setup-schema', '-v', '0.0']);
  }
  await tool(['update-schema', '-d', schemaDir]);
}

/** The module's config/development-postgres12.yaml, pointed at our databases, ports and folders. */
export function clusterConfig(
  sample: string,
  o: {
    port: number;
    adminUrl: string;
    database: string;
    visibilityDatabase: string;
    shards: number;
    dynamicConfig: string;
  },
): string {
  const doc = YAML.parse(sample) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const url = new URL(o.adminUrl);
  const sqlStore = (databaseName: string, maxConns: number) => ({
    pluginName: 'postgres12',
    databaseName,
    connectAddr: `${url.hostname}:${url.port || '5432'}`,
    connectProtocol: 'tcp',
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password),
    maxConns,
    maxIdleConns: maxConns,
    maxConnLifetime: '1h',
  });
  doc.log = { stdout: true, level: 'warn' };
  doc.persistence.numHistoryShards = o.shards;
  doc.persistence.datastores['postgres-default'].sql = sqlStore(o.database, 20);
  doc.persistence.datastores['postgres-visibility'].sql = sqlStore(o.visibilityDatabase, 10);
  delete doc.global.pprof;
  doc.global.metrics.prometheus.listenAddress = `127.0.0.1:${o.port + 800}`;
  // Ports: frontend P, history P+1, matching P+2, worker P+6 (membership 300 below each), HTTP P+10.
  const ports: Record<string, number> = { frontend: 0, history: 1, matching: 2, worker: 6 };
  for (const [service, offset] of Object.entries(ports)) {
    const rpc = doc.services[service].rpc;
    rpc.grpcPort = o.port + offset;
    rpc.membershipPort = o.port + offset - 300;
    rpc.bindOnLocalHost = true;
  }
  doc.services.frontend.rpc.httpPort = o.port + 10;
  doc.clusterMetadata.clusterInformation.active.rpcAddress = `127.0.0.1:${o.port}`;
  // Archival writes under /tmp in the sample: not wanted on a shared machine.
  delete doc.archival;
  delete doc.namespaceDefaults;
  doc.dynamicConfigClient = { filepath: o.dynamicConfig, pollInterval: '10s' };
  return YAML.stringify(doc);
}

/** The same dynamic config Lifeline's dev servers get (src/tools/temporal-dev.ts). */
const DYNAMIC_CONFIG = {
  'system.enableEagerWorkflowStart': [{ value: true }],
  'frontend.enableExecuteMultiOperation': [{ value: true }],
  'frontend.enableUpdateWorkflowExecution': [{ value: true }],
  'limit.maxIDLength': [{ value: 255 }],
};

async function ensureNamespace(address: string, namespace: string, deadline: number): Promise<Connection> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('3 days'),
    });
  } catch (err) {
    if (!/already exists|ALREADY_EXISTS/i.test((err as Error).message)) throw err;
  }
  // The frontend learns of a new namespace through its namespace cache (refreshed every few seconds).
  for (;;) {
    try {
      await connection.operatorService.listSearchAttributes({ namespace });
      await connection.workflowService.describeNamespace({ namespace });
      return connection;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? console.error;
  const port = opts.port ?? 7243;
  const adminUrl = opts.adminUrl ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const database = opts.database ?? 'temporal_cluster';
  const visibilityDatabase = opts.visibilityDatabase ?? 'temporal_cluster_visibility';
  const namespace = opts.namespace ?? 'default';
  const dataDir = path.resolve(opts.dataDir ?? '.data/temporal-cluster');
  const address = `127.0.0.1:${port}`;
  if (await isTemporalServing(address)) throw new Error(`something already serves Temporal at ${address}`);

  const bin = await findOrBuildServer(log);
  if (opts.fresh) {
    log(`  dropping ${database} and ${visibilityDatabase} (fresh cluster)`);
    for (const name of [database, visibilityDatabase]) await dropDatabase(adminUrl, name);
  }
  const schema = path.join(bin.module, 'schema/postgresql/v12');
  await setupSchema(bin.sql, adminUrl, database, path.join(schema, 'temporal/versioned'), log);
  await setupSchema(bin.sql, adminUrl, visibilityDatabase, path.join(schema, 'visibility/versioned'), log);
  log(`  schema of ${database} and ${visibilityDatabase} up to date`);

  const configDir = path.join(dataDir, 'config');
  fs.mkdirSync(configDir, { recursive: true });
  const dynamicConfig = path.join(dataDir, 'dynamicconfig.yaml');
  fs.writeFileSync(dynamicConfig, YAML.stringify(DYNAMIC_CONFIG));
  const sample = fs.readFileSync(path.join(bin.module, 'config/development-postgres12.yaml'), 'utf8');
  const shards = opts.historyShards ?? 4;
  fs.writeFileSync(
    path.join(configDir, 'lifeline.yaml'),
    clusterConfig(sample, { port, adminUrl, database, visibilityDatabase, shards, dynamicConfig }),
  );

  const logFile = path.join(dataDir, 'server.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    bin.server,
    ['--root', dataDir, '--config', 'config', '--env', 'lifeline', '--allow-no-auth', 'start'],
    {
      stdio: ['ignore', out, out],
    },
  );
  fs.closeSync(out);
  const stop = () => stopServer(child);
  try {
    const deadline = Date.now() + 120_000;
    while (!(await isTemporalServing(address, 1000))) {
      if (child.exitCode !== null) throw new Error(`the Temporal server exited with ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`the Temporal server did not serve at ${address} within 120 s`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const connection = await ensureNamespace(address, namespace, deadline);
    try {
      const added = await ensureSearchAttributes(connection, namespace);
      if (added.length) log(`  search attributes added: ${added.join(', ')}`);
    } finally {
      await connection.close();
    }
  } catch (err) {
    await stop();
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n(last lines of ${logFile}):\n${tail}`);
  }
  log(`Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL at ${address} (${shards} history shards)`);
  return { address, namespace, pid: child.pid, logFile, stop };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

if (require.main === module && process.argv.includes('--build-only')) {
  // CI builds the server in a step of its own, so the cluster step's timeout measures the run alone.
  findOrBuildServer().then(
    (bin) => console.log(`Temporal server ${TEMPORAL_SERVER_VERSION}: ${bin.server}, ${bin.sql}`),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  const fresh = process.argv.includes('--fresh');
  startCluster({ fresh })
    .then((cluster) => {
      console.log(
        `TEMPORAL_ADDRESS=${cluster.address} (namespace "${cluster.namespace}"); server log: ${cluster.logFile}. ` +
          'Ctrl-C stops it; its state stays in PostgreSQL.',
      );
      const stop = () => void cluster.stop().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
}
