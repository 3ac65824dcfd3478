/**
 * Messages per second per phone number (§7.2): a sliding one-second window of accepted sends. Exceeding it
 * answers 130429.
 */
export class ThroughputMeter {
  private readonly windows = new Map<string, number[]>();

  constructor(private readonly windowMs = 1000) {}

  /** Records a send at `now` if fewer than `limit` happened in the last window; false means throttled. */
  tryTake(key: string, limit: number, now: number): boolean {
    let times = this.windows.get(key);
    if (!times) {
      times = [];
      this.windows.set(key, times);
    }
    let drop = 0;
    while (drop < times.length && (times[drop] ?? 0) <= now - this.windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length >= limit) return false;
    times.push(now);
    return true;
  }

  clear(): void {
    this.windows.clear();
  }
}
