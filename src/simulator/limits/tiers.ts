import { type Tier } from '../scenario/accounts-schema';

const LIMITS: Record<Tier, number> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: Number.POSITIVE_INFINITY,
};

/** Unique recipients per rolling 24 h a portfolio on this tier may start conversations with (§7.1). */
export function tierLimit(tier: Tier): number {
  return LIMITS[tier];
}
