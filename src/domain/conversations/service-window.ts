/**
 * The 24 h customer-service window (docs/conversations.md, "Service window"): a customer's message to a business
 * number opens — or refreshes — a window for that (number, customer) pair, inside which free-form messages are
 * allowed; outside it Meta refuses them (131047). Pure: callers pass "now".
 */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

export interface WindowState {
  phoneNumberId: string;
  lastInboundAt: string;
  closesAt: string;
  open: boolean;
}

/** Every number the customer wrote to, most recent first. `lastInbound` maps phone number id → ISO time. */
export function windowsOf(lastInbound: Readonly<Record<string, string>>, nowMs: number): WindowState[] {
  return Object.entries(lastInbound)
    .map(([phoneNumberId, at]) => ({ phoneNumberId, at: Date.parse(at) }))
    .filter((w) => Number.isFinite(w.at))
    .sort((a, b) => b.at - a.at || a.phoneNumberId.localeCompare(b.phoneNumberId))
    .map((w) => ({
      phoneNumberId: w.phoneNumberId,
      lastInboundAt: new Date(w.at).toISOString(),
      closesAt: new Date(w.at + SERVICE_WINDOW_MS).toISOString(),
      open: nowMs < w.at + SERVICE_WINDOW_MS,
    }));
}

/** The window of the number the customer last wrote to (the one a reply goes out from), if they ever wrote. */
export function replyWindow(lastInbound: Readonly<Record<string, string>>, nowMs: number): WindowState | undefined {
  return windowsOf(lastInbound, nowMs)[0];
}

/** Whether a free-form message may go from this number to the customer now. */
export function windowOpenFor(
  lastInbound: Readonly<Record<string, string>>,
  phoneNumberId: string,
  nowMs: number,
): boolean {
  const at = Date.parse(lastInbound[phoneNumberId] ?? '');
  return Number.isFinite(at) && nowMs < at + SERVICE_WINDOW_MS;
}
