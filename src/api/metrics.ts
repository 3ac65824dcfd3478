import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Pool } from '../db/pool';
import { createDeliveryMetrics } from '../metrics/delivery-metrics';
import { registerStateGauges } from '../metrics/state-gauges';

/**
 * Prometheus metrics of one API process (a registry per app, so tests can build several): HTTP and webhook intake,
 * the inline webhook processor's delivery series, and the shared state read from the database at scrape time.
 */
export function createMetrics(pool: Pool) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerStateGauges(registry, pool);
  return {
    registry,
    /** The inline webhook processor's status lag and asynchronous failovers. */
    delivery: createDeliveryMetrics(registry),
    httpRequests: new Histogram({
      name: 'lifeline_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    }),
    webhooksAccepted: new Counter({
      name: 'lifeline_webhooks_accepted_total',
      help: 'Signed webhook bodies accepted and stored',
      labelNames: ['duplicate'],
      registers: [registry],
    }),
    webhooksRejected: new Counter({
      name: 'lifeline_webhooks_rejected_total',
      help: 'Webhook requests refused (unsigned, bad signature, malformed, too large)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    webhookSignatureChecks: new Counter({
      name: 'lifeline_webhook_signature_checks_total',
      help: 'HMACs computed over webhook bodies (at most one per request)',
      registers: [registry],
    }),
    messagesAccepted: new Counter({
      name: 'lifeline_messages_accepted_total',
      help: 'Messages accepted by POST /v1/messages',
      labelNames: ['created'],
      registers: [registry],
    }),
    messageWorkflowStarts: new Counter({
      name: 'lifeline_message_workflow_starts_total',
      help: "Message workflows started by POST /v1/messages; eager: the first task went straight to this process's worker",
      labelNames: ['eager'],
      registers: [registry],
    }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
