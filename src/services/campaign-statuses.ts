import type { CampaignStatusesRepo, CampaignStatusRow } from '../db/repositories/campaign-statuses';
import { campaignFollowUp, IN_ROUND_TRANSIENT_RETRIES } from '../delivery/campaign-follow-up';
import type { FailureClass, StatusUpdate } from '../../workflows/definitions';

/** One status webhook for a message, as the status handler routed it (docs/campaigns.md, "Status hook"). */
export interface RoutedStatus {
  messageId: string;
  attemptId: string;
  wamid: string;
  status: StatusUpdate['status'];
  /** Classified once by the status handler (failed statuses only). */
  failure?: FailureClass;
}

const RANK = { sent: 0, failed: 1, delivered: 2, read: 3 } as const;
const attemptNo = (attemptId: string) => Number(attemptId.slice(attemptId.lastIndexOf(':') + 1)) || 0;

/** Of two statuses for one message: any success wins, else the later attempt, else the further status. */
function better(a: RoutedStatus, b: RoutedStatus): RoutedStatus {
  const success = (s: RoutedStatus) => s.status === 'delivered' || s.status === 'read';
  if (success(a) !== success(b)) return success(a) ? a : b;
  if (!success(a) && attemptNo(a.attemptId) !== attemptNo(b.attemptId)) {
    return attemptNo(a.attemptId) > attemptNo(b.attemptId) ? a : b;
  }
  return RANK[b.status] > RANK[a.status] ? b : a;
}

type Target = { wabaId: string; phoneNumberId: string; templateId: string };

function toRow(s: RoutedStatus, target: Target | undefined): CampaignStatusRow {
  const row: CampaignStatusRow = { messageId: s.messageId, attemptId: s.attemptId, wamid: s.wamid, status: s.status };
  if (s.status !== 'failed' || !target) return row;
  const failure = s.failure ?? { kind: 'transient', reason: 'failed without a reason' };
  const follow = campaignFollowUp(failure, target);
  switch (follow.action) {
    case 'requeue':
      return { ...row, next: 'queued', exclude: follow.exclude };
    case 'transient':
      return { ...row, next: 'transient', failure: { ...follow.failure, kind: failure.kind } };
    case 'retry_later':
      return { ...row, next: 'retry', failure: { ...follow.failure, kind: failure.kind } };
    case 'fail':
      return { ...row, next: 'done', failure: { ...follow.failure, kind: failure.kind } };
  }
}

export type CampaignStatuses = ReturnType<typeof createCampaignStatuses>;

/**
 * The status path's hook for campaign recipients: statuses are folded into their rows in batches (no workflow
 * signal per message). `applyCampaignStatuses(rows)` returns the ids of the messages a campaign drives; the
 * caller signals workflows only for the others.
 */
export function createCampaignStatuses(repo: CampaignStatusesRepo) {
  return {
    async applyCampaignStatuses(rows: readonly RoutedStatus[]): Promise<Set<string>> {
      const byMessage = new Map<string, RoutedStatus>();
      for (const r of rows) {
        const prev = byMessage.get(r.messageId);
        byMessage.set(r.messageId, prev ? better(prev, r) : r);
      }
      const folded = [...byMessage.values()];
      const failed = folded.filter((r) => r.status === 'failed').map((r) => r.attemptId);
      const targets = failed.length ? await repo.attemptTargets(failed) : new Map<string, Target>();
      return repo.apply(
        folded.map((r) => toRow(r, targets.get(r.attemptId))),
        IN_ROUND_TRANSIENT_RETRIES,
      );
    },
  };
}
