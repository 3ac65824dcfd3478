import { parseArgs } from 'node:util';
import pino from 'pino';
import { z } from 'zod';
import { createSimulator } from './simulator';

/** Used when neither --app-secret nor META_APP_SECRET is set, so `npm run simulator` works out of the box. */
export const DEV_APP_SECRET = 'lifeline-simulator-dev-secret';

const CliConfigSchema = z.object({
  scenario: z.string().min(1).default('festive-campaign'),
  port: z.coerce.number().int().min(0).max(65535).default(4010),
  host: z.string().min(1).default('127.0.0.1'),
  appSecret: z.string().min(1).optional(),
  webhookUrl: z.url().optional(),
  statusDelayMs: z.coerce.number().int().min(0).default(20),
  seed: z.coerce.number().int().optional(),
  timelineSpeed: z.coerce.number().positive().default(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type CliConfig = z.infer<typeof CliConfigSchema>;

/** Flags win over environment variables (META_APP_SECRET, SIM_WEBHOOK_URL, SIM_PORT, SIM_SCENARIO, LOG_LEVEL). */
export function parseCliConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'app-secret': { type: 'string' },
      'webhook-url': { type: 'string' },
      'status-delay-ms': { type: 'string' },
      seed: { type: 'string' },
      'timeline-speed': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
  });
  const raw = {
    scenario: values.scenario ?? env.SIM_SCENARIO,
    port: values.port ?? env.SIM_PORT,
    host: values.host ?? env.SIM_HOST,
    appSecret: values['app-secret'] ?? env.META_APP_SECRET,
    webhookUrl: values['webhook-url'] ?? env.SIM_WEBHOOK_URL,
    statusDelayMs: values['status-delay-ms'] ?? env.SIM_STATUS_DELAY_MS,
    seed: values.seed ?? env.SIM_SEED,
    timelineSpeed: values['timeline-speed'],
    logLevel: values['log-level'] ?? env.LOG_LEVEL,
  };
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const result = CliConfigSchema.safeParse(defined);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`invalid simulator configuration: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  return result.data;
}

async function main(): Promise<void> {
  const config = parseCliConfig(process.argv.slice(2), process.env);
  const logger = pino({ name: 'simulator', level: config.logLevel });
  if (!config.appSecret) logger.warn('META_APP_SECRET not set: webhooks are signed with the development secret');
  const sim = createSimulator({
    appSecret: config.appSecret ?? DEV_APP_SECRET,
    scenario: config.scenario,
    statusDelayMs: config.statusDelayMs,
    timelineSpeed: config.timelineSpeed,
    logger,
    ...(config.webhookUrl ? { webhookUrl: config.webhookUrl } : {}),
    ...(config.seed !== undefined ? { seed: config.seed } : {}),
  });
  const server = await sim.listen(config.port, config.host);
  const s = sim.state;
  console.log(
    `Cloud API simulator on ${server.url} (scenario ${s.scenarioName}: ${s.portfolios.size} portfolios, ` +
      `${s.wabas.size} WABAs, ${s.phoneNumbers.size} numbers, ${s.templates.size} templates) — ` +
      `Graph at ${server.url}/v23.0/..., control at ${server.url}/_control/...`,
  );
  const stop = (signal: string): void => {
    logger.info({ signal }, 'stopping');
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
}
