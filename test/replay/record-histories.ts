/**
 * Records one history per messageDelivery path into test/fixtures/histories/<revision>/ (run with `npm test --
 * test/replay/record-histories.ts` style env: `TEMPORAL_ADDRESS=… npx tsx test/replay/record-histories.ts`, or simply
 * `npx tsx test/replay/record-histories.ts`, which starts its own dev server). Re-record after an intended workflow
 * change that is guarded by `patched()` into a new revision folder, keeping the old ones (the histories still
 * running in production when the change deploys); never re-record to silence a replay failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { FESTIVE, FINAL, optIn, registerWabas } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';
import { SUF, sufMessage, sufScenario } from '../helpers/suf-scenario';

/** The path's current revision (docs/temporal.md, "Path revisions"): r3 runs three local activities, not six. */
const REVISION = 'r3-fewer-local-activities';
const OUT = path.join(__dirname, '../fixtures/histories', REVISION);
const timing = { statusTimeout: '15s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' };
const ASHA = FESTIVE.customers.asha;
const body = (extra: Record<string, unknown> = {}) => ({
  to: `+${ASHA}`,
  template: 'festive_text',
  language: 'en_US',
  parameters: { body: ['Asha', '20%'] },
  ...extra,
});

async function record(
  name: string,
  setup: (stack: Stack) => Promise<Record<string, unknown>>,
  scenario?: unknown,
): Promise<void> {
  const stack = await startStack({ tenantSettings: { timing }, scenario });
  try {
    if (scenario) {
      await stack.api('POST', '/v1/wabas', { id: SUF.waba, accessToken: SUF.token });
      await optIn(stack, SUF.yes(1), SUF.customers.no);
    } else {
      await registerWabas(stack);
      await optIn(stack, ASHA, FESTIVE.customers.gita);
    }
    const request = await setup(stack);
    const accepted = await stack.api('POST', '/v1/messages', request);
    const id = accepted.body.id as string;
    const view = await waitFor(
      async () => {
        const v = (await stack.api('GET', `/v1/messages/${id}`)).body;
        return FINAL.includes(v.status) ? v : undefined;
      },
      name,
      60_000,
    );
    const handle = stack.temporal.client.workflow.getHandle(view.workflowId);
    await handle.result();
    const file = path.join(OUT, `${name}.json`);
    fs.writeFileSync(file, historyToJSON(await handle.fetchHistory()));
    fs.writeFileSync(`${file}.meta`, JSON.stringify({ workflowId: view.workflowId, status: view.status }) + '\n');
    console.log(`${name}: ${view.status} → ${path.relative(process.cwd(), file)}`);
  } finally {
    await stack.stop();
  }
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await record('delivered', async () => body());
  await record('failover-waba-banned', async (s) => {
    await s.control.banWaba(FESTIVE.wabas[0]!);
    return body();
  });
  await record('recipient-failed', async () => body({ to: `+${FESTIVE.customers.gita}` }));
  await record('throttled-other-number', async (s) => {
    await s.control.injectErrors({ scope: { phoneNumberId: '300000000000111' }, code: 130429, mode: 'sync' });
    return body({ prefer: { phoneNumberId: '300000000000111' } });
  });
  await record('opted-out', async (s) => {
    await s.api('POST', `/v1/contacts/+${ASHA}/opt-out`, { source: 'test' });
    return body();
  });
  await record('fallback-granted', async () => sufMessage('suf_text', SUF.yes(1)), sufScenario);
  await record('fallback-declined', async () => sufMessage('suf_text', SUF.customers.no), sufScenario);
  process.exit(0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
