import { Gauge, type Registry } from 'prom-client';
import type { Pool } from '../db/pool';

/** Campaigns whose progress is exported: the ones still moving, and those that ended within the hour. */
const LIVE_CAMPAIGNS = `SELECT id::text FROM campaigns
  WHERE status NOT IN ('draft', 'completed', 'cancelled') OR completed_at > now() - interval '1 hour'`;

const RESOURCES = [
  ['waba', 'wabas'],
  ['phone_number', 'phone_numbers'],
  ['template', 'templates'],
] as const;

/**
 * Gauges read from the database when Prometheus scrapes (docs/console.md, "Metrics"): facts every process shares
 * — campaign progress, queue depths, the webhook backlog's age, open circuit breakers — so one exporter (the API)
 * states them once, whichever process changed them. Each is one aggregate query, bounded by live campaigns and
 * the registry, never by messages.
 */
export function registerStateGauges(registry: Registry, pool: Pool): void {
  // A database that does not answer leaves a gauge at its last value rather than failing the whole scrape.
  const read = async <R>(sql: string): Promise<R[] | undefined> =>
    pool.query(sql).then(
      (r) => r.rows as R[],
      () => undefined,
    );
  new Gauge({
    name: 'lifeline_campaign_recipients',
    help: 'Recipients of live campaigns by message status',
    labelNames: ['campaign', 'status'],
    registers: [registry],
    async collect() {
      const rows = await read<{ campaign_id: string; status: string; n: string }>(
        `SELECT campaign_id, status, count(*) AS n FROM messages
          WHERE campaign_id IN (${LIVE_CAMPAIGNS}) AND campaign_seq IS NOT NULL GROUP BY 1, 2`,
      );
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ campaign: r.campaign_id, status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'lifeline_campaigns',
    help: 'Campaigns by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const rows = await read<{ status: string; n: string }>('SELECT status, count(*) AS n FROM campaigns GROUP BY 1');
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: 'lifeline_queue_depth',
    help: 'Work waiting: webhook bodies unprocessed, statuses parked for their send, campaign recipients by queue state',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      const rows = await read<{ queue: string; n: string }>(
        `SELECT 'webhook_inbox' AS queue, count(*) AS n FROM webhook_inbox WHERE processed_at IS NULL
         UNION ALL SELECT 'webhook_parked', count(*) FROM webhook_waiting_statuses
         UNION ALL SELECT 'campaign_' || campaign_queue, count(*) FROM messages
           WHERE campaign_id IN (${LIVE_CAMPAIGNS}) AND campaign_seq IS NOT NULL AND campaign_queue <> 'done'
           GROUP BY campaign_queue`,
      );
      if (!rows) return;
      this.reset();
      for (const q of ['queued', 'sending', 'sent', 'unknown', 'retry']) this.set({ queue: `campaign_${q}` }, 0);
      for (const r of rows) this.set({ queue: r.queue }, Number(r.n));
    },
  });
  new Gauge({
    name: 'lifeline_webhook_backlog_age_seconds',
    help: 'Age of the oldest unprocessed webhook body (0 when none waits)',
    registers: [registry],
    async collect() {
      const rows = await read<{ age: number | null }>(
        `SELECT extract(epoch FROM now() - min(received_at))::float8 AS age FROM webhook_inbox
          WHERE processed_at IS NULL`,
      );
      if (rows) this.set(rows[0]?.age ?? 0);
    },
  });
  new Gauge({
    name: 'lifeline_breaker_open',
    help: 'Circuit breaker state of each resource that has one: 1 open, 0 closed (its cool-down passed)',
    labelNames: ['resource', 'id'],
    registers: [registry],
    async collect() {
      const rows = await read<{ resource: string; id: string; open: boolean }>(
        RESOURCES.map(
          ([resource, table]) =>
            `SELECT '${resource}' AS resource, id, (fields->'breaker'->>'openUntil')::timestamptz > now() AS open
               FROM ${table} WHERE jsonb_typeof(fields->'breaker') = 'object'`,
        ).join(' UNION ALL '),
      );
      if (!rows) return;
      this.reset();
      for (const r of rows) this.set({ resource: r.resource, id: r.id }, r.open ? 1 : 0);
    },
  });
}
