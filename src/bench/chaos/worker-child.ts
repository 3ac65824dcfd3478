import { NativeConnection, Runtime, DefaultLogger, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities';
import { loadConfigOrExit } from '../../config';
import { createPool } from '../../db/pool';
import { metaClientFromConfig } from '../../meta/client';
import { createSecretBox } from '../../secrets';

/**
 * The chaos run's worker, as its own OS process so it can be SIGKILLed: the production worker's activities and
 * workflows, from a bundle the parent built once (CHAOS_WORKFLOW_BUNDLE), so a restart takes seconds, not a rebundle.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const pool = createPool(config.DATABASE_URL, config.DATABASE_POOL_MAX);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    workflowBundle: { codePath: process.env.CHAOS_WORKFLOW_BUNDLE! },
    activities: createActivities({
      pool,
      meta: metaClientFromConfig(config),
      secrets: createSecretBox(config.ENCRYPTION_KEY),
    }),
    maxCachedWorkflows: 2000,
    workflowFailureErrorTypes: { '*': ['NondeterminismError'] },
  });
  console.error('chaos worker ready'); // the parent times its kill from here
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
