import type { EscalationsRepo } from '../src/db/repositories/escalations';
import { Context } from '@temporalio/activity';
import type { CampaignQueueRepo, BatchOutcome, ClaimedRecipient } from '../src/db/repositories/campaign-queue';
import type { CampaignGuardRepo } from '../src/db/repositories/campaign-guard';
import type { CampaignRow, CampaignsRepo } from '../src/db/repositories/campaigns';
import type { ContactRow, ContactsRepo } from '../src/db/repositories/contacts';
import type { TenantsRepo } from '../src/db/repositories/tenants';
import type { BatchUsage, UsageRepo } from '../src/db/repositories/usage';
import { campaignFollowUp, IN_ROUND_TRANSIENT_RETRIES } from '../src/delivery/campaign-follow-up';
import { type RoutingPolicy, type UsageIndex, countSend, indexUsage } from '../src/domain/resolver';
import { buildTemplateMessage } from '../src/domain/template-payload';
import { sentEventData } from '../src/domain/timeline';
import { readTenantSettings } from '../src/domain/tenant-settings';
import { UNHEALTHY_BEFORE_SEND } from '../src/domain/failure';
import {
  degradedPart,
  failoverReason,
  NO_OBSERVER,
  resolveAgainst,
  toCombination,
  unhealthyPart,
  type DeliveryObserver,
  type RegistryView,
  type SendDeps,
} from '../src/delivery';
import { capacityFailure } from '../src/delivery/capacity';
import type {
  CapacityPort,
  CapacityRequest,
  ChunkCapacityPort,
  Refusal,
  Reservation,
  ReserveResult,
} from '../src/delivery/capacity-port';
import type { MetaClient } from '../src/meta/client';
import { MetaApiError } from '../src/meta/api-error';
import { classifyGraphError, toFailureClass } from '../src/meta/failure-class';
import { createCampaignGuard } from '../src/services/campaign-guard';
import type { CircuitBreaker } from '../src/services/circuit-breaker';
import { freshRead } from '../src/services/fresh-read';
import { createPacer } from '../src/services/pacer';
import { throttledHeartbeat } from './heartbeat';
import type { RegistryCache } from '../src/services/registry-cache';
import {
  campaignPauseSignal,
  type CampaignBatchInput,
  type CampaignBatchResult,
} from '../workflows/campaign-definitions';
import type { Combination, FailureClass } from '../workflows/definitions';

export interface CampaignBatchDeps {
  campaigns: CampaignsRepo;
  queue: CampaignQueueRepo;
  contacts: ContactsRepo;
  tenants: TenantsRepo;
  tokens: SendDeps['tokens'];
  /** The resolver's usage inputs, read once per batch. */
  usage: UsageRepo;
  /** Throughput, pair-rate and messaging-limit reservations shared with every other sender (docs/capacity.md). */
  capacity: CapacityPort & ChunkCapacityPort;
  cache: RegistryCache;
  breaker: CircuitBreaker;
  meta: MetaClient;
  /** Customers talking to a human: the tenant may hold campaign sends to them (`escalation.holdCampaigns`). */
  escalations: Pick<EscalationsRepo, 'heldRecipients'>;
  /** Lifeline's clock: the capacity window rolls on it (tests move it with the simulator's). */
  now?: () => number;
  /** The quality guard's reads and pause (docs/capacity.md, "Quality guard"). */
  guard: CampaignGuardRepo;
  /** Each send's outcome and failover, for the worker's metrics (docs/console.md, "Metrics"). */
  observer?: DeliveryObserver;
}

/**
 * Sends between attempt-row inserts and heartbeats, and the most a batch has past their first checks at once: a
 * chunk's throughput slots are reserved together and pace its sends, all of them started together. A batch that
 * also held its sends to 16 at a time made the later ones of every chunk wait for an earlier one's answer, miss
 * their slot by more than `MAX_LATENESS_MS` and take a new one alone, one statement each on the number's shared row
 * (~7 % of a campaign's sends; docs/campaigns.md, "Measured"). What crosses a health change is bounded by the
 * checks right before each send, on a snapshot at most `FRESH_MS` old.
 */
