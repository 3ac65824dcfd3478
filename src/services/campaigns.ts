import crypto from 'node:crypto';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { startOnce } from './start-once';
import type { SignalDefinition } from '@temporalio/common';
import { inTransaction, type Pool, type PoolClient } from '../db/pool';
import type { CampaignQueueRepo } from '../db/repositories/campaign-queue';
import type { CampaignRecipientsRepo, NewRecipient } from '../db/repositories/campaign-recipients';
import type { CampaignRow, CampaignSpec, CampaignsRepo } from '../db/repositories/campaigns';
import type { TenantRow } from '../db/repositories/tenants';
import { SA } from '../domain/search-attributes';
import { readTenantSettings } from '../domain/tenant-settings';
import {
  campaignCancelSignal,
  campaignPauseSignal,
  campaignResumeSignal,
  campaignWorkflowId,
  type CampaignStatus,
  type CampaignWorkflowInput,
  type CampaignWorkflow,
} from '../../workflows/definitions';
import type { SendParameters } from '../domain/send-parameters';
import { ServiceError } from './errors';
import { type AppendResult, appendRows, appendTally, INSERT_CHUNK } from './campaign-append';

export { type AppendResult, type Rejected, appendTally, INSERT_CHUNK, MAX_REPORTED } from './campaign-append';

/**
 * A `POST /v1/campaigns` body as the service reads it, after the API edge validated it (its zod schema's output
 * must fit this, which the route's call checks at compile time).
 */
export interface CreateCampaignBody {
  name: string;
  template: string;
  language: string;
  parameters?: SendParameters;
  recipients?: readonly unknown[];
  idempotencyKey?: string;
  startAt?: string;
  start?: boolean;
  maxPerSecond?: number;
  retries?: { rounds: number; after: number };
  smartUtilityFallback?: CampaignSpec['smartUtilityFallback'];
  guard?: { maxFailureRate: number };
  prefer?: CampaignSpec['prefer'];
  routing?: CampaignSpec['routing'];
}

/** One recipient as the API edge validated it, or the first reason it is not one. */
export type ParsedRecipient =
  | { success: true; data: NewRecipient }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

export interface CampaignServiceDeps {
  /** The API edge's validation of one inline recipient (a bad one is reported, never fatal). */
  parseRecipient: (item: unknown) => ParsedRecipient;
  pool: Pool;
  campaigns: CampaignsRepo;
  recipients: CampaignRecipientsRepo;
  queue: CampaignQueueRepo;
  temporal: Client;
  taskQueue: string;
}

/** Campaigns that are (or are about to be) sending: what pause acts on, and whose progress changes by the second. */
export const RUNNING: readonly CampaignStatus[] = ['scheduled', 'running', 'waiting_for_capacity', 'retrying'];
const OPEN: readonly CampaignStatus[] = ['draft', 'paused', ...RUNNING];

function specOf(body: CreateCampaignBody): CampaignSpec {
  return {
    parameters: body.parameters,
    prefer: body.prefer,
    routing: body.routing,
    retries: { rounds: body.retries?.rounds ?? 0, afterMs: body.retries?.after ?? 6 * 3_600_000 },
    smartUtilityFallback: body.smartUtilityFallback,
    guard: body.guard,
    maxPerSecond: body.maxPerSecond,
    startAt: body.startAt,
  };
}

