import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MessagesRepo } from '../../db/repositories/messages';
import type { StatusRoute, WebhookStatusesRepo } from '../../db/repositories/webhook-statuses';
import { ATTEMPT_STATUS_ORDER, foldStatus } from '../../domain/status';
import type { WebhookEvent } from '../../meta/webhook-events';
import { statusSignal, TERMINAL_STATUSES, type FailureClass, type StatusUpdate } from '../../../workflows/definitions';
import { failoverReason } from '../../delivery/decide';
import { NO_OBSERVER, type DeliveryObserver } from '../../delivery/observer';
import { blamedResource, type CircuitBreaker } from '../circuit-breaker';
import { FOLDED_STATUSES, toStatusUpdate } from './status-update';
import { statusInScope, type Verifier } from './tenant-scope';

export type StatusEvent = Extract<WebhookEvent, { kind: 'status' }>;

export interface StatusItem {
  event: StatusEvent;
  verifier: Verifier;
}

/** An asynchronous failure of a campaign-driven message, handed to the campaign engine (at least once). */
export interface CampaignFailure {
  tenantId: string;
  campaignId: string | null;
  messageId: string;
  attemptId: string;
  wamid: string;
  failure: FailureClass;
}

/** A status of a campaign-driven message, as routed (docs/campaigns.md, "Status hook"). */
export interface CampaignStatus {
  messageId: string;
  attemptId: string;
  wamid: string;
  status: StatusUpdate['status'];
  /** Classified once here (failed statuses only). */
  failure?: FailureClass;
}

/**
 * The campaign engine's hook: statuses of campaign-driven messages are folded into their attempt rows without a
 * signal, then handed over here after the fold — every status (`statuses`: the campaign's ledger, its queue
 * state) and the failures alone (`failed`, for re-queueing). Called again for the same attempt when a batch is
 * retried, so both must be idempotent by attemptId.
 */
export interface CampaignStatusHook {
  statuses?(statuses: CampaignStatus[]): Promise<void>;
  failed?(failures: CampaignFailure[]): Promise<void>;
}

export type StatusOutcome = 'applied' | 'parked' | 'refused' | 'ignored';

const isTerminal = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);

/**
 * The status half of the processor, set-based: route the whole batch in one read, signal only the workflows
 * still waiting (one signal per wamid, its best status), fold every status in one statement, then the circuit
 * breaker and the campaign hook. Signals go before the fold: a batch retried after a failure half-way re-sends
 * them (the workflow folds duplicates away), whereas a fold committed first would hide that they were never sent.
 */
