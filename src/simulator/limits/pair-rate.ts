export interface PairRateConfig {
  /** Messages that may be "borrowed" in a burst. */
  burst: number;
  /** One token comes back per interval (Meta: about one message every 6 s). */
  intervalMs: number;
}

/**
 * Pair rate limit (131056, §7.3): a token bucket per (business number, recipient). Meta allows roughly one
 * message every 6 s with short bursts; the bucket models both.
 */
export class PairRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  tryTake(phoneNumberId: string, waId: string, config: PairRateConfig, now: number): boolean {
    const key = `${phoneNumberId}:${waId}`;
    const bucket = this.buckets.get(key) ?? { tokens: config.burst, at: now };
    const refilled = Math.min(config.burst, bucket.tokens + (now - bucket.at) / config.intervalMs);
    if (refilled < 1) {
      this.buckets.set(key, { tokens: refilled, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: refilled - 1, at: now });
    return true;
  }

  clear(): void {
    this.buckets.clear();
  }
}