/** The campaign lifecycle behind the API: create (idempotent), append, start, pause, resume, cancel. */
export function createCampaignService(deps: CampaignServiceDeps) {
  const insertRecipients = (
    db: Pool | PoolClient,
    c: CampaignRow,
    rows: readonly { line: number; recipient: NewRecipient }[],
    tally: ReturnType<typeof appendTally>,
  ) => appendRows(deps, db, c, rows, tally);

  /** Validates JSON recipients one by one: a bad one is reported with its index, never fatal. */
  function validateJson(list: readonly unknown[], tally: ReturnType<typeof appendTally>) {
    const valid: { line: number; recipient: NewRecipient }[] = [];
    list.forEach((item, line) => {
      const parsed = deps.parseRecipient(item);
      if (parsed.success) valid.push({ line, recipient: parsed.data });
      else {
        for (const issue of parsed.error.issues) {
          tally.reject({ line, field: issue.path.map(String).join('.') || 'recipient', message: issue.message });
          break; // one reason per row is enough to fix it
        }
      }
    });
    return valid;
  }

  async function startWorkflow(tenant: TenantRow, c: CampaignRow): Promise<void> {
    const t = readTenantSettings(tenant.settings).campaigns;
    const input: CampaignWorkflowInput = {
      tenantId: tenant.id,
      campaignId: c.id,
      templateKey: c.templateKey,
      startAt: c.spec.startAt,
      maxPerSecond: c.spec.maxPerSecond,
      retries: c.spec.retries,
      tuning: {
        batchSize: t.batchSize,
        window: t.window,
        unknownAfterMs: t.unknownAfter,
        statusTimeoutMs: t.statusTimeout,
        settlePollMs: t.settlePoll,
        deferBackoffMs: t.deferBackoff,
        capacityRecheckMs: t.capacityRecheck,
        maxHistoryEvents: t.maxHistoryEvents,
      },
    };
    await startOnce<CampaignWorkflow>(deps.temporal, 'campaign', {
      workflowId: c.workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      typedSearchAttributes: [
        { key: SA.tenant, value: tenant.id },
        { key: SA.campaign, value: c.id },
        { key: SA.templateGroup, value: c.templateKey },
        { key: SA.status, value: 'running' },
      ],
      staticSummary: `campaign "${c.name}" (${c.templateKey})`,
    });
  }

  async function signal(c: CampaignRow, sig: SignalDefinition<[], string>): Promise<boolean> {
    try {
      await deps.temporal.workflow.getHandle(c.workflowId).signal(sig);
      return true;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  async function get(tenantId: string, id: string): Promise<CampaignRow> {
    const c = await deps.campaigns.get(tenantId, id);
    if (!c) throw new ServiceError('not_found', 'campaign not found');
    return c;
  }

  const service = {
    get,

    /** Idempotent by key: the same key returns the same campaign and adds no recipient twice. */
    async create(tenant: TenantRow, body: CreateCampaignBody) {
      const { idempotencyKey, ...rest } = body;
      const requestHash = crypto.createHash('sha256').update(JSON.stringify(rest)).digest('hex');
      const id = crypto.randomUUID();
      const tally = appendTally();
      const valid = validateJson(body.recipients ?? [], tally);
      const { campaign, created } = await inTransaction(deps.pool, async (db) => {
        const stored = await deps.campaigns.createOrGet(db, {
          id,
          tenantId: tenant.id,
          idempotencyKey,
          requestHash,
          name: body.name,
          templateKey: body.template,
          language: body.language,
          spec: specOf(body),
          workflowId: campaignWorkflowId(tenant.id, id),
        });
        if (stored.created) {
          for (let i = 0; i < valid.length; i += INSERT_CHUNK) {
            await insertRecipients(db, stored.campaign, valid.slice(i, i + INSERT_CHUNK), tally);
          }
        }
        return stored;
      });
      if (!created && campaign.requestHash !== requestHash) {
        throw new ServiceError('idempotency_conflict', 'this idempotencyKey was used with a different request');
      }
      // Also on a repeat: the first call may have stopped between the insert and the start. A repeat of a campaign
      // that has moved on since (paused, completed, cancelled) returns it as it is.
      const startable = created || campaign.status === 'draft' || RUNNING.includes(campaign.status);
      const start = (body.start ?? body.recipients !== undefined) && startable;
      const current = start ? await service.start(tenant, campaign.id) : campaign;
      return { campaign: current, created, ...(created ? tally.result : {}) };
    },

    async append(tenant: TenantRow, id: string, list: readonly unknown[]): Promise<AppendResult> {
      const c = await service.openCampaign(tenant.id, id);
      const tally = appendTally();
      const valid = validateJson(list, tally);
      for (let i = 0; i < valid.length; i += INSERT_CHUNK) {
        await insertRecipients(deps.pool, c, valid.slice(i, i + INSERT_CHUNK), tally);
      }
      return tally.result;
    },

    /** A campaign that may still take recipients (not completed or cancelled). */
    async openCampaign(tenantId: string, id: string): Promise<CampaignRow> {
      const c = await get(tenantId, id);
      if (!OPEN.includes(c.status)) throw new ServiceError('campaign_closed', `campaign is ${c.status}`);
      return c;
    },

    /** Idempotent: starting a running campaign changes nothing (its workflow id is fixed). */
    async start(tenant: TenantRow, id: string): Promise<CampaignRow> {
      const c = await get(tenant.id, id);
      const status: CampaignStatus =
        c.spec.startAt && Date.parse(c.spec.startAt) > Date.now() ? 'scheduled' : 'running';
      const started = await deps.campaigns.command(tenant.id, id, { control: 'run', status, from: ['draft'] });
      if (!started && !RUNNING.includes(c.status)) throw new ServiceError('not_startable', `campaign is ${c.status}`);
      await startWorkflow(tenant, started ?? c);
      return started ?? c;
    },

    /** Acknowledged once the row says paused: batches read it before their next send. */
    async pause(tenant: TenantRow, id: string): Promise<CampaignRow> {
      const c = await deps.campaigns.command(tenant.id, id, { control: 'pause', status: 'paused', from: RUNNING });
      if (!c) throw new ServiceError('not_running', `campaign is ${(await get(tenant.id, id)).status}`);
      await signal(c, campaignPauseSignal);
      return c;
    },

    async resume(tenant: TenantRow, id: string): Promise<CampaignRow> {
      const c = await deps.campaigns.command(tenant.id, id, { control: 'run', status: 'running', from: ['paused'] });
      if (!c) throw new ServiceError('not_paused', `campaign is ${(await get(tenant.id, id)).status}`);
      await signal(c, campaignResumeSignal);
      return c;
    },

    async cancel(tenant: TenantRow, id: string): Promise<CampaignRow> {
      const c = await deps.campaigns.command(tenant.id, id, { control: 'cancel', status: 'cancelled', from: OPEN });
      if (!c) throw new ServiceError('already_final', `campaign is ${(await get(tenant.id, id)).status}`);
      // A draft has no workflow: its recipients are cancelled here.
      if (!(await signal(c, campaignCancelSignal))) await deps.queue.cancelRest(tenant.id, id);
      return c;
    },
  };
  return service;
}

export type CampaignService = ReturnType<typeof createCampaignService>;
