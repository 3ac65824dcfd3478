import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../helpers/temporal';

const DIR = path.join(__dirname, '../fixtures/histories');
const fixtures = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({
    name: f.replace(/\.json$/, ''),
    history: JSON.parse(fs.readFileSync(path.join(DIR, f), 'utf8')) as { events: Record<string, any>[] },
    meta: JSON.parse(fs.readFileSync(path.join(DIR, `${f}.meta`), 'utf8')) as { workflowId: string },
  }));

describe('messageDelivery replays its recorded histories (determinism)', () => {
  it('when the fixtures are listed, then every lifecycle path is covered', () => {
    assert.deepEqual(fixtures.map((f) => f.name).sort(), [
      'delivered',
      'failover-waba-banned',
      'fallback-declined',
      'fallback-granted',
      'opted-out',
      'recipient-failed',
      'throttled-other-number',
    ]);
  });

  for (const f of fixtures) {
    it(`when the ${f.name} history is replayed by today's workflow code, then it is deterministic`, async () => {
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        historyFromJSON(f.history),
        f.meta.workflowId,
      );
    });
  }

  it('when a history disagrees with the code (a changed activity type), then replay reports a determinism violation', async () => {
    const f = fixtures.find((x) => x.name === 'delivered')!;
    const tampered = structuredClone(f.history);
    const scheduled = tampered.events.find((e) => e.activityTaskScheduledEventAttributes);
    assert.ok(scheduled, 'the history schedules an activity');
    scheduled.activityTaskScheduledEventAttributes.activityType.name = 'sendSomethingElse';
    await assert.rejects(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, historyFromJSON(tampered), f.meta.workflowId),
      (err: unknown) => err instanceof DeterminismViolationError,
    );
  });
});
