import { randomInt } from 'node:crypto';

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast and good enough for fault rates and reply probabilities. Seeded so a test (or a demo
 * run) can replay exactly the same faults and replies.
 */
export function createRandom(seed?: number): Random {
  let state = (seed ?? randomInt(0, 2 ** 31)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** True with probability `p` (p ≥ 1 is always true, p ≤ 0 never, without consuming a draw). */
export function chance(random: Random, p: number): boolean {
  if (p >= 1) return true;
  if (p <= 0) return false;
  return random() < p;
}