export function createStatusBatch(deps: {
  statuses: WebhookStatusesRepo;
  messages: MessagesRepo;
  temporal: Client;
  breaker: CircuitBreaker;
  campaigns?: CampaignStatusHook;
  signalConcurrency?: number;
  /** Status lag and asynchronous failovers, for the processor's metrics (docs/console.md, "Metrics"). */
  observer?: Pick<DeliveryObserver, 'statusLag' | 'failover'>;
}) {
  const concurrency = deps.signalConcurrency ?? 64;
  const observer = deps.observer ?? NO_OBSERVER;

  async function signalAll(signals: { workflowId: string; update: StatusUpdate }[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < signals.length; i = next++) {
        const s = signals[i]!;
        try {
          await deps.temporal.workflow.getHandle(s.workflowId).signal(statusSignal, s.update);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // a finished workflow no longer listens
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, signals.length) }, lane));
  }

  /** Applies a batch; `park` keeps statuses whose wamid is unknown until it is stored. Outcomes are index-aligned. */
  async function apply(items: readonly StatusItem[], opts: { park: boolean }): Promise<StatusOutcome[]> {
    const outcomes: StatusOutcome[] = items.map(() => 'ignored');
    const folded = items.flatMap((item, i) => (FOLDED_STATUSES.has(item.event.status.status) ? [i] : []));
    const routes = await deps.statuses.route(
      folded.map((i) => ({
        wamid: items[i]!.event.status.id,
        attemptHint: items[i]!.event.status.biz_opaque_callback_data,
      })),
    );
    const routed: { item: StatusItem; route: StatusRoute; update: StatusUpdate }[] = [];
    const toPark: StatusItem[] = [];
    folded.forEach((i, n) => {
      const item = items[i]!;
      const route = routes[n];
      if (!route) {
        outcomes[i] = opts.park ? 'parked' : 'refused';
        if (opts.park) toPark.push(item);
      } else if (!statusInScope(route.tenantId, item.verifier)) {
        outcomes[i] = 'refused';
      } else {
        outcomes[i] = 'applied';
        routed.push({ item, route, update: toStatusUpdate(item.event.status, route.attemptId) });
      }
    });

    // `sent` decides nothing in a workflow (the send's response told it already) unless it was routed by attempt
    // id: then the response never came and the `sent` may be what settles the attempt. A finished message has none.
    const best = new Map<string, { workflowId: string; update: StatusUpdate }>();
    for (const r of routed) {
      if (r.route.drivenBy !== 'workflow' || isTerminal(r.route.messageStatus)) continue;
      if (r.update.status === 'sent' && !r.route.byAttemptId) continue;
      const key = `${r.route.workflowId}\u0000${r.update.wamid}`;
      const seen = best.get(key);
      if (!seen || foldStatus(seen.update.status, r.update.status).changed) {
        best.set(key, { workflowId: r.route.workflowId, update: r.update });
      }
    }
    await signalAll([...best.values()]);

    const after = await deps.statuses.fold(
      routed.map((r) => ({
        attemptId: r.route.attemptId,
        wamid: r.update.wamid,
        status: r.update.status,
        errorCode: r.item.event.status.errors?.[0]?.code,
        error: r.update.failure,
        pricing: r.update.pricing,
        byAttemptId: r.route.byAttemptId,
        campaign: r.route.drivenBy === 'campaign',
      })),
      ATTEMPT_STATUS_ORDER,
    );
    await deps.statuses.park(
      toPark.map((p) => ({
        key: p.event.key,
        wamid: p.event.status.id,
        verifiedTenantId: p.verifier.tenantId,
        event: p.event,
      })),
    );

    const campaignStatuses: CampaignStatus[] = [];
    const campaignFailures: CampaignFailure[] = [];
    const processedAt = Date.now();
    for (const r of routed) {
      observer.statusLag(r.update.status, (processedAt - Date.parse(r.update.timestamp)) / 1000);
      const failover = r.update.failure && failoverReason(r.update.failure);
      if (failover) observer.failover(failover);
      if (r.route.drivenBy === 'campaign' && r.route.attemptKind !== 'consent') {
        campaignStatuses.push({
          messageId: r.route.messageId,
          attemptId: r.route.attemptId,
          wamid: r.update.wamid,
          status: r.update.status,
          ...(r.update.failure ? { failure: r.update.failure } : {}),
        });
      }
      const failure = r.update.failure;
      if (!failure) continue;
      // An asynchronous failure Meta attributes to a resource breaks the circuit here, for every message at once.
      if (blamedResource(failure)) {
        const attempt = await deps.messages.getAttempt(r.route.attemptId);
        if (attempt) await deps.breaker.report(r.route.tenantId, attempt, failure);
      }
      if (r.route.drivenBy === 'campaign' && after.get(r.route.attemptId) === 'failed') {
        campaignFailures.push({
          tenantId: r.route.tenantId,
          campaignId: r.route.campaignId,
          messageId: r.route.messageId,
          attemptId: r.route.attemptId,
          wamid: r.update.wamid,
          failure,
        });
      }
    }
    if (campaignStatuses.length && deps.campaigns?.statuses) await deps.campaigns.statuses(campaignStatuses);
    if (campaignFailures.length && deps.campaigns?.failed) await deps.campaigns.failed(campaignFailures);
    return outcomes;
  }

  return { apply };
}

export type StatusBatch = ReturnType<typeof createStatusBatch>;
