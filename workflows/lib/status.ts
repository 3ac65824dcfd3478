import type { AttemptView, StatusUpdate } from '../definitions';

const RANK: Record<StatusUpdate['status'], number> = { sent: 1, delivered: 2, read: 3, failed: 0 };

export function isSuccess(status: AttemptView['status']): boolean {
  return status === 'delivered' || status === 'read';
}

/**
 * Monotonic per-attempt folding: duplicates and older statuses return `previous` unchanged. A success beats a
 * failure whichever arrives first (the customer has the message, so no other copy may follow).
 */
export function foldAttemptStatus(previous: StatusUpdate | undefined, update: StatusUpdate): StatusUpdate {
  if (!previous) return update;
  if (update.status === 'failed') return isSuccess(previous.status) || previous.status === 'failed' ? previous : update;
  if (previous.status === 'failed') return isSuccess(update.status) ? update : previous;
  return RANK[update.status] > RANK[previous.status] ? update : previous;
}
