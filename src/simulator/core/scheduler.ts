import { type Clock } from './clock';
import { type SimLogger } from './logger';

/**
 * Owns every timer one simulator instance starts (status ladders, customer replies, webhook retries, the fault
 * timeline), so `reset()` and `close()` can cancel them all and no timer outlives its simulator.
 */
export class Scheduler {
  private readonly handles = new Map<number, unknown>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    private readonly logger: SimLogger,
  ) {}

  /** Runs `fn` after `ms`; errors are logged, never thrown into the timer loop. */
  after(ms: number, fn: () => void | Promise<void>): number {
    const id = this.nextId++;
    const handle = this.clock.setTimeout(
      () => {
        this.handles.delete(id);
        try {
          const result = fn();
          if (result instanceof Promise) result.catch((err: unknown) => this.fail(err));
        } catch (err) {
          this.fail(err);
        }
      },
      Math.max(0, ms),
    );
    this.handles.set(id, handle);
    return id;
  }

  /** A promise that resolves after `ms` (or never, if the scheduler is cleared first). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  cancel(id: number): void {
    const handle = this.handles.get(id);
    if (handle === undefined) return;
    this.clock.clearTimeout(handle);
    this.handles.delete(id);
  }

  clearAll(): void {
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }

  pending(): number {
    return this.handles.size;
  }

  private fail(err: unknown): void {
    this.logger.error({ err }, 'simulator timer failed');
  }
}
