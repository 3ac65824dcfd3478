import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { appSettingsFromConfig } from '../api/app';
import { loadConfigOrExit } from '../config';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import { checkDatabaseReachable, ensureDatabase, migrate } from '../db/migrate';
import { poolFromConfig } from '../db/pool';
import { createLogger } from '../logger';
import { startEmbeddedStack } from '../embedded-stack';
import { secretBoxFromConfig } from '../secrets';
import { ensureSearchAttributes } from '../services/search-attribute-setup';
import { isTemporalServing, startDevServer, type DevServer } from '../tools/temporal-dev';
import { runCampaign } from './campaign';
import { printReport } from './report';

/**
 * `npm start`: everything on embedded defaults — a Temporal dev server (unless TEMPORAL_ADDRESS already serves),
 * the Cloud API simulator, a worker and the API in this process — then a demo campaign through injected faults.
 * `--exit` stops after the report (for smoke tests); otherwise it keeps serving until Ctrl-C.
 */
async function main(): Promise<void> {
  const exitAfter = process.argv.includes('--exit');
  const config = loadConfigOrExit();
  const log = createLogger(process.env.LOG_LEVEL ?? 'warn', 'demo');
  const say = (line: string) => console.log(line);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };

  // DATABASE_URL when it answers; otherwise a PostgreSQL of our own under .data/ (docs/deployment.md#first-run).
  let databaseUrl = config.DATABASE_URL;
  let where = new URL(databaseUrl).host;
  if (await checkDatabaseReachable(databaseUrl)) {
    const dir = path.resolve('.data/postgres');
    say(`… PostgreSQL does not answer at ${where}: starting an embedded PostgreSQL (data in ${dir})`);
    const embedded = await startEmbeddedPostgres({ dir, port: config.EMBEDDED_POSTGRES_PORT });
    stops.push(() => embedded.stop());
    databaseUrl = embedded.url;
    where = `embedded, 127.0.0.1:${config.EMBEDDED_POSTGRES_PORT}${embedded.reused ? ', still up from an earlier run' : ''}`;
  }
  await ensureDatabase(databaseUrl);
  await migrate(databaseUrl);
  const pool = poolFromConfig({ ...config, DATABASE_URL: databaseUrl });
  stops.push(() => pool.end());
  say(`✔ PostgreSQL ready (${where}), migrations applied`);

  // Activity failures are expected here (the campaign injects faults): keep the SDK's warnings out of the report.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  let temporalAddress = config.TEMPORAL_ADDRESS;
  let uiUrl = config.TEMPORAL_UI_URL;
  if (!(await isTemporalServing(temporalAddress))) {
    say('… starting a Temporal dev server (state in .data/temporal.sqlite)');
    const server: DevServer = await startDevServer({
      port: 7233,
      uiPort: 8233,
      dbFile: path.resolve('.data/temporal.sqlite'),
    });
    stops.push(() => server.stop());
    temporalAddress = server.address;
    uiUrl = server.uiUrl ?? uiUrl;
  }
  say(`✔ Temporal at ${temporalAddress}`);

  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  stops.push(() => nativeConnection.close());
  const connection = await Connection.connect({ address: temporalAddress });
  stops.push(() => connection.close());
  await ensureSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const stack = await startEmbeddedStack({
    pool,
    temporal: { client: temporal, nativeConnection, namespace: config.TEMPORAL_NAMESPACE },
    secrets: secretBoxFromConfig(config),
    log,
    meta: {
      simulator: {
        appSecret: config.META_APP_SECRET,
        scenario: 'festive-campaign',
        statusDelayMs: 150,
        seed: 7,
        port: 4010,
      },
      apiVersion: config.META_API_VERSION,
      timeoutMs: config.META_HTTP_TIMEOUT_MS,
    },
    api: { ...appSettingsFromConfig(config), port: config.PORT, host: config.HOST },
  });
  stops.push(() => stack.stop());
  const { apiUrl, control } = stack;
  const simUrl = stack.simUrl!;
  say(`✔ Cloud API simulator at ${simUrl} (scenario festive-campaign)`);
  say(`✔ worker on task queue "${config.TEMPORAL_TASK_QUEUE}", API at ${apiUrl}`);

  const outcome = await runCampaign({ apiUrl, adminKey: config.ADMIN_API_KEY, control: control!, say });
  await printReport({ apiUrl, uiUrl, simUrl, outcome, say });

  if (exitAfter) {
    await stopAll();
    return;
  }
  say('\nEverything keeps running so you can explore; press Ctrl-C to stop.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  say('\nstopping…');
  await stopAll();
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
