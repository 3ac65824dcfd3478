import {
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities';
import { SA } from '../src/domain/search-attributes';
import {
  campaignCancelSignal,
  campaignCapacitySignal,
  campaignPauseSignal,
  campaignResumeSignal,
  campaignStateQuery,
  type CampaignQueueCounts,
  type CampaignStatus,
  type CampaignWorkflowInput,
  type CampaignWorkflowResult,
  type CampaignWorkflowState,
} from './campaign-definitions';

type Activities = ReturnType<typeof createActivities>;

/**
 * Patch: a sweep that sent nothing waits for capacity only when portfolios' daily limits are the reason (asking
 * the plan until capacity is back); recipients held for another reason (an open escalation, no healthy
 * combination) wait without it. Histories recorded before set `waiting_for_capacity` for every such sweep.
 */
const CAPACITY_WAIT_PATCH = 'campaign-capacity-wait';
/** How often a campaign waiting for capacity asks the plan again, unless its tuning says otherwise. */
const DEFAULT_CAPACITY_RECHECK_MS = 60_000;

// A batch never gives its recipients up: it is retried until it completes (its heartbeat timeout bounds how long
// a dead worker's batch waits), and a retried batch re-claims its own recipients without sending twice.
const batches = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});
const followUps = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
// Queue reads and status writes: fast, local, generously retried.
const queue = proxyLocalActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumInterval: '10 seconds' },
});

/**
 * A campaign (docs/campaigns.md): pages of queued recipients from PostgreSQL, a sliding window of batch activities,
 * sweeps for re-queued recipients, retry rounds, promotion of what still fails to Smart Utility Fallback, and
 * continue-as-new so its history stays small. Pause, resume and cancel are signals; the API writes the same
 * command to the campaign row first, which the batches read between sends.
 */
/** Keeps LifelineStatus current through pause, resume, the end of a schedule and of a retry wait. */
const CURRENT_STATUS_ATTRIBUTE_PATCH = 'campaign-status-attribute-current';

