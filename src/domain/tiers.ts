import type { MessagingTier, ThroughputLevel } from './registry';

/**
 * Unique recipients per rolling 24 h for each portfolio tier. NOT_SET (and anything unknown) is treated as the
 * lowest tier Meta assigns (50): under-estimating only delays sends until the real tier is synced, while
 * over-estimating would send messages Meta drops without a documented error.
 */
export const MESSAGING_TIER_LIMITS: Readonly<Record<MessagingTier, number>> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1_000,
  TIER_2K: 2_000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
  NOT_SET: 50,
};

/**
 * Messages per second per phone number. NOT_APPLICABLE (number not registered for Cloud API) falls back to
 * Meta's default 80: such a number is also not CONNECTED, so health evaluation excludes it anyway.
 */
export const THROUGHPUT_LIMITS: Readonly<Record<ThroughputLevel, number>> = {
  STANDARD: 80,
  HIGH: 1_000,
  NOT_APPLICABLE: 80,
};

/** A portfolio is "near its limit" below this fraction of its tier left; candidates elsewhere rank first. */
export const LOW_HEADROOM_FRACTION = 0.1;

/** The tier's limit; unknown tiers (a newer Meta value not yet mapped) count as NOT_SET. */
export function messagingLimit(tier: MessagingTier | string): number {
  return Object.hasOwn(MESSAGING_TIER_LIMITS, tier) ? MESSAGING_TIER_LIMITS[tier as MessagingTier] : 50;
}

export function throughputLimit(level: ThroughputLevel | string): number {
  return Object.hasOwn(THROUGHPUT_LIMITS, level) ? THROUGHPUT_LIMITS[level as ThroughputLevel] : 80;
}

export interface Headroom {
  /** What is left before the limit (Infinity when unlimited); may be ≤ 0. */
  remaining: number;
  /** remaining / limit clamped to [0, 1]; 1 when unlimited. */
  fraction: number;
}

/** Remaining capacity given a limit and the amount already used. */
export function headroom(limit: number, used: number): Headroom {
  if (limit === Number.POSITIVE_INFINITY) return { remaining: limit, fraction: 1 };
  const remaining = limit - Math.max(0, used);
  const fraction = limit > 0 ? Math.min(1, Math.max(0, remaining / limit)) : 0;
  return { remaining, fraction };
}
