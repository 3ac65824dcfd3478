import { DAY_MS } from '../core/clock';

/**
 * Customer service windows (§8): a customer's message to a business number opens — or refreshes — a 24 h
 * window for that (number, customer) pair, inside which free-form messages are allowed.
 */
export class ServiceWindows {
  private readonly lastInbound = new Map<string, number>();

  touch(phoneNumberId: string, waId: string, now: number): void {
    this.lastInbound.set(`${phoneNumberId}:${waId}`, now);
  }

  isOpen(phoneNumberId: string, waId: string, now: number): boolean {
    const at = this.lastInbound.get(`${phoneNumberId}:${waId}`);
    return at !== undefined && now - at < DAY_MS;
  }

  /** When the window closes (ms), or undefined when none was ever opened. */
  closesAt(phoneNumberId: string, waId: string): number | undefined {
    const at = this.lastInbound.get(`${phoneNumberId}:${waId}`);
    return at === undefined ? undefined : at + DAY_MS;
  }

  clear(): void {
    this.lastInbound.clear();
  }
}
