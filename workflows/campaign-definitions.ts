import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Every wire name of the campaign driver (docs/campaigns.md); the API and the activities import these objects. */

export type CampaignStatus =
  'draft' | 'scheduled' | 'running' | 'paused' | 'waiting_for_capacity' | 'retrying' | 'completed' | 'cancelled';

/** What the API asked for: written to the campaign row first (batches read it between sends), then signalled. */
export type CampaignControl = 'run' | 'pause' | 'cancel';

export interface CampaignTuning {
  /** Recipients per batch activity. */
  batchSize: number;
  /** Batch activities in flight at once (the sliding window). */
  window: number;
  /** A send whose outcome is unknown (crash, network) is re-queued when no status named its attempt by then. */
  unknownAfterMs: number;
  /** How long an accepted send may wait for its final status before the round closes without it. */
  statusTimeoutMs: number;
  /** How often the workflow re-reads the queue while it waits for the last statuses of a round. */
  settlePollMs: number;
  /** Pause before another sweep when nothing could be resolved (every combination unhealthy or at its limit). */
  deferBackoffMs: number;
  /** Continue-as-new once the history holds this many events (or when the server suggests it). */
  maxHistoryEvents: number;
  /**
   * While every portfolio is at its daily limit: how often the campaign asks whether capacity came back (a tier
   * upgrade, or a window rolling on a clock the workflow's timers do not follow). Absent before it existed.
   */
  capacityRecheckMs?: number;
}

export interface CampaignWorkflowInput {
  tenantId: string;
  campaignId: string;
  templateKey: string;
  startAt?: string;
  maxPerSecond?: number;
  retries: { rounds: number; afterMs: number };
  tuning: CampaignTuning;
  /** Set by continue-as-new: where the previous run stopped. */
  carry?: CampaignCarry;
}

export interface CampaignCarry {
  phase: 'sending' | 'settling';
  round: number;
  cursor: number;
  batchNo: number;
  control: CampaignControl;
}

export interface CampaignBatchInput {
  tenantId: string;
  campaignId: string;
  /** Deterministic per batch: a retried activity re-claims exactly the recipients it claimed before. */
  batchId: string;
  fromSeq: number;
  toSeq: number;
  /** This batch's share of the campaign's maxPerSecond. */
  maxPerSecond?: number;
}

export interface CampaignBatchResult {
  claimed: number;
  sent: number;
  requeued: number;
  retryLater: number;
  failed: number;
  unknown: number;
  /** No healthy combination with headroom: back in the queue for a later sweep. */
  deferred: number;
  /**
   * Of the deferred and re-queued: recipients turned down for a portfolio's daily limit (the campaign waits for
   * capacity). Results recorded before it existed lack it: readers default it to 0.
   */
  deferredForCapacity: number;
  /** The campaign was paused or cancelled while the batch ran; its unsent recipients are queued again. */
  stopped: boolean;
}

export interface CampaignQueueCounts {
  queued: number;
  sending: number;
  sent: number;
  unknown: number;
  retry: number;
}

export interface CampaignWorkflowState {
  phase: 'scheduled' | 'sending' | 'settling' | 'retrying' | 'completed' | 'cancelled';
  control: CampaignControl;
  round: number;
  cursor: number;
  batchNo: number;
  inFlight: number;
  sent: number;
}

export interface CampaignWorkflowResult {
  status: 'completed' | 'cancelled';
  rounds: number;
}

export const campaignPauseSignal = defineSignal('campaignPause');
export const campaignResumeSignal = defineSignal('campaignResume');
export const campaignCancelSignal = defineSignal('campaignCancel');
/** Capacity may have come back (Meta raised a portfolio's tier): a campaign waiting for capacity looks at once. */
export const campaignCapacitySignal = defineSignal('campaignCapacity');
export const campaignStateQuery = defineQuery<CampaignWorkflowState>('campaignState');

/** Workflow ids from business keys, through one helper. */
export function campaignWorkflowId(tenantId: string, campaignId: string): string {
  return `campaign:${tenantId}:${campaignId}`;
}

/** The campaign workflow's signature, for starting it by name without importing workflow code. */
export type CampaignWorkflow = (input: CampaignWorkflowInput) => Promise<CampaignWorkflowResult>;
