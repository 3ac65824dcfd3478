import type { CapacityBatchRepo } from '../db/repositories/capacity-batch';
import type { CapacityRepo } from '../db/repositories/capacity';
import type { CapacityRequest, ReserveResult, Reservation } from '../delivery/capacity-port';
import {
  MAX_LATENESS_MS,
  MAX_LIMIT_RETRY_AFTER_MS,
  MAX_THROUGHPUT_WAIT_MS,
  PAIR_BURST,
  PAIR_INTERVAL_MS,
  slotIntervalMs,
} from './capacity-limiter';

/**
 * Reserving a chunk of sends at once (docs/capacity.md, "Reserving a chunk"): the campaign batch's path. The same
 * limits, rows and order as the single reservation — the messaging limit first, then the pair rate, then the
 * number's throughput slots — but one round of statements per portfolio and number instead of three writes per
 * send, so a chunk of 50 costs a handful of statements on the shared rows rather than 150.
 *
 * A chunked reservation has a slot time but has not waited for it: `leave` waits, and a send that misses its slot
 * by more than `MAX_LATENESS_MS` (a slow check before it) takes a new one rather than crowd the slots after it.
 */
export function createChunkReserver(
  repo: CapacityRepo,
  batch: CapacityBatchRepo,
  clock: () => number = Date.now,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
) {
  const retryAfter = (at: number, now: number) => Math.max(1, Math.ceil(at - now));
  const pairKey = (r: CapacityRequest) => `${r.phoneNumberId}:${r.waId}`;

  async function undo(r: CapacityRequest, countedAt: number | null, pair: boolean) {
    if (pair) await repo.releasePairSlot(r.tenantId, r.phoneNumberId, r.waId, PAIR_INTERVAL_MS, clock());
    if (r.portfolio && countedAt !== null) await repo.uncountRecipient(r.tenantId, r.portfolio.id, r.waId, countedAt);
  }

  /** A chunk's refusals, undone together once its reservations are decided (a few statements, not two per refusal). */
  function undoLater() {
    const pairs: { phoneNumberId: string; waId: string }[] = [];
    const counts = new Map<string, { portfolioId: string; waIds: string[]; countedAt: number }>();
    let tenantId: string | undefined;
    return {
      add(r: CapacityRequest, countedAt: number | null, pair: boolean) {
        tenantId = r.tenantId;
        if (pair) pairs.push({ phoneNumberId: r.phoneNumberId, waId: r.waId });
        if (!r.portfolio || countedAt === null) return;
        const key = `${r.portfolio.id}:${countedAt}`;
        const c = counts.get(key) ?? { portfolioId: r.portfolio.id, waIds: [], countedAt };
        c.waIds.push(r.waId);
        counts.set(key, c);
      },
      async run() {
        if (tenantId === undefined) return;
        await batch.undoMany(
          tenantId,
          { pairs, counts: [...counts.values()] },
          { intervalMs: PAIR_INTERVAL_MS, now: clock() },
        );
      },
    };
  }

  return {
    /**
     * Reserves every request of one tenant's chunk; results in request order. A request whose pair repeats an
     * earlier one in the chunk is refused `pair_rate` (a campaign's recipients are distinct, so this is defensive).
     */
    async reserveMany(requests: readonly CapacityRequest[]): Promise<ReserveResult[]> {
      const now = clock();
      const results: (ReserveResult | undefined)[] = requests.map(() => undefined);
      const countedAt: (number | null)[] = requests.map(() => null);
      const refused = undoLater();

      // 1. The messaging limit, per portfolio.
      const byPortfolio = new Map<string, number[]>();
      requests.forEach((r, i) => {
        if (!r.portfolio) return;
        const list = byPortfolio.get(r.portfolio.id) ?? [];
        list.push(i);
        byPortfolio.set(r.portfolio.id, list);
      });
      // Portfolios (and numbers, below) are counted side by side: each is one statement on its own row.
      const countPortfolio = async ([portfolioId, indexes]: [string, number[]]) => {
        const first = requests[indexes[0]!]!;
        const waIds = indexes.map((i) => requests[i]!.waId);
        const c = await batch.countRecipients(first.tenantId, portfolioId, waIds, first.portfolio!.limit, now);
        let refusedAfter: number | undefined;
        const assigned = new Set<string>();
        for (const i of indexes) {
          const waId = requests[i]!.waId;
          if (c.counted.has(waId) && !assigned.has(waId)) {
            countedAt[i] = now; // a recipient repeated in the chunk is counted once, by its first request
            assigned.add(waId);
          } else if (!c.counted.has(waId) && !c.already.has(waId)) {
            refusedAfter ??= Math.min(
              MAX_LIMIT_RETRY_AFTER_MS,
              retryAfter((await repo.nextRelease(first.tenantId, portfolioId, now)) ?? now, now),
            );
            results[i] = { ok: false, refused: 'messaging_limit', retryAfterMs: refusedAfter };
          }
        }
      };
      await Promise.all([...byPortfolio].map(countPortfolio));

      // 2. The pair rate, one statement for the chunk. A pair that must wait is refused, as in the single path.
      const seenPairs = new Set<string>();
      const pairIndexes: number[] = [];
      requests.forEach((r, i) => {
        if (results[i]) return;
        if (seenPairs.has(pairKey(r))) results[i] = { ok: false, refused: 'pair_rate', retryAfterMs: PAIR_INTERVAL_MS };
        else {
          seenPairs.add(pairKey(r));
          pairIndexes.push(i);
        }
      });
      const tenantId = requests[0]?.tenantId;
      // Each step reads the clock afresh: under load the steps before it may have waited for locks, and a slot
      // reserved from a stale "now" would be late before it is used.
      const granted =
        tenantId === undefined
          ? new Set<string>()
          : await batch.reservePairSlots(
              tenantId,
              pairIndexes.map((i) => requests[i]!),
              {
                now: clock(),
                intervalMs: PAIR_INTERVAL_MS,
                toleranceMs: (PAIR_BURST - 1) * PAIR_INTERVAL_MS,
                maxWaitMs: 0,
              },
            );
      const hasPair = new Set<number>();
      for (const i of pairIndexes) {
        const r = requests[i]!;
        if (granted.has(pairKey(r))) {
          hasPair.add(i);
          continue;
        }
        refused.add(r, countedAt[i]!, false);
        results[i] = { ok: false, refused: 'pair_rate', retryAfterMs: PAIR_INTERVAL_MS };
      }

      // 3. Throughput slots, per number, consecutive from its current backlog.
      const byPhone = new Map<string, number[]>();
      for (const i of hasPair) {
        const list = byPhone.get(requests[i]!.phoneNumberId) ?? [];
        list.push(i);
        byPhone.set(requests[i]!.phoneNumberId, list);
      }
      const reservePhone = async ([phoneNumberId, indexes]: [string, number[]]) => {
        const first = requests[indexes[0]!]!;
        const intervalMs = slotIntervalMs(first.throughputPerSecond);
        const at = clock();
        const slots = await batch.reservePhoneSlots(
          first.tenantId,
          phoneNumberId,
          first.throughputPerSecond,
          indexes.length,
          { now: at, intervalMs, maxWaitMs: MAX_THROUGHPUT_WAIT_MS },
        );
        for (const [j, i] of indexes.entries()) {
          const r = requests[i]!;
          if (j < slots.granted) {
            const leaveAt = Math.max(at, slots.firstAt + j * intervalMs);
            results[i] = { ok: true, reservation: { request: r, leaveAt, intervalMs, countedAt: countedAt[i]! } };
          } else {
            refused.add(r, countedAt[i]!, true);
            results[i] = { ok: false, refused: 'throughput', retryAfterMs: retryAfter(slots.nextAt, at) };
          }
        }
      };
      await Promise.all([...byPhone].map(reservePhone));
      await refused.run();
      return results.map((r) => r!);
    },

    /**
     * Waits for a chunked reservation's slot. Missed by more than `MAX_LATENESS_MS`, the slot stays spent and the
     * send takes the number's next one (single path); refused then, the pair slot and the count go back.
     */
    async leave(reservation: Reservation): Promise<ReserveResult> {
      const wait = reservation.leaveAt - clock();
      if (wait > 0) await sleep(wait);
      if (clock() - reservation.leaveAt <= MAX_LATENESS_MS) return { ok: true, reservation };
      const r = reservation.request;
      const at = clock();
      const slot = await repo.reservePhoneSlot(r.tenantId, r.phoneNumberId, r.throughputPerSecond, {
        now: at,
        intervalMs: reservation.intervalMs,
        toleranceMs: 0,
        maxWaitMs: MAX_THROUGHPUT_WAIT_MS,
      });
      if (slot.ok) {
        const again = slot.at - clock();
        if (again > 0) await sleep(again);
        return { ok: true, reservation: { ...reservation, leaveAt: slot.at } };
      }
      await undo(r, reservation.countedAt, true);
      return { ok: false, refused: 'throughput', retryAfterMs: retryAfter(slot.nextAt, at) };
    },
  };
}

export type ChunkReserver = ReturnType<typeof createChunkReserver>;