const CHUNK = 50;
/** How stale the pause/cancel flag and the health snapshot may be when a send starts (docs/campaigns.md). */
const FRESH_MS = 50;
/** A read older than this when it resolves (a slow database) is read again before a send relies on it. */
const MAX_READ_AGE_MS = 250;

interface Planned {
  r: ClaimedRecipient;
  attemptId: string;
  combination: Combination;
  /** Every part was healthy when it was planned (a part turning degraded since sheds the send). */
  healthy: boolean;
}

/**
 * The campaign's batch activity (the delivery core's second driver): one page of recipients, one registry
 * snapshot and usage read per batch, the health gate and the pause/cancel flag checked before every send, sends
 * paced per number, and every outcome written with one statement at the end.
 */
export function createCampaignBatch(deps: CampaignBatchDeps) {
  const pacer = createPacer();
  const observer = deps.observer ?? NO_OBSERVER;
  const control = freshRead(FRESH_MS, MAX_READ_AGE_MS, (id: string) => deps.campaigns.control(id));
  const registry = freshRead(FRESH_MS, MAX_READ_AGE_MS, (tenantId: string) => deps.cache.get(tenantId));
  // The guard pauses the campaign as the API does: the row first (every batch stops within a send or two), then
  // the workflow's pause signal.
  const guard = createCampaignGuard({
    repo: deps.guard,
    pauseWorkflow: (workflowId) => Context.current().client.workflow.getHandle(workflowId).signal(campaignPauseSignal),
  });

  return async function sendCampaignBatch(input: CampaignBatchInput): Promise<CampaignBatchResult> {
    const result: CampaignBatchResult = {
      claimed: 0,
      sent: 0,
      requeued: 0,
      retryLater: 0,
      failed: 0,
      unknown: 0,
      deferred: 0,
      deferredForCapacity: 0,
      stopped: false,
    };
    const ctx = Context.current();
    const beat = throttledHeartbeat(ctx);
    const campaign = await deps.campaigns.get(input.tenantId, input.campaignId);
    if (!campaign || campaign.control !== 'run') return { ...result, stopped: true };
    const limit = Math.min(1000, input.toSeq - input.fromSeq + 1);
    // Each try of the batch claims under its own name: a slow earlier try that lost its claim sends nothing more.
    const owner = `${input.batchId}#${ctx.info.attempt}`;
    const claimed = await deps.queue.claim(input.tenantId, input.campaignId, owner, input, limit);
    result.claimed = claimed.length;
    if (claimed.length === 0) return result;

    const attemptIdOf = (r: ClaimedRecipient) => `${r.messageId}:${r.attempt}`;
    const [existing, contacts, tenant, held] = await Promise.all([
      deps.queue.existingAttempts(claimed.map(attemptIdOf)),
      deps.contacts.many(
        input.tenantId,
        claimed.map((r) => r.recipient),
      ),
      deps.tenants.get(input.tenantId),
      deps.escalations.heldRecipients(
        input.tenantId,
        claimed.map((r) => r.recipient),
      ),
    ]);
    const settings = readTenantSettings(tenant?.settings);
    const routing = campaign.spec.routing ?? settings.routing;
    const outcomes: BatchOutcome[] = [];
    const toSend: ClaimedRecipient[] = [];
    for (const r of claimed) {
      const prior = existing.get(attemptIdOf(r));
      const contact = contacts.get(r.recipient);
      if (prior) {
        // A retried batch: Meta may have this attempt already. Never send it again; a status names it, or the
        // workflow re-queues it once `unknownAfterMs` passed without one.
        outcomes.push(
          prior.wamid
            ? sentOutcome(r, attemptIdOf(r), prior.wamid)
            : { messageId: r.messageId, attemptId: attemptIdOf(r), queue: 'unknown', status: 'sending' },
        );
        if (!prior.wamid) result.unknown += 1;
      } else if (contact?.optedOutAt || (settings.requireOptIn && !contact?.optedInAt)) {
        const reason = contact?.optedOutAt ? 'opted_out' : 'no_opt_in';
        outcomes.push({ messageId: r.messageId, queue: 'done', status: 'failed', failure: { reason } });
        result.failed += 1;
      } else if (held.has(r.recipient)) {
        // An open escalation holds the campaign's send (docs/conversations.md): back to the queue, like a recipient
        // no combination can carry now; the campaign's sweeps try again until the escalation is resolved.
        outcomes.push({ messageId: r.messageId, queue: 'queued', status: 'accepted' });
        result.deferred += 1;
      } else toSend.push(r);
    }

    const usage = await deps.usage.batchSnapshot(
      input.tenantId,
      toSend.map((r) => r.recipient),
      (deps.now ?? Date.now)(),
    );
    let indexed: UsageIndex | undefined;
    const tokens = new Map<string, Promise<string>>();
    const tokenFor = (wabaId: string) => {
      let t = tokens.get(wabaId);
      if (!t) {
        t = deps.tokens.tokenFor(input.tenantId, wabaId).then((token) => {
          if (!token) throw new Error(`WABA ${wabaId} is not registered`);
          return token;
        });
        tokens.set(wabaId, t);
      }
      return t;
    };
    const reported = new Set<string>();
    /** Recipients handed back because a part of their planned combination turned degraded. */
    const shed = new Set<string>();
    // Outcomes are written chunk by chunk, each write while the next chunk sends (one at a time, in order): a batch
    // never stops sending to write, and a chunk's wamid routes are stored while its first statuses arrive. A write
    // that fails fails the batch at its end (its retry sends nothing already written: those recipients left
    // `sending`). The handled branch keeps a failed write from being an unhandled rejection meanwhile.
    let written = 0;
    let writes: Promise<unknown> = Promise.resolve();
    const writeWritten = () => {
      const slice = outcomes.slice(written);
      written = outcomes.length;
      if (slice.length === 0) return;
      writes = writes.then(() => deps.queue.writeOutcomes(input.tenantId, owner, slice));
      writes.catch(() => undefined);
    };

    for (let i = 0; i < toSend.length; i += CHUNK) {
      const chunk = toSend.slice(i, i + CHUNK);
      if (result.stopped || (await stopRequested())) {
        result.stopped = true;
        for (const r of chunk) outcomes.push({ messageId: r.messageId, queue: 'queued', status: 'accepted' });
        continue;
      }
      const snapshot = await registry(input.tenantId);
      // One usage index while the registry index holds: `countSend` keeps it and `usage` in step, and a chunk's
      // decisions then cost what docs/capacity.md ("Resolver cost") says, however many numbers they reject.
      if (indexed?.registry !== snapshot.index) indexed = indexUsage(snapshot.index, usage);
      const planned = plan(campaign, routing, chunk, contacts, snapshot, usage, indexed, outcomes, result);
      const mine = await deps.queue.insertAttempts(
        input.tenantId,
        owner,
        planned.map((p) => ({ id: p.attemptId, messageId: p.r.messageId, seq: p.r.attempt, ...p.combination })),
      );
      const reserved = await reserveChunk(planned.filter((p) => mine.has(p.attemptId)));
      const chunkOutcomes = await Promise.all(
        planned.map(async (p): Promise<BatchOutcome> => {
          // Another try owns it now, or its attempt row existed: never send it from here.
          if (!mine.has(p.attemptId)) {
            result.unknown += 1;
            return { messageId: p.r.messageId, attemptId: p.attemptId, queue: 'unknown', status: 'sending' };
          }
          const outcome = await sendOne(campaign, p, reserved.get(p.attemptId));
          // Sends prove the batch alive: a slow batch is not mistaken for a dead worker's and retried while it
          // still sends.
          beat({ done: i, of: toSend.length });
          return outcome;
        }),
      );
      for (const o of chunkOutcomes) {
        outcomes.push(o);
        if (o.attempt === 'unsent' && !shed.has(o.messageId)) result.stopped = true;
      }
      writeWritten();
      // After every chunk: the campaign's own failure rate over its last sends (this batch's and every other's).
      // A failed look must not fail the batch after its sends (a retried batch cannot tell what Meta has): the
      // next chunk looks again.
      const paused = await guard.check(campaign).catch((e: unknown) => {
        ctx.log.warn('campaign quality guard failed', { error: (e as Error).message });
        return undefined;
      });
      if (paused) result.stopped = true;
    }
    result.sent += outcomes.filter((o) => o.queue === 'sent' && o.attempt === 'accepted').length;
    writeWritten();
    await writes;
    await deps.campaigns.recordSent(input.campaignId, result.sent);
    return result;

    async function stopRequested(): Promise<boolean> {
      if (ctx.cancellationSignal.aborted) return true;
      return (await control(input.campaignId)) !== 'run';
    }

    /**
     * The chunk's capacity, reserved together from the rows every sender shares (each number's throughput slots,
     * each pair's rate, each recipient's place in its portfolio's window): a few statements for the chunk instead
     * of three per send. A paced campaign reserves per send instead: its sends leave later than a chunk's slots.
     */
    async function reserveChunk(sending: readonly Planned[]): Promise<Map<string, ReserveResult>> {
      if (input.maxPerSecond || sending.length === 0) return new Map();
      const snapshot = await registry(input.tenantId);
      const results = await deps.capacity.reserveMany(sending.map((p) => capacityOf(snapshot, p)));
      return new Map(sending.map((p, i) => [p.attemptId, results[i]!]));
    }

    function capacityOf(snapshot: RegistryView, p: Planned): CapacityRequest {
      const phone = snapshot.index.phones.get(p.combination.phoneNumberId)!;
      return {
        tenantId: input.tenantId,
        phoneNumberId: p.combination.phoneNumberId,
        waId: p.r.recipient,
        throughputPerSecond: phone.throughputLimit,
        portfolio: { id: phone.waba.waba.portfolioId, limit: phone.waba.limit },
      };
    }

    /** A refused reservation as the send's outcome; every portfolio full is what the campaign's capacity wait is for. */
    function refusedForCapacity(p: Planned, refusal: Refusal): BatchOutcome {
      if (refusal.refused === 'messaging_limit') result.deferredForCapacity += 1; // docs/capacity.md, "Campaigns"
      return failed(p, capacityFailure(refusal), result);
    }

    /** One send: its capacity, the checks right before it, and Meta's answer. */
    async function sendOne(c: CampaignRow, p: Planned, chunked?: ReserveResult): Promise<BatchOutcome> {
      // Refused with the chunk: a refusal never reaches Meta, and there is nothing to wait for.
      if (chunked && !chunked.ok) return refusedForCapacity(p, chunked);
      const outcome = await checkAndSend(c, p, chunked?.ok ? chunked.reservation : undefined);
      observe(observer, p, outcome);
      return outcome;
    }

    /**
     * The checks right before Meta is called, on reads at most FRESH_MS old: the pause/cancel flag (a pause stops
     * the very next send), the health gate (a WABA banned mid-batch is avoided by the next send) and quality
     * shedding (a number or template Meta rated YELLOW since this send was planned on it goes back to the queue
     * unsent; its next resolution ranks GREEN equivalents first, and sends through a YELLOW one only when nothing
     * healthy is left, then without shedding it again). Blocked, the reservation held (if any) is given back and
     * the send's outcome returned; clear, the snapshot to send against.
     */
    async function gate(
      p: Planned,
      held: Reservation | undefined,
      unsent: BatchOutcome,
    ): Promise<{ blocked: BatchOutcome } | { snapshot: RegistryView }> {
      const giveBack = async () => {
        if (held) await deps.capacity.release(held, { left: false });
      };
      if (await stopRequested()) {
        await giveBack();
        return { blocked: unsent };
      }
      const snapshot = await registry(input.tenantId);
      const now = Date.now();
      const bad = unhealthyPart(snapshot, p.combination, now);
      if (bad) {
        await giveBack();
        return {
          blocked: failed(p, { kind: 'resource', resource: bad.resource, reason: UNHEALTHY_BEFORE_SEND }, result),
        };
      }
      if (p.healthy && degradedPart(snapshot, p.combination, now)) {
        shed.add(p.r.messageId);
        result.deferred += 1;
        await giveBack();
        return { blocked: unsent };
      }
      return { snapshot };
    }

    async function checkAndSend(c: CampaignRow, p: Planned, held: Reservation | undefined): Promise<BatchOutcome> {
      const unsent: BatchOutcome = {
        messageId: p.r.messageId,
        attemptId: p.attemptId,
        queue: 'queued',
        status: 'accepted',
        attempt: 'unsent',
      };
      // A send stopped before its slot gives the chunk's reservation back (it never left).
      const stopped = async (): Promise<BatchOutcome> => {
        if (held) await deps.capacity.release(held, { left: false });
        return unsent;
      };
      // A paced send waits for its slot watching the pause/cancel flag: a pause acknowledged meanwhile ends the
      // wait (and the batch, which writes its outcomes) at once, rather than when the slot comes.
      if (await stopRequested()) return stopped();
      if (input.maxPerSecond) {
        const at = pacer.slot(`batch:${input.batchId}`, input.maxPerSecond);
        for (let wait = at - Date.now(); wait > 0; wait = at - Date.now()) {
          await new Promise((r) => setTimeout(r, Math.min(wait, FRESH_MS)));
          if (await stopRequested()) return stopped();
        }
      }
      const token = await tokenFor(p.combination.wabaId);
      const checked = await gate(p, held, unsent);
      if ('blocked' in checked) return checked.blocked;
      // Reserved with the chunk (waited for here), or right before the send when paced; a refusal never reaches Meta.
      const reserved = held
        ? await deps.capacity.leave(held)
        : await deps.capacity.reserve(capacityOf(checked.snapshot, p));
      if (!reserved.ok) return refusedForCapacity(p, reserved);
      return sendNow(c, p, { reservation: reserved.reservation, token }, unsent);
    }

    /** The last checks and the send itself, once its slot has come and Meta may be called. */
    async function sendNow(
      c: CampaignRow,
      p: Planned,
      { reservation, token }: { reservation: Reservation; token: string },
      unsent: BatchOutcome,
    ): Promise<BatchOutcome> {
      // The reservation may have waited for its slot: every check once more.
      const checked = await gate(p, reservation, unsent);
      if ('blocked' in checked) return checked.blocked;
      const snapshot = checked.snapshot;
      const template = snapshot.templates.get(p.combination.templateId)!;
      const body = {
        to: p.r.recipient,
        biz_opaque_callback_data: p.attemptId,
        ...buildTemplateMessage(template, { ...c.spec.parameters, ...p.r.parameters }),
      };
      try {
        const sent = await deps.meta.sendMessage(p.combination.phoneNumberId, token, body);
        return sentOutcome(p.r, p.attemptId, sent.wamid, p.combination);
      } catch (err) {
        // No answer (network, timeout) or our own failure: Meta may have the message. Resolved by its status.
        if (!(err instanceof MetaApiError) || err.httpStatus === undefined) {
          result.unknown += 1;
          return { messageId: p.r.messageId, attemptId: p.attemptId, queue: 'unknown', status: 'sending' };
        }
        // Meta answered, so nothing was sent: the reservation goes back.
        await deps.capacity.release(reservation, { left: true });
        const failure = toFailureClass(classifyGraphError(err)!);
        // Break the circuit where the error is seen (once per resource per batch), so every sender avoids it.
        const key = `${failure.resource ?? failure.scope}:${p.combination.phoneNumberId}:${p.combination.wabaId}`;
        if (!reported.has(key)) {
          reported.add(key);
          await deps.breaker.report(input.tenantId, p.combination, failure).catch((e: unknown) => {
            ctx.log.warn('circuit breaker report failed', { error: (e as Error).message });
          });
        }
        return failed(p, failure, result);
      }
    }
  };
}

