/**
 * Deterministic 32-bit hashing used to spread equally ranked candidates without randomness: the same request id
 * and candidate always give the same value, on every worker and on workflow replay.
 */

/** FNV-1a over UTF-16 code units. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's finaliser: avalanches every input bit. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform value in (0, 1) for (seed, a, b). */
export function unitHash(seed: number, a: number, b: number): number {
  return (mix32(mix32(seed ^ a) ^ b) + 0.5) / 4294967296;
}
