import { DAY_MS } from '../core/clock';

/**
 * Unique members per group over a rolling window: the portfolio messaging limit counts unique recipients of
 * business-initiated conversations in a moving 24 h (§7.1).
 */
export class RollingUniqueCounter {
  private readonly groups = new Map<string, Map<string, number>>();

  constructor(private readonly windowMs = DAY_MS) {}

  /** Members seen in the window; expired ones are pruned. */
  count(group: string, now: number): number {
    const members = this.groups.get(group);
    if (!members) return 0;
    for (const [member, at] of members) if (at <= now - this.windowMs) members.delete(member);
    return members.size;
  }

  has(group: string, member: string, now: number): boolean {
    const at = this.groups.get(group)?.get(member);
    return at !== undefined && at > now - this.windowMs;
  }

  /** Counts `member` at `now`; a member already in the window keeps its first time (the window is not renewed). */
  add(group: string, member: string, now: number): void {
    let members = this.groups.get(group);
    if (!members) {
      members = new Map();
      this.groups.set(group, members);
    }
    if (!this.has(group, member, now)) members.set(member, now);
  }

  clear(): void {
    this.groups.clear();
  }
}

/** Events per key over a rolling window: marketing templates a customer received in the last 24 h (§7.4). */
export class RollingCounter {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly windowMs = DAY_MS) {}

  count(key: string, now: number): number {
    const times = (this.events.get(key) ?? []).filter((t) => t > now - this.windowMs);
    this.events.set(key, times);
    return times.length;
  }

  add(key: string, now: number): void {
    this.events.set(key, [...(this.events.get(key) ?? []), now]);
  }

  clear(): void {
    this.events.clear();
  }
}
