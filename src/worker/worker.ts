import fs from 'node:fs';
import path from 'node:path';
import {
  type NativeConnection,
  Worker,
  bundleWorkflowCode,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../../activities';

/** Run from source (tsx) the workflows are TypeScript; from `npm run build`'s dist/ they are compiled JS. */
const runningFromSource = __filename.endsWith('.ts');
export const WORKFLOWS_PATH = path.resolve(__dirname, `../../workflows/index.${runningFromSource ? 'ts' : 'js'}`);

/**
 * Where `npm run build` writes the workflow bundle: at the root of dist/, beside the compiled code it was built
 * with. Resolved from this file, so a process run from source never picks up a stale bundle from an old build.
 */
export const PREBUILT_BUNDLE_PATH = path.resolve(__dirname, '../../workflow-bundle.js');

/** Bundles the workflow code once (about a second); pass the result to every worker of the process. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger });
}

const quietBundlerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

export interface LifelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Explicit cache size: the heap-derived default ignores off-heap memory (docs/temporal.md). */
  maxCachedWorkflows?: number;
}

export async function createLifelineWorker(opts: LifelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...workflowSource(opts.workflowBundle),
    activities: createActivities(opts.deps),
    maxCachedWorkflows: opts.maxCachedWorkflows ?? 2000,
    // A nondeterminism error fails the execution instead of retrying its task forever, so it surfaces.
    workflowFailureErrorTypes: { '*': ['NondeterminismError'] },
  });
}

/** Where a worker without a bundle of its own takes its workflows from, for the start-up log. */
export function workflowOrigin(): string {
  return fs.existsSync(PREBUILT_BUNDLE_PATH)
    ? `prebuilt ${PREBUILT_BUNDLE_PATH}`
    : `bundled at start-up from ${WORKFLOWS_PATH}`;
}

/** The caller's bundle, else the prebuilt one (no webpack at start-up, docs/deployment.md), else bundle now. */
function workflowSource(given?: WorkflowBundleWithSourceMap) {
  if (given) return { workflowBundle: given };
  if (fs.existsSync(PREBUILT_BUNDLE_PATH)) return { workflowBundle: { codePath: PREBUILT_BUNDLE_PATH } };
  return { workflowsPath: WORKFLOWS_PATH };
}
