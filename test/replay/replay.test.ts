import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { workflowBundle } from '../helpers/temporal';

const DIR = path.join(__dirname, '../fixtures/histories');
/** One folder per revision of the path: every revision's histories must replay on today's code. */
const revisions = fs.readdirSync(DIR).filter((d) => fs.statSync(path.join(DIR, d)).isDirectory());
const fixtures = revisions.flatMap((revision) =>
  fs
    .readdirSync(path.join(DIR, revision))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      revision,
      name: f.replace(/\.json$/, ''),
      history: JSON.parse(fs.readFileSync(path.join(DIR, revision, f), 'utf8')) as { events: Record<string, any>[] },
      meta: JSON.parse(fs.readFileSync(path.join(DIR, revision, `${f}.meta`), 'utf8')) as { workflowId: string },
    })),
);
const PATHS = [
  'delivered',
  'failover-waba-banned',
  'fallback-declined',
  'fallback-granted',
  'opted-out',
  'recipient-failed',
  'throttled-other-number',
];

describe('messageDelivery replays its recorded histories (determinism)', () => {
  it('when the fixtures are listed, then every revision covers every lifecycle path', () => {
    assert.deepEqual(revisions, ['r1-remote-send', 'r2-local-send', 'r3-fewer-local-activities']);
    for (const revision of revisions) {
      const names = fixtures.filter((f) => f.revision === revision).map((f) => f.name);
      assert.deepEqual(names.sort(), PATHS, revision);
    }
  });

  it('when r1 and r2 histories of a delivered message are compared, then r2 sends without an activity task', () => {
    const sends = (revision: string) => {
      const { events } = fixtures.find((f) => f.revision === revision && f.name === 'delivered')!.history;
      return {
        activities: events.filter((e) => e.activityTaskScheduledEventAttributes).length,
        workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
        events: events.length,
      };
    };
    const [r1, r2] = [sends('r1-remote-send'), sends('r2-local-send')];
    assert.equal(r1.activities, 1);
    assert.equal(r2.activities, 0);
    assert.ok(r2.workflowTasks < r1.workflowTasks, JSON.stringify({ r1, r2 }));
    assert.ok(r2.events < r1.events, JSON.stringify({ r1, r2 }));
  });

  it('when r2 and r3 histories of a delivered message are compared, then r3 runs three local activities, not six', () => {
    const localActivities = (revision: string) => {
      const { events } = fixtures.find((f) => f.revision === revision && f.name === 'delivered')!.history;
      return events
        .filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')
        .map((e) => activityTypeOf(e.markerRecordedEventAttributes));
    };
    assert.deepEqual(localActivities('r2-local-send'), [
      'checkConsent',
      'resolveCombination',
      'sendTemplate',
      'recordProgress',
      'recordDelivered',
      'recordProgress',
    ]);
    // admit = consent + the first resolution; the send writes `sent`; the final record writes the sticky sender.
    assert.deepEqual(localActivities('r3-fewer-local-activities'), ['admit', 'sendTemplate', 'recordProgress']);
  });

  for (const f of fixtures) {
    it(`when the ${f.revision} ${f.name} history is replayed by today's workflow code, then it is deterministic`, async () => {
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle() },
        historyFromJSON(f.history),
        f.meta.workflowId,
      );
    });
  }

  it('when a history disagrees with the code (a changed activity type), then replay reports a determinism violation', async () => {
    const f = fixtures.find((x) => x.revision === 'r1-remote-send' && x.name === 'delivered')!;
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

/** A local activity's type, from its marker's `data` payload (the SDK core's JSON: `{ seq, activity_type, … }`). */
function activityTypeOf(marker: Record<string, any>): string {
  const payload = marker.details.data.payloads[0];
  return (JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')) as { activity_type: string }).activity_type;
}