/**
 * Resolves each recipient of a chunk against one snapshot, counting this batch's own sends as usage (`usage` and
 * its index for `snapshot.index`, kept in step by `countSend`).
 */
function plan(
  campaign: CampaignRow,
  routing: RoutingPolicy,
  chunk: readonly ClaimedRecipient[],
  contacts: ReadonlyMap<string, ContactRow>,
  snapshot: RegistryView,
  usage: BatchUsage,
  indexed: UsageIndex,
  outcomes: BatchOutcome[],
  result: CampaignBatchResult,
): Planned[] {
  const now = Date.now();
  const planned: Planned[] = [];
  for (const r of chunk) {
    const resolved = resolveAgainst(
      snapshot.index,
      // The batch's own records, updated below as it plans: nothing is rebuilt per recipient.
      {
        portfolios: usage.portfolios,
        phones: usage.phones,
        recipientCountedIn: usage.countedIn.get(r.recipient) ?? [],
        indexed,
      },
      contacts.get(r.recipient),
      {
        messageId: r.messageId,
        step: r.attempt,
        templateKey: campaign.templateKey,
        language: campaign.language,
        prefer: campaign.spec.prefer,
        routing,
        exclude: r.exclude,
      },
      now,
    );
    if (resolved.outcome === 'none') {
      outcomes.push({ messageId: r.messageId, queue: 'queued', status: 'accepted' });
      result.deferred += 1;
      // Capacity is the reason only when a candidate was turned down for its portfolio's daily limit; a recipient
      // whose every combination is unhealthy or excluded waits for something else.
      if ((resolved.explanation.rejected.byReason.no_messaging_limit_headroom ?? 0) > 0) {
        result.deferredForCapacity += 1;
      }
      continue;
    }
    const c = resolved.combination;
    const counted = usage.countedIn.get(r.recipient) ?? [];
    const newRecipient = c.capacity === 'new_recipient' && !counted.includes(c.portfolioId);
    countSend(indexed, { phoneNumberId: c.phoneNumberId, portfolioId: c.portfolioId, newRecipient });
    if (newRecipient) usage.countedIn.set(r.recipient, [...counted, c.portfolioId]);
    planned.push({
      r,
      attemptId: `${r.messageId}:${r.attempt}`,
      combination: toCombination(c),
      healthy: c.verdict === 'healthy',
    });
  }
  return planned;
}

