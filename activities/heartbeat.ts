import type { Context } from '@temporalio/activity';

/**
 * A heartbeat at most every `everyMs`: each one crosses into the SDK's native core (the core throttles what
 * reaches the server, but not the crossing), which cost a campaign batch more worker CPU than its sends' checks
 * when it beat after every send. Well inside the batch's heartbeat timeout, so a live batch never looks dead.
 */
export function throttledHeartbeat(ctx: Context, everyMs = 1000, now: () => number = Date.now) {
  let last = -Infinity;
  return (details?: unknown): void => {
    const t = now();
    if (t - last < everyMs) return;
    last = t;
    ctx.heartbeat(details);
  };
}
