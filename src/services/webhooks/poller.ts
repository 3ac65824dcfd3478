/**
 * A polling loop with an immediate-run nudge: `work` drains whatever is due; after it finishes the loop sleeps
 * `pollMs`, unless `kick()` asks for another pass at once. One pass at a time; `stop()` waits for the pass.
 */
export function createPoller(
  work: (stopped: () => boolean) => Promise<void>,
  opts: { pollMs: number; onError: (err: unknown) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = true;
  let again = false;
  const isStopped = () => stopped;

  async function loop(): Promise<void> {
    do {
      again = false;
      await work(isStopped);
    } while (again && !stopped);
  }

  function tick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = loop()
      .catch(opts.onError)
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, opts.pollMs);
      });
  }

  return {
    start(): void {
      stopped = false;
      tick();
    },
    kick(): void {
      if (timer) clearTimeout(timer);
      tick();
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

export type Poller = ReturnType<typeof createPoller>;
