/**
 * Spaces calls per key at a steady rate (an in-process token bucket without burst): a number's throughput and a
 * campaign's maxPerSecond. In-process means per worker: several workers each pace their own share
 * (docs/campaigns.md, "Pacing").
 */
export function createPacer(now: () => number = Date.now) {
  const next = new Map<string, number>();
  return {
    /** Takes the key's next slot and returns when it begins (ms since the epoch); the caller waits for it. */
    slot(key: string, perSecond: number): number {
      const t = now();
      if (!(perSecond > 0) || !Number.isFinite(perSecond)) return t;
      const at = Math.max(t, next.get(key) ?? 0);
      next.set(key, at + 1000 / perSecond);
      if (next.size > 10_000) for (const [k, v] of next) if (v < t) next.delete(k);
      return at;
    },
    async take(key: string, perSecond: number): Promise<void> {
      const t = now();
      const at = this.slot(key, perSecond);
      if (at > t) await new Promise((r) => setTimeout(r, at - t));
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