export async function campaign(input: CampaignWorkflowInput): Promise<CampaignWorkflowResult> {
  const { tuning, carry } = input;
  const state: CampaignWorkflowState = {
    phase: carry?.phase ?? 'scheduled',
    control: carry?.control ?? 'run',
    round: carry?.round ?? 1,
    cursor: carry?.cursor ?? 0,
    batchNo: carry?.batchNo ?? 0,
    inFlight: 0,
    sent: 0,
  };
  // Search attributes follow pause and resume too, so the Web UI's LifelineStatus is the campaign's (patched: runs
  // that started before it replay without these upserts).
  const currentAttributes = patched(CURRENT_STATUS_ATTRIBUTE_PATCH);
  const phaseStatus = (): CampaignStatus =>
    state.phase === 'scheduled' ? 'scheduled' : state.phase === 'retrying' ? 'retrying' : 'running';
  const showStatus = (status: CampaignStatus) => {
    if (currentAttributes) upsertSearchAttributes([{ key: SA.status, value: status }]);
  };
  setHandler(campaignPauseSignal, () => {
    if (state.control === 'run') {
      state.control = 'pause';
      showStatus('paused');
    }
  });
  setHandler(campaignResumeSignal, () => {
    if (state.control === 'pause') {
      state.control = 'run';
      showStatus(phaseStatus());
    }
  });
  setHandler(campaignCancelSignal, () => {
    state.control = 'cancel';
  });
  // Meta raised a portfolio's tier: a campaign waiting for capacity asks the plan at once.
  let capacityChanged = false;
  setHandler(campaignCapacitySignal, () => {
    capacityChanged = true;
  });
  setHandler(campaignStateQuery, () => state);
  // Read through a function: signals change it while the workflow awaits (no narrowing across awaits).
  const control = () => state.control;
  const ref = { tenantId: input.tenantId, campaignId: input.campaignId };
  const drained = () => condition(() => state.inFlight === 0);

  async function setStatus(status: CampaignStatus, reason?: string): Promise<void> {
    upsertSearchAttributes([{ key: SA.status, value: status }]);
    await queue.campaignSetStatus({ ...ref, status, ...(reason ? { reason } : {}) });
  }

  /**
   * Every portfolio the campaign can use is at its daily limit: wait durably, asking the capacity plan again as
   * the window rolls (at the plan's `resumeAt`, at most every `capacityRecheckMs`) or at once when a tier
   * upgrade signals; never fails a recipient for capacity (docs/capacity.md, "Campaigns").
   */
  async function waitForCapacity(): Promise<void> {
    const recheckMs = tuning.capacityRecheckMs ?? DEFAULT_CAPACITY_RECHECK_MS;
    let plan = await queue.campaignCapacity(ref);
    await setStatus('waiting_for_capacity', plan.reason);
    for (;;) {
      capacityChanged = false;
      const waitMs = Math.min(recheckMs, Math.max(tuning.deferBackoffMs, plan.resumeInMs ?? recheckMs));
      await condition(() => control() !== 'run' || capacityChanged, waitMs);
      if (control() !== 'run') return;
      plan = await queue.campaignCapacity(ref);
      const info = workflowInfo();
      if (plan.sendableNow > 0 || info.continueAsNewSuggested || info.historyLength >= tuning.maxHistoryEvents) break;
    }
    await setStatus('running');
  }

  if (!carry) {
    const startAt = input.startAt ? Date.parse(input.startAt) : NaN;
    if (startAt > Date.now()) {
      await setStatus('scheduled');
      await condition(() => control() === 'cancel', startAt - Date.now());
    }
    state.phase = 'sending';
    if (control() === 'run') showStatus('running');
  }

  for (;;) {
    if (control() === 'cancel') {
      await drained();
      await followUps.campaignCancelRest(ref);
      await setStatus('cancelled');
      state.phase = 'cancelled';
      return { status: 'cancelled', rounds: state.round };
    }
    if (state.phase === 'sending') {
      const end = await sendPass();
      if (end === 'continue') {
        const next: CampaignWorkflowInput = {
          ...input,
          carry: {
            phase: 'sending',
            round: state.round,
            cursor: state.cursor,
            batchNo: state.batchNo,
            control: control(),
          },
        };
        return continueAsNew<typeof campaign>(next);
      }
      if (end === 'drained') state.phase = 'settling';
      continue;
    }
    const counts = await settle();
    if (!counts) continue;
    if (counts.queued > 0) {
      state.phase = 'sending';
      state.cursor = 0;
      continue;
    }
    if (counts.retry > 0 && state.round <= input.retries.rounds) {
      state.phase = 'retrying';
      await setStatus('retrying');
      await condition(() => control() === 'cancel', input.retries.afterMs);
      await condition(() => control() !== 'pause');
      if (control() === 'cancel') continue;
      state.round += 1;
      await queue.campaignStartRound({ ...ref, round: state.round });
      state.phase = 'sending';
      state.cursor = 0;
      if (control() === 'run') showStatus('running');
      continue;
    }
    await followUps.campaignPromote(ref);
    await setStatus('completed');
    state.phase = 'completed';
    return { status: 'completed', rounds: state.round };
  }

  /** One pass over the queue: pages into a sliding window of batches, then sweeps for re-queued recipients. */
  async function sendPass(): Promise<'drained' | 'stopped' | 'continue'> {
    let sentSinceSweep = 0;
    let deferredSinceSweep = 0;
    let capacitySinceSweep = 0;
    await setStatus('running');
    for (;;) {
      if (control() === 'cancel') {
        await drained();
        return 'stopped';
      }
      if (control() === 'pause') {
        await drained(); // the batches see the paused row within a send or two and hand back their rest
        await setStatus('paused');
        await condition(() => control() !== 'pause');
        if (control() === 'run') await setStatus('running');
        continue;
      }
      const info = workflowInfo();
      if (info.continueAsNewSuggested || info.historyLength >= tuning.maxHistoryEvents) {
        await drained();
        return 'continue';
      }
      const page = await queue.campaignNextPage({ ...ref, afterSeq: state.cursor, limit: tuning.batchSize });
      if (!page) {
        await drained();
        if (control() !== 'run') continue;
        if (state.cursor === 0) return 'drained';
        // Nothing could be resolved since the last sweep (every combination unhealthy or at its limit): wait.
        if (sentSinceSweep === 0 && deferredSinceSweep > 0) {
          if (patched(CAPACITY_WAIT_PATCH)) {
            if (capacitySinceSweep > 0) await waitForCapacity();
            else await condition(() => control() !== 'run', tuning.deferBackoffMs);
          } else {
            await setStatus('waiting_for_capacity');
            await condition(() => control() !== 'run', tuning.deferBackoffMs);
            if (control() === 'run') await setStatus('running');
          }
        }
        sentSinceSweep = 0;
        deferredSinceSweep = 0;
        capacitySinceSweep = 0;
        state.cursor = 0;
        continue;
      }
      await condition(() => state.inFlight < tuning.window || control() !== 'run');
      if (control() !== 'run') continue;
      state.cursor = page.toSeq;
      state.batchNo += 1;
      state.inFlight += 1;
      void batches
        .sendCampaignBatch({
          ...ref,
          batchId: `${input.campaignId}:${state.batchNo}`,
          fromSeq: page.fromSeq,
          toSeq: page.toSeq,
          maxPerSecond: input.maxPerSecond ? input.maxPerSecond / tuning.window : undefined,
        })
        .then((r) => {
          state.sent += r.sent;
          sentSinceSweep += r.sent;
          deferredSinceSweep += r.deferred;
          capacitySinceSweep += r.deferredForCapacity ?? 0;
        })
        .catch(() => undefined) // only a cancelled workflow gets here: batches retry without limit
        .finally(() => {
          state.inFlight -= 1;
        });
    }
  }

  /** Waits until the round's sends have their final statuses (or timed out); undefined when cancelled. */
  async function settle(): Promise<CampaignQueueCounts | undefined> {
    for (;;) {
      if (control() === 'cancel') return undefined;
      const counts = await queue.campaignSettle({
        ...ref,
        unknownAfterMs: tuning.unknownAfterMs,
        statusTimeoutMs: tuning.statusTimeoutMs,
      });
      if (counts.queued > 0 || counts.sent + counts.unknown + counts.sending === 0) return counts;
      await condition(() => control() === 'cancel', tuning.settlePollMs);
    }
  }
}
