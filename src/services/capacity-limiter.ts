import type { CapacityRepo } from '../db/repositories/capacity';

/**
 * Reserve before the send, release on a refused send (docs/capacity.md). Every worker reserves from the same
 * PostgreSQL rows, so N workers together never exceed a number's throughput, a pair's rate or a portfolio's
 * messaging limit — what check-then-act (read the usage at resolution, count it after the send) could not promise.
 *
 * Order: the messaging limit first (a refusal there must not hold a slot), then the pair rate, then the number's
 * throughput slot last, so the slot is taken as close to the send as possible.
 */

/**
 * Share of a number's nominal throughput reserved. Meta counts arrivals in a sliding second; a slot's send reaches
 * Meta up to `MAX_LATENESS_MS` plus the network's jitter after it, so slots are spaced wider than 1/limit: with
 * spacing T, any second of arrivals holds at most (1000 + lateness + jitter) / T + 1 sends.
 */
export const THROUGHPUT_SAFETY = 0.8;
/**
 * A send that would leave later than this after its slot (a busy event loop, a slow reservation) takes a new one.
 * With the safety share above, a second of arrivals then holds at most (1000 + 200 + jitter) / 1000 × 0.8 of the
 * limit: 0.96 of it, and still under it with 40 ms of network jitter. Tighter (100 ms), a loaded worker re-reserved
 * most of a campaign's sends, one statement each (counted in the campaign benchmark, docs/campaigns.md).
 */
export const MAX_LATENESS_MS = 200;
const SLOT_TRIES = 3;
/** Meta: about one message every 6 s from a number to one recipient, with short bursts (131056). */
export const PAIR_INTERVAL_MS = 6_000;
/** Sends a pair may burst before the 6 s spacing binds; Meta's reported allowance (~45) is far above it. */
export const PAIR_BURST = 5;
/** The longest a send waits in the activity for its throughput slot; a longer backlog is refused. */
export const MAX_THROUGHPUT_WAIT_MS = 1_000;
/** A full portfolio asks for a new resolution this soon at most: another portfolio may have room now. */
export const MAX_LIMIT_RETRY_AFTER_MS = 5_000;

export type { CapacityRequest, Refusal, Reservation, ReserveResult } from '../delivery/capacity-port';
import type { CapacityRequest, ReserveResult, Reservation } from '../delivery/capacity-port';

/** GCRA spacing of a number's slots: its nominal limit times the safety share. */
export const slotIntervalMs = (perSecond: number): number => 1000 / (perSecond * THROUGHPUT_SAFETY);

export type CapacityLimiter = ReturnType<typeof createCapacityLimiter>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createCapacityLimiter(
  repo: CapacityRepo,
  clock: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = realSleep,
) {
  const retryAfter = (at: number, now: number) => Math.max(1, Math.ceil(at - now));

  async function undoCount(r: CapacityRequest, countedAt: number | null) {
    if (r.portfolio && countedAt !== null) await repo.uncountRecipient(r.tenantId, r.portfolio.id, r.waId, countedAt);
  }

  return {
    async reserve(r: CapacityRequest): Promise<ReserveResult> {
      const now = clock();
      let countedAt: number | null = null;
      if (r.portfolio) {
        const c = await repo.countRecipient(r.tenantId, r.portfolio.id, r.waId, r.portfolio.limit, now);
        if (c.status === 'limit_reached') {
          const release = await repo.nextRelease(r.tenantId, r.portfolio.id, now);
          const retryAfterMs = Math.min(MAX_LIMIT_RETRY_AFTER_MS, retryAfter(release ?? now, now));
          return { ok: false, refused: 'messaging_limit', retryAfterMs };
        }
        if (c.status === 'counted') countedAt = c.countedAt;
      }
      const pair = await repo.reservePairSlot(r.tenantId, r.phoneNumberId, r.waId, {
        now,
        intervalMs: PAIR_INTERVAL_MS,
        toleranceMs: (PAIR_BURST - 1) * PAIR_INTERVAL_MS,
        // A pair that must wait is refused, not waited for: holding a throughput slot seconds ahead would stall
        // every other send of the number behind it.
        maxWaitMs: 0,
      });
      if (!pair.ok) {
        await undoCount(r, countedAt);
        return { ok: false, refused: 'pair_rate', retryAfterMs: retryAfter(pair.nextAt, now) };
      }
      const intervalMs = slotIntervalMs(r.throughputPerSecond);
      const giveBack = async () => {
        await repo.releasePairSlot(r.tenantId, r.phoneNumberId, r.waId, PAIR_INTERVAL_MS, clock());
        await undoCount(r, countedAt);
      };
      for (let attempt = 1; attempt <= SLOT_TRIES; attempt++) {
        const at = clock();
        const slot = await repo.reservePhoneSlot(r.tenantId, r.phoneNumberId, r.throughputPerSecond, {
          now: at,
          intervalMs,
          toleranceMs: 0,
          maxWaitMs: MAX_THROUGHPUT_WAIT_MS,
        });
        if (!slot.ok) {
          await giveBack();
          return { ok: false, refused: 'throughput', retryAfterMs: retryAfter(slot.nextAt, at) };
        }
        const wait = slot.at - clock();
        if (wait > 0) await sleep(wait);
        if (clock() - slot.at <= MAX_LATENESS_MS) {
          return { ok: true, reservation: { request: r, leaveAt: slot.at, intervalMs, countedAt } };
        }
        // Too late: sending now would crowd the slots after it. The missed slot stays spent; take another.
      }
      await giveBack();
      return { ok: false, refused: 'throughput', retryAfterMs: Math.ceil(intervalMs) };
    },

    /**
     * Gives back what a refused send did not use. Meta counts a request it answered against the number's
     * throughput, so the slot is returned only when the send never left (`left: false`); the pair slot and the
     * recipient's count go back either way. An unknown outcome (timeout) is not a refusal: release nothing.
     */
    async release(reservation: Reservation, opts: { left: boolean }): Promise<void> {
      const r = reservation.request;
      const now = clock();
      if (!opts.left) await repo.releasePhoneSlot(r.tenantId, r.phoneNumberId, reservation.intervalMs, now);
      await repo.releasePairSlot(r.tenantId, r.phoneNumberId, r.waId, PAIR_INTERVAL_MS, now);
      await undoCount(r, reservation.countedAt);
    },
  };
}
