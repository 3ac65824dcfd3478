import type { Logger } from '../logger';

/** On SIGINT/SIGTERM: log, run `stop` (close listeners, drain work, end pools), then exit 0. */
export function exitOnSignal(log: Logger, stop: () => Promise<unknown>): void {
  const shutdown = () => {
    log.info('shutting down');
    void stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
