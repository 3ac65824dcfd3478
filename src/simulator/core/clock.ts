/**
 * Time source for everything time-dependent in the simulator (24 h windows, rolling counts, timers), so tests
 * can move time instead of waiting for it.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, as the simulator sees it. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Moves "now" forward; a manual clock also fires the timers that became due. */
  advance(ms: number): void;
}

/** Wall-clock time plus an offset that `advance` grows; timers stay real (they are not fast-forwarded). */
export class SystemClock implements Clock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const handle = setTimeout(fn, ms);
    // A pending status webhook must never keep a test process (or a closing CLI) alive.
    handle.unref();
    return handle;
  }

  clearTimeout(handle: unknown): void {
    clearTimeout(handle as NodeJS.Timeout);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

interface ManualTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** A clock that only moves when told to; `advance` runs due timers in time order. For pure unit tests. */
export class ManualClock implements Clock {
  protected current: number;
  /** Pending timers (a test's clock may fire them in another order). */
  protected timers: ManualTimer[] = [];
  private nextId = 1;

  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.fn();
    }
    this.current = target;
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.length;
  }
}

export const SECOND_MS = 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;

/** Meta's webhook and status timestamps: a string of Unix seconds. */
export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
