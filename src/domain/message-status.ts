/**
 * Monotonic folding of a message's status (docs/delivery-guarantees.md), the message-level twin of the attempt
 * fold in status.ts. Two writers race on a message's row: its workflow (every phase) and the webhook processor (a
 * delivery reported after the workflow stopped waiting). Pure: the repository applies the same ranks in SQL.
 *
 * - In-flight statuses (rank 0) move freely among themselves: only the workflow writes them, in its own order, and
 *   a failover legitimately goes from `sent` back to `sending` or `resolving`.
 * - A final status never moves back to in flight, and the first unsuccessful ending (failed, cancelled, expired,
 *   declined) is kept.
 * - A success beats every other ending and `read` beats `delivered`, as in the attempt fold: if the customer has
 *   the message, that is what its record says — also after a STOP or a cancellation that came too late to stop it.
 */
export const MESSAGE_STATUS_RANK = {
  accepted: 0,
  resolving: 0,
  sending: 0,
  sent: 0,
  awaiting_consent: 0,
  failed: 1,
  cancelled: 1,
  expired: 1,
  declined: 1,
  delivered: 2,
  read: 3,
} as const;

export type FoldedMessageStatus = keyof typeof MESSAGE_STATUS_RANK;

/**
 * The statuses a message's record reports, in the order reports list them: the campaign counts (docs/campaigns.md)
 * and the console's campaign funnel. `resolving` is left out: it is the workflow's moment before `sending`.
 */
export const MESSAGE_STATUSES = [
  'accepted',
  'sending',
  'sent',
  'delivered',
  'read',
  'failed',
  'awaiting_consent',
  'declined',
  'expired',
  'cancelled',
] as const satisfies readonly FoldedMessageStatus[];

/**
 * The statuses a message ends in (rank above 0 in MESSAGE_STATUS_RANK): its workflow no longer listens, and a
 * report counts it as finished. The lifecycle's wire names re-export it (workflows/definitions.ts).
 */
export const TERMINAL_STATUSES: readonly (typeof MESSAGE_STATUSES)[number][] = MESSAGE_STATUSES.filter(
  (s) => MESSAGE_STATUS_RANK[s] > 0,
);

/**
 * Statuses during which the workflow is still working on the message and owns its status: a delivery reported by
 * webhook then is news for the workflow (a signal), not an ending of the message (`sent` is not among them: the
 * workflow may have stopped waiting, so a late delivery ends the message).
 */
export const IN_FLIGHT_STATUSES: readonly FoldedMessageStatus[] = [
  'accepted',
  'resolving',
  'sending',
  'awaiting_consent',
];

const rankOf = (s: string): number => MESSAGE_STATUS_RANK[s as FoldedMessageStatus] ?? 0;

/** True when `incoming` may replace `current` (the rule the SQL below applies too). */
export function messageStatusMovesForward(current: string, incoming: string): boolean {
  const from = rankOf(current);
  const to = rankOf(incoming);
  return to > from || (to === 0 && from === 0);
}

/**
 * The same rule as a SQL boolean over a row's `status` column, given the ranks as a jsonb parameter
 * (`MESSAGE_STATUS_RANK`) and the incoming status as a text parameter.
 */
export function messageStatusForwardSql(column: string, ranksParam: string, incomingParam: string): string {
  const from = `COALESCE((${ranksParam}::jsonb ->> ${column})::int, 0)`;
  const to = `COALESCE((${ranksParam}::jsonb ->> ${incomingParam}::text)::int, 0)`;
  return `(${to} > ${from} OR (${to} = 0 AND ${from} = 0))`;
}
