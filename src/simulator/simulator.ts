import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { type ActionResult, applyAction } from './actions/apply';
import { type ControlAction, type ControlActionInput, ControlActionSchema } from './actions/schema';
import { type Clock, SystemClock } from './core/clock';
import { createIdFactory } from './core/ids';
import { silentLogger } from './core/logger';
import { createRandom } from './core/random';
import { Scheduler } from './core/scheduler';
import { type ResolvedOptions, type SimulatorOptions, SimulatorOptionsSchema } from './options';
import { createControlRouter, type WebhookConfig } from './routes/control';
import { createGraphRouter } from './routes/graph';
import { type Runtime } from './runtime';
import { loadScenario } from './scenario/load';
import { type Scenario } from './scenario/schema';
import { createStore } from './state/store';
import { startTimeline } from './timeline';
import { createStateView, type SimulatorState } from './state-view';
import { verifyEndpoint, WebhookDispatcher } from './webhooks/dispatcher';

export interface ListeningSimulator {
  /** e.g. `http://127.0.0.1:4010` (Meta paths at `${url}/v23.0/...`, control at `${url}/_control/...`). */
  url: string;
  close(): Promise<void>;
}

export interface Simulator {
  /** The Express app, not listening. */
  app: Express;
  listen(port?: number, host?: string): Promise<ListeningSimulator>;
  /** Back to the loaded scenario: accounts, customers, counters, faults, logs; timers cancelled. */
  reset(): void;
  /** Replaces the scenario (then resets). */
  loadScenario(scenario: Scenario | string): void;
  /** Applies a control action in-process, exactly as the control API does. */
  apply(action: ControlActionInput): ActionResult;
  configureWebhook(config: WebhookConfig): Promise<Record<string, unknown>>;
  /** Read access for tests. */
  state: SimulatorState;
  clock: Clock;
  /** Cancels every timer and in-flight webhook (also done by the listener's close()). */
  close(): void;
}

function parseOptions(input: SimulatorOptions): ResolvedOptions {
  const result = SimulatorOptionsSchema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new Error(`invalid simulator options: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`);
}

/** A Cloud API simulator instance; many can run in one process (no module-level state). */
export function createSimulator(input: SimulatorOptions): Simulator {
  const options = parseOptions(input);
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? silentLogger;
  const scheduler = new Scheduler(clock, logger);
  const random = createRandom(options.seed);
  let scenario = loadScenario(input.scenario);
  const rt: Runtime = {
    options,
    clock,
    scheduler,
    random,
    ids: createIdFactory(random),
    logger,
    store: createStore(scenario),
    dispatcher: undefined as unknown as WebhookDispatcher,
    webhook: {
      ...(options.webhookUrl ? { url: options.webhookUrl } : {}),
      appSecret: options.appSecret,
      ...(options.webhookStatusBatch ? { statusBatch: options.webhookStatusBatch } : {}),
    },
    timelineLog: [],
  };
  rt.dispatcher = new WebhookDispatcher({
    clock,
    scheduler,
    logger,
    target: () => rt.webhook,
    stats: () => rt.store.stats,
    retry: options.webhookRetry,
    logLimit: options.webhookLogLimit,
    maxConcurrent: options.webhookConcurrency,
  });

  const beginTimeline = (): void => startTimeline(rt, rt.store.scenario.timeline);
  const reset = (): void => {
    scheduler.clearAll();
    rt.dispatcher.clear();
    rt.store = createStore(scenario);
    rt.timelineLog = [];
    if (scenario.timelineStart === 'onLoad') beginTimeline();
  };
  const configureWebhook = async (config: WebhookConfig): Promise<Record<string, unknown>> => {
    if (config.appSecret) rt.webhook.appSecret = config.appSecret;
    if (config.statusBatch) rt.webhook.statusBatch = config.statusBatch;
    if (config.url === null) delete rt.webhook.url;
    else rt.webhook.url = config.url;
    if (!config.verifyToken || config.url === null) return { ok: true, url: rt.webhook.url ?? null };
    const challenge = String(Math.floor(random() * 1e9));
    const check = await verifyEndpoint(config.url, config.verifyToken, challenge, options.webhookRetry.timeoutMs);
    return { ok: check.verified, url: rt.webhook.url, verification: check };
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(
    '/_control',
    createControlRouter({
      rt,
      reset,
      loadScenario: (s) => {
        scenario = loadScenario(s as Scenario | string);
        reset();
      },
      configureWebhook,
      startTimeline: beginTimeline,
    }),
  );
  app.use(createGraphRouter(rt));
  if (scenario.timelineStart === 'onLoad') beginTimeline();

  const close = (): void => {
    scheduler.clearAll();
    rt.dispatcher.close();
  };
  return {
    app,
    listen: (port = 0, host = '127.0.0.1') => listen(app, port, host, close),
    reset,
    loadScenario: (s) => {
      scenario = loadScenario(s);
      reset();
    },
    apply: (action) => applyAction(rt, ControlActionSchema.parse(action) as ControlAction),
    configureWebhook,
    state: createStateView(rt),
    clock,
    close,
  };
}

function listen(app: Express, port: number, host: string, stop: () => void): Promise<ListeningSimulator> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer(app);
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${actual}`,
        close: () =>
          new Promise<void>((done) => {
            stop();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
