import { type UnknownOutcome } from '../actions/schema';

export type { UnknownOutcome };

/** An unknown-outcome fault (actions/schema.ts) as the simulator keeps it. */
export interface UnknownOutcomeRule extends UnknownOutcome {
  id: string;
  /** Faults this rule has injected so far. */
  fired: number;
}

/** What the send route does with an accepted message's response: hold it, or reset the connection. */
export type AfterAccept = Pick<UnknownOutcome, 'mode' | 'responseDelayMs'>;
