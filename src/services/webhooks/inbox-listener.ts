import pg from 'pg';
import { INBOX_CHANNEL } from '../../db/repositories/webhook-inbox';
import type { Logger } from '../../logger';

/**
 * Wakes a processor running in its own process as soon as the intake stores bodies (LISTEN/NOTIFY on a dedicated
 * connection), instead of at its next poll. Only a wake-up: polling still finds everything, so a lost
 * notification or a dropped connection (reconnected with back-off) delays work, never loses it.
 */
export function createInboxListener(databaseUrl: string, onNotify: () => void, log: Logger) {
  let client: pg.Client | undefined;
  let stopped = false;
  let retryMs = 500;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    if (stopped) return;
    const c = new pg.Client({ connectionString: databaseUrl });
    c.on('notification', () => onNotify());
    c.on('error', (err) => {
      log.warn({ err: err.message }, 'webhook inbox listener lost its connection');
      void c.end().catch(() => undefined);
      if (client === c) client = undefined;
      schedule();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${INBOX_CHANNEL}`);
      client = c;
      retryMs = 500;
      onNotify(); // anything stored while disconnected
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'webhook inbox listener could not connect');
      void c.end().catch(() => undefined);
      schedule();
    }
  }

  function schedule(): void {
    if (stopped || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    retryMs = Math.min(retryMs * 2, 30_000);
  }

  return {
    start: () => {
      stopped = false;
      void connect();
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
      client = undefined;
    },
  };
}