function sentOutcome(r: ClaimedRecipient, attemptId: string, wamid: string, combination?: Combination): BatchOutcome {
  return {
    messageId: r.messageId,
    attemptId,
    queue: 'sent',
    status: 'sent',
    wamid,
    attempt: 'accepted',
    // A retried batch's sent outcome knows no combination: the key is left out (JSON drops an undefined value).
    event: { type: 'sent', data: sentEventData(attemptId, wamid, combination) },
  };
}

/** A batch send as the observer sees it: never-sent recipients (a pause) are no send at all. */
function observe(observer: DeliveryObserver, p: Planned, o: BatchOutcome): void {
  if (o.attempt === 'unsent') return;
  const failure = o.attemptError as FailureClass | undefined;
  const outcome = o.queue === 'unknown' ? 'unknown' : o.attempt === 'failed' ? (failure?.kind ?? 'error') : 'accepted';
  const { wabaId, phoneNumberId, templateName } = p.combination;
  observer.send({ kind: 'template', outcome, wabaId, phoneNumberId, templateName });
  const reason = failure && failoverReason(failure);
  if (reason) observer.failover(reason);
}

/** A refused send: what it means for the recipient (the follow-up table) as its outcome. */
function failed(p: Planned, failure: FailureClass, result: CampaignBatchResult): BatchOutcome {
  const base = {
    messageId: p.r.messageId,
    attemptId: p.attemptId,
    attempt: 'failed' as const,
    errorCode: failure.code,
    attemptError: { ...failure },
    event: { type: 'attempt_failed', data: { attemptId: p.attemptId, combination: p.combination, failure } },
  };
  const follow = campaignFollowUp(failure, p.combination);
  if (follow.action === 'requeue' || (follow.action === 'transient' && p.r.transients < IN_ROUND_TRANSIENT_RETRIES)) {
    result.requeued += 1;
    return {
      ...base,
      queue: 'queued',
      status: 'accepted',
      transient: follow.action === 'transient',
      exclude: follow.action === 'requeue' ? follow.exclude : undefined,
    };
  }
  const recorded = { ...follow.failure, kind: failure.kind };
  if (follow.action === 'fail') {
    result.failed += 1;
    return { ...base, queue: 'done', status: 'failed', failure: recorded };
  }
  result.retryLater += 1;
  return { ...base, queue: 'retry', status: 'accepted', failure: recorded, transient: follow.action === 'transient' };
}
