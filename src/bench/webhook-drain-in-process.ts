import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { composeLifeline } from '../composition';
import type { Pool } from '../db/pool';
import { createWebhookInboxRepo, toStorableJson } from '../db/repositories/webhook-inbox';
import { createLogger } from '../logger';
import { createMetaClient } from '../meta/client';
import { createSecretBox } from '../secrets';
import { createWebhookIngestion } from '../services/webhooks';
import { statusSignal } from '../../workflows/definitions';

/**
 * The processor's own capacity: bodies stored straight into the inbox, drained in this process by one processor
 * whose Temporal client only counts the signals it would send. A diagnostic beside the real drain (which runs
 * `npm run webhooks` against Temporal), so the two show how much of the time is Temporal's.
 */
export async function drainWithoutTemporal(pool: Pool, bodies: readonly { raw: string }[]) {
  const inbox = createWebhookInboxRepo(pool);
  await inbox.storeMany(
    bodies.map((b) => ({
      dedupeKey: crypto.createHash('sha256').update(`diag\n${b.raw}`).digest('hex'),
      json: toStorableJson(JSON.parse(b.raw)),
      verifiedTenantId: null,
    })),
  );
  let signals = 0;
  const temporal = {
    workflow: { getHandle: () => ({ signal: async () => void (signals += 1) }) },
  } as unknown as Client;
  const lifeline = composeLifeline({
    pool,
    meta: createMetaClient({ graphUrl: 'http://127.0.0.1:9', apiVersion: 'v23.0', timeoutMs: 1000 }),
    secrets: createSecretBox('b'.repeat(64)),
  });
  const processor = createWebhookIngestion(
    { ...lifeline, inbox, temporal, log: createLogger('warn'), sessions: lifeline.sessionsOn(temporal, 'bench') },
    { retention: false },
  );
  const started = performance.now();
  await processor.drain();
  return { seconds: (performance.now() - started) / 1000, signals };
}

/** Temporal's own signal rate in this run: `count` status signals to the benchmark workflows, 64 in flight. */
export async function rawSignalRate(client: Client, workflowIds: readonly string[], count: number) {
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    for (let i = next++; i < count; i = next++) {
      await client.workflow.getHandle(workflowIds[i % workflowIds.length]!).signal(statusSignal, {
        wamid: `wamid.raw-${i}`,
        status: 'read',
        timestamp: new Date().toISOString(),
      });
    }
  };
  await Promise.all(Array.from({ length: 64 }, lane));
  return count / ((performance.now() - started) / 1000);
}
