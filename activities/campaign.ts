import { Context } from '@temporalio/activity';
import { readTenantSettings } from '../src/domain/tenant-settings';
import type { CampaignCapacityPlanner } from '../src/services/campaign-capacity';
import { buildDeliveryInput, startDeliveryWorkflow } from '../src/services/messages';
import type { CampaignQueueCounts, CampaignStatus } from '../workflows/campaign-definitions';
import { cancelSignal } from '../workflows/definitions';
import { createCampaignBatch, type CampaignBatchDeps } from './campaign-batch';

export type CampaignActivityDeps = CampaignBatchDeps & {
  /** What the campaign's portfolios can carry (docs/capacity.md, "Campaigns"). */
  planner: CampaignCapacityPlanner;
};

/** The capacity plan as the waiting workflow reads it. */
export interface CampaignCapacityCheck {
  /** Queued recipients the portfolios can take now. */
  sendableNow: number;
  /** When capacity comes back, from now on Lifeline's clock (null: nothing is counted that could leave). */
  resumeInMs: number | null;
  /** Why the campaign waits, for its view. */
  reason: string;
}

interface CampaignRef {
  tenantId: string;
  campaignId: string;
}

/** Workflows started at once while promoting (each start is one round trip to Temporal). */
const PROMOTE_CONCURRENCY = 16;
const PROMOTE_PAGE = 200;

/** The campaign workflow's activities (docs/campaigns.md): its queue, its status, its follow-ups. */
export function createCampaignActivities(deps: CampaignActivityDeps) {
  return {
    sendCampaignBatch: createCampaignBatch(deps),

    /** The seq range of the next page of queued recipients after the cursor, or null when none is left. */
    async campaignNextPage(input: CampaignRef & { afterSeq: number; limit: number }) {
      return (await deps.queue.nextPage(input.tenantId, input.campaignId, input.afterSeq, input.limit)) ?? null;
    },

    /** Whether the campaign's queued recipients fit its portfolios' daily limits now, and if not, until when. */
    async campaignCapacity(input: CampaignRef): Promise<CampaignCapacityCheck> {
      const [campaign, counts] = await Promise.all([
        deps.campaigns.get(input.tenantId, input.campaignId),
        deps.queue.counts(input.tenantId, input.campaignId),
      ]);
      if (!campaign) return { sendableNow: 0, resumeInMs: null, reason: 'campaign not found' };
      const plan = await deps.planner.plan(
        { tenantId: input.tenantId, templateKey: campaign.templateKey, language: campaign.language },
        counts.queued,
      );
      const resumeInMs = plan.resumeAt === null ? null : Math.max(0, plan.resumeAt - plan.at);
      const when = plan.resumeAt === null ? 'when a portfolio’s tier is raised' : new Date(plan.resumeAt).toISOString();
      return {
        sendableNow: plan.sendableNow,
        resumeInMs,
        reason: `every portfolio is at its daily limit of unique recipients; capacity returns ${plan.resumeAt === null ? when : `at ${when}`}`,
      };
    },

    /** Closes unknown and overdue sends, then counts what is left in each queue state. */
    async campaignSettle(
      input: CampaignRef & { unknownAfterMs: number; statusTimeoutMs: number },
    ): Promise<CampaignQueueCounts> {
      await deps.queue.settle(input.tenantId, input.campaignId, input.unknownAfterMs, input.statusTimeoutMs);
      return deps.queue.counts(input.tenantId, input.campaignId);
    },

    /** The campaign's status as the workflow sees it (a pause or cancel the API acknowledged wins). */
    async campaignSetStatus(input: CampaignRef & { status: CampaignStatus; reason?: string }): Promise<void> {
      await deps.campaigns.setStatus(input.tenantId, input.campaignId, input.status, input.reason);
    },

    /** The next retry round: everyone waiting for it is queued again. */
    async campaignStartRound(input: CampaignRef & { round: number }): Promise<number> {
      await deps.campaigns.setRound(input.tenantId, input.campaignId, input.round);
      return deps.queue.startRound(input.tenantId, input.campaignId, input.round);
    },

    /**
     * After the last round: recipients that failed with a code Smart Utility Fallback recovers get their own
     * messageDelivery workflow (idempotent by the message's workflow id), carrying their attempts so far; the
     * rest have failed for good.
     */
    async campaignPromote(input: CampaignRef): Promise<{ promoted: number; failed: number }> {
      const [campaign, tenant] = await Promise.all([
        deps.campaigns.get(input.tenantId, input.campaignId),
        deps.tenants.get(input.tenantId),
      ]);
      if (!campaign || !tenant) return { promoted: 0, failed: 0 };
      const settings = readTenantSettings(tenant.settings).smartUtilityFallback;
      const suf = { ...settings, ...campaign.spec.smartUtilityFallback };
      let promoted = 0;
      const ctx = Context.current();
      while (suf.enabled) {
        const page = await deps.queue.promotable(
          input.tenantId,
          input.campaignId,
          settings.recoverableCodes,
          PROMOTE_PAGE,
        );
        if (page.length === 0) break;
        for (let i = 0; i < page.length; i += PROMOTE_CONCURRENCY) {
          await Promise.all(
            page.slice(i, i + PROMOTE_CONCURRENCY).map((r) => {
              const delivery = buildDeliveryInput(tenant, r.messageId, {
                to: r.recipient,
                template: campaign.templateKey,
                language: campaign.language,
                parameters: { ...campaign.spec.parameters, ...r.parameters },
                campaignId: campaign.id,
                prefer: campaign.spec.prefer,
                routing: campaign.spec.routing,
                smartUtilityFallback: campaign.spec.smartUtilityFallback,
              });
              const failure = { kind: 'marketing_limit' as const, code: r.failure.code, reason: r.failure.reason };
              const combination = {
                wabaId: r.wabaId,
                phoneNumberId: r.phoneNumberId,
                templateId: r.templateId,
                templateName: r.templateName,
                language: r.language,
              };
              return startDeliveryWorkflow(ctx.client, ctx.info.taskQueue, r.workflowId, {
                ...delivery,
                promoted: { attempts: r.attempts, failure, combination },
              });
            }),
          );
        }
        // Only once their workflows exist: from now on the webhook processor signals them instead of folding.
        await deps.queue.markPromoted(page.map((r) => r.messageId));
        promoted += page.length;
        ctx.heartbeat({ promoted });
      }
      return { promoted, failed: await deps.queue.failRetries(input.tenantId, input.campaignId) };
    },

    /** Cancel: the unsent rest ends `cancelled`; promoted messages still in flight are cancelled too. */
    async campaignCancelRest(input: CampaignRef): Promise<{ cancelled: number }> {
      const { cancelled, promotedWorkflows } = await deps.queue.cancelRest(input.tenantId, input.campaignId);
      const client = Context.current().client;
      for (const workflowId of promotedWorkflows) {
        await client.workflow
          .getHandle(workflowId)
          .signal(cancelSignal, { reason: 'campaign cancelled' })
          .catch(() => undefined); // already finished
      }
      return { cancelled };
    },
  };
}
