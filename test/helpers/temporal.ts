import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { type NativeConnection, Runtime, DefaultLogger, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectTemporalClients, startDevServer, type DevServer } from '../../src/tools/temporal-dev';
import { bundleWorkflows } from '../../src/worker/worker';

let runtimeInstalled = false;
let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** One workflow bundle per test process (bundling takes about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflows();
  return bundle;
}

export interface TestTemporal {
  address: string;
  client: Client;
  nativeConnection: NativeConnection;
  close(): Promise<void>;
}

/**
 * Connects to the run's shared dev server (TEMPORAL_ADDRESS, started by src/tools/run-tests.ts); a test file run
 * on its own starts a private one.
 */
export async function connectTemporal(): Promise<TestTemporal> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
    runtimeInstalled = true;
  }
  let own: DevServer | undefined;
  let address = process.env.TEMPORAL_ADDRESS;
  if (!address) {
    own = await startDevServer({ headless: true, log: () => undefined });
    address = own.address;
  }
  return connectTemporalClients(address, own);
}

export const uniqueTaskQueue = (name = 'test') => `${name}-${crypto.randomBytes(4).toString('hex')}`;
