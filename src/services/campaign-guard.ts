import type { CampaignGuardRepo } from '../db/repositories/campaign-guard';
import { GUARD_WINDOW, guardVerdict } from '../domain/capacity-plan';
import type { FailureKind } from '../domain/failure';

/** docs/capacity.md, "Quality guard": 25 % of the last 500 sends, unless the campaign says otherwise. */
export const DEFAULT_MAX_FAILURE_RATE = 0.25;
/** Failures a list causes: the recipient is not on WhatsApp, blocked the business, stopped marketing… */
const LIST_FAILURE_KINDS: readonly FailureKind[] = ['recipient'];
/** One look per campaign and process this often at most: batches of one campaign share it. */
const CHECK_EVERY_MS = 250;

export interface GuardedCampaign {
  tenantId: string;
  id: string;
  spec: { guard?: { maxFailureRate: number } };
}

export interface CampaignGuardDeps {
  repo: CampaignGuardRepo;
  /** Tells the campaign's workflow it is paused (the row already says so): a Temporal signal. */
  pauseWorkflow: (workflowId: string) => Promise<void>;
  now?: () => number;
}

/**
 * The campaign quality guard (docs/capacity.md): when the campaign's own failure-or-block rate over its last 500
 * sends reaches `guard.maxFailureRate`, it pauses itself with the reason, so a bad list cannot get the WABA
 * flagged. Called by the batches between chunks; a look reads at most 500 attempt rows.
 */
export function createCampaignGuard(deps: CampaignGuardDeps) {
  const now = deps.now ?? Date.now;
  const lastLook = new Map<string, number>();
  return {
    /** Returns the reason when this look paused the campaign. */
    async check(c: GuardedCampaign): Promise<string | undefined> {
      const at = now();
      if (at - (lastLook.get(c.id) ?? Number.NEGATIVE_INFINITY) < CHECK_EVERY_MS) return undefined;
      lastLook.set(c.id, at);
      const max = c.spec.guard?.maxFailureRate ?? DEFAULT_MAX_FAILURE_RATE;
      if (max >= 1) return undefined; // never reached: the guard is off
      const sends = await deps.repo.lastSends(c.tenantId, c.id, LIST_FAILURE_KINDS, GUARD_WINDOW);
      const verdict = guardVerdict(sends.reverse(), max);
      if (verdict.verdict === 'continue') return undefined;
      const reason = `quality guard: ${verdict.reason}`;
      const workflowId = await deps.repo.pause(c.tenantId, c.id, reason);
      if (!workflowId) return undefined;
      await deps.pauseWorkflow(workflowId);
      return reason;
    },
  };
}

export type CampaignGuard = ReturnType<typeof createCampaignGuard>;
