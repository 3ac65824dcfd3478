import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { CampaignsRepo } from '../db/repositories/campaigns';
import type { UsageRepo } from '../db/repositories/usage';
import { campaignCapacitySignal } from '../../workflows/definitions';
import { campaignPortfolios, planCapacity, type CapacityPlan } from '../domain/capacity-plan';
import type { RegistryCache } from './registry-cache';

export interface CampaignCapacityDeps {
  cache: Pick<RegistryCache, 'get'>;
  usage: Pick<UsageRepo, 'windows'>;
  /** Lifeline's clock: the capacity window rolls on it (tests move it with the simulator's). */
  now: () => number;
}

/** The part of a campaign that planning needs. */
export interface PlannedCampaign {
  tenantId: string;
  templateKey: string;
  language: string;
  maxPerSecond?: number;
  startAt?: string;
}

export interface CampaignCapacity extends CapacityPlan {
  /** When the plan was made, on Lifeline's clock. */
  at: number;
}

/**
 * What a campaign's portfolios and numbers can carry now (docs/capacity.md, "Campaigns"): read from the registry
 * (limits from the tiers Meta reports, so a tier upgrade raises the plan as soon as it is registered) and the
 * capacity tables (who is counted, and when they leave the window). Every recipient left is planned as new to
 * the window: a recipient already counted costs nothing, so the plan errs late, never early.
 */
export function createCampaignCapacity(deps: CampaignCapacityDeps) {
  return {
    async plan(c: PlannedCampaign, recipients: number): Promise<CampaignCapacity> {
      const now = deps.now();
      const [snapshot, windows] = await Promise.all([deps.cache.get(c.tenantId), deps.usage.windows(c.tenantId, now)]);
      const portfolios = campaignPortfolios(snapshot.index, { key: c.templateKey, language: c.language }, windows);
      const startAt = c.startAt ? Date.parse(c.startAt) : NaN;
      const from = startAt > now ? startAt : now;
      return { ...planCapacity(recipients, portfolios, from, c.maxPerSecond), at: now };
    },
  };
}

export type CampaignCapacityPlanner = ReturnType<typeof createCampaignCapacity>;

/**
 * A portfolio's tier changed (Meta's webhook): every campaign of the tenant waiting for capacity is told, so it
 * asks the plan again now rather than at its next recheck.
 */
export function tierChangeWake(deps: { campaigns: Pick<CampaignsRepo, 'waitingForCapacity'>; temporal: Client }) {
  return async (tenantId: string): Promise<void> => {
    for (const workflowId of await deps.campaigns.waitingForCapacity(tenantId)) {
      await deps.temporal.workflow
        .getHandle(workflowId)
        .signal(campaignCapacitySignal)
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err; // it ended meanwhile
        });
    }
  };
}
