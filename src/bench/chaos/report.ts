import { isDelivered } from '../../domain/status';
/**
 * The chaos run's verdict, from the simulator's record of what each customer received (pure, so it is tested):
 * every message goes to its own recipient, so a recipient's inbox is exactly what that message delivered.
 */
export interface ChaosMessage {
  id: string;
  recipient: string;
  /** The message's final status in Lifeline's read model. */
  status: string;
}

export interface ChaosCounts {
  messages: number;
  /** Never reached the customer (nothing was supposed to stop it). */
  lost: number;
  /** Reached the customer more than once. */
  receivedTwice: number;
  /** The final status disagrees with what the customer got (delivered/read ⇔ received). */
  misreported: number;
  /** Not in a final status when the run ended. */
  unsettled: number;
  byStatus: Record<string, number>;
}

const FINAL = new Set(['delivered', 'read', 'failed', 'cancelled', 'expired', 'declined']);

export function chaosCounts(messages: readonly ChaosMessage[], received: (recipient: string) => number): ChaosCounts {
  const counts: ChaosCounts = {
    messages: messages.length,
    lost: 0,
    receivedTwice: 0,
    misreported: 0,
    unsettled: 0,
    byStatus: {},
  };
  for (const m of messages) {
    const got = received(m.recipient);
    counts.byStatus[m.status] = (counts.byStatus[m.status] ?? 0) + 1;
    if (got === 0) counts.lost += 1;
    if (got > 1) counts.receivedTwice += 1;
    if (!FINAL.has(m.status)) counts.unsettled += 1;
    else if (isDelivered(m.status) !== got > 0) counts.misreported += 1;
  }
  return counts;
}
