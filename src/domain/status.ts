/**
 * Monotonic delivery-status folding. Status webhooks arrive out of order, twice, or skip `delivered`; a send
 * attempt (one wamid) never moves backwards, and a message whose earlier attempt turns out delivered is
 * delivered, so the workflow never sends another copy. Pure (workflow code imports it).
 */

/** Status of one send attempt: `accepted` is the send response; the others come from status webhooks. */
export type AttemptStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';

/**
 * Fold order: accepted < sent < failed < delivered < read. `failed` ends the attempt, so a late `sent` cannot
 * undo it; a success outranks `failed` because Meta never sends both, and if it ever does, the device has the
 * message: resending would duplicate it. A total order makes folding commutative, associative and idempotent.
 */
const RANK: Readonly<Record<AttemptStatus, number>> = { accepted: 0, sent: 1, failed: 2, delivered: 3, read: 4 };

/** The fold order as a list, lowest first: the ledger applies the same order in SQL. */
export const ATTEMPT_STATUS_ORDER: readonly AttemptStatus[] = (Object.keys(RANK) as AttemptStatus[]).sort(
  (a, b) => RANK[a] - RANK[b],
);

/** An attempt's status as a driver tracks it: `sending` until Meta answers the send, then Meta's statuses. */
export type TrackedAttemptStatus = 'sending' | AttemptStatus;

/** The statuses that mean the customer has the message: delivered, or read (which implies delivered). */
export const DELIVERED_STATUSES = ['delivered', 'read'] as const;

/** True once the customer has the message (`DELIVERED_STATUSES`). */
export function isDelivered(s: string | undefined): s is (typeof DELIVERED_STATUSES)[number] {
  return (DELIVERED_STATUSES as readonly (string | undefined)[]).includes(s);
}

/** `isDelivered` in SQL, for a status column or expression. */
export const deliveredSql = (column: string): string =>
  `${column} IN (${DELIVERED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/** True once an attempt's status can no longer change what the message does next: delivered, read or failed. */
export function isFinalAttemptStatus(s: TrackedAttemptStatus | undefined): boolean {
  return isDelivered(s) || s === 'failed';
}

export type StatusAnomaly = 'success_after_failure' | 'failure_after_success';

export interface FoldResult {
  readonly next: AttemptStatus;
  /** False when the incoming status is a duplicate or older than what is known. */
  readonly changed: boolean;
  /** A `failed` and a `delivered`/`read` for the same wamid, in either order: record it, keep the success. */
  readonly anomaly?: StatusAnomaly;
}

/** Folds one incoming status into an attempt's current status (undefined = nothing known yet). */
export function foldStatus(current: AttemptStatus | undefined, incoming: AttemptStatus): FoldResult {
  const next = current === undefined || RANK[incoming] > RANK[current] ? incoming : current;
  const changed = next !== current;
  if (current === 'failed' && isDelivered(incoming)) return { next, changed, anomaly: 'success_after_failure' };
  if (isDelivered(current) && incoming === 'failed') return { next, changed, anomaly: 'failure_after_success' };
  return { next, changed };
}

/** A webhook `status` as an attempt status; `played` (voice) counts as read; `warning`, `deleted`, … are ignored. */
export function toAttemptStatus(raw: string): AttemptStatus | undefined {
  switch (raw) {
    case 'accepted':
    case 'sent':
    case 'delivered':
    case 'read':
    case 'failed':
      return raw;
    case 'played':
      return 'read';
    default:
      return undefined;
  }
}

/** One send of the message's content, in send order. */
export interface AttemptRecord {
  readonly wamid: string;
  readonly status?: AttemptStatus;
}

export type MessageOutcome =
  | { readonly kind: 'not_sent' }
  | {
      readonly kind: 'delivered';
      /** The best status any copy reached. */
      readonly status: 'delivered' | 'read';
      /** The first attempt (in send order) that succeeded. */
      readonly attemptIndex: number;
      readonly wamid: string;
      /** True when a later attempt exists: an earlier attempt turned out delivered; stop sending. */
      readonly late: boolean;
      /** Other attempts that also succeeded: the customer got more than one copy. */
      readonly duplicates: readonly number[];
    }
  | {
      readonly kind: 'pending';
      readonly status: 'accepted' | 'sent' | undefined;
      /** Attempts with no final status yet: any of them may still deliver. */
      readonly pending: readonly number[];
    }
  | { readonly kind: 'failed'; readonly lastAttemptIndex: number; readonly wamid: string };

/** The message-level outcome over all attempts: any success wins, then anything still in flight, else failed. */
export function messageOutcome(attempts: readonly AttemptRecord[]): MessageOutcome {
  if (attempts.length === 0) return { kind: 'not_sent' };
  const succeeded = attempts.flatMap((a, i) => (isDelivered(a.status) ? [i] : []));
  const first = succeeded[0];
  if (first !== undefined) {
    const status = succeeded.some((i) => attempts[i]?.status === 'read') ? 'read' : 'delivered';
    return {
      kind: 'delivered',
      status,
      attemptIndex: first,
      wamid: attempts[first]?.wamid ?? '',
      late: first < attempts.length - 1,
      duplicates: succeeded.slice(1),
    };
  }
  const pending = attempts.flatMap((a, i) => (a.status === 'failed' ? [] : [i]));
  if (pending.length > 0) {
    const status = pending.some((i) => attempts[i]?.status === 'sent')
      ? 'sent'
      : pending.some((i) => attempts[i]?.status === 'accepted')
        ? 'accepted'
        : undefined;
    return { kind: 'pending', status, pending };
  }
  const last = attempts.length - 1;
  return { kind: 'failed', lastAttemptIndex: last, wamid: attempts[last]?.wamid ?? '' };
}

export interface AttemptsFoldResult extends Partial<FoldResult> {
  readonly attempts: readonly AttemptRecord[];
  readonly changed: boolean;
  /** False when the wamid belongs to none of the attempts (route it elsewhere or drop it). */
  readonly known: boolean;
}

/** Applies a status webhook for `wamid` to the attempt it belongs to; returns new records (no mutation). */
export function foldAttemptStatus(
  attempts: readonly AttemptRecord[],
  wamid: string,
  incoming: AttemptStatus,
): AttemptsFoldResult {
  const index = attempts.findIndex((a) => a.wamid === wamid);
  const attempt = attempts[index];
  if (attempt === undefined) return { attempts, changed: false, known: false };
  const folded = foldStatus(attempt.status, incoming);
  const updated = folded.changed ? attempts.map((a, i) => (i === index ? { ...a, status: folded.next } : a)) : attempts;
  return { ...folded, attempts: updated, known: true };
}
