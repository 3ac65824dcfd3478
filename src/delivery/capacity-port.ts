/**
 * The capacity port of the send step (docs/capacity.md): what one attempt reserves before it leaves, and what a
 * refusal says. The delivery core declares it; src/services/capacity-limiter.ts implements it over PostgreSQL.
 */
export interface CapacityRequest {
  tenantId: string;
  phoneNumberId: string;
  waId: string;
  /** The number's nominal messages per second (tiers.ts). */
  throughputPerSecond: number;
  /** The portfolio whose messaging limit the send spends; absent for session messages (no limit cost). */
  portfolio?: { id: string; limit: number };
}

export interface Reservation {
  readonly request: CapacityRequest;
  /** When the send's slot began (ms since the epoch); `reserve` has waited for it. */
  readonly leaveAt: number;
  readonly intervalMs: number;
  /** Set when this reservation counted the recipient in the portfolio's window. */
  readonly countedAt: number | null;
}

export type Refusal = { refused: 'messaging_limit' | 'pair_rate' | 'throughput'; retryAfterMs: number };
/** `reserve` resolves when the send may leave: it has waited for the slot (at most `MAX_THROUGHPUT_WAIT_MS`). */
export type ReserveResult = { ok: true; reservation: Reservation } | ({ ok: false } & Refusal);

export interface CapacityPort {
  reserve(r: CapacityRequest): Promise<ReserveResult>;
  release(reservation: Reservation, opts: { left: boolean }): Promise<void>;
}

/**
 * Reserving a chunk of sends together (the campaign batch): one round of statements per portfolio and number
 * instead of three writes per send. A granted reservation has a slot time but has not waited for it: `leave`
 * waits (taking a new slot if the old one was missed) right before the send; `release` gives it back as usual.
 */
export interface ChunkCapacityPort {
  reserveMany(requests: readonly CapacityRequest[]): Promise<ReserveResult[]>;
  leave(reservation: Reservation): Promise<ReserveResult>;
}
