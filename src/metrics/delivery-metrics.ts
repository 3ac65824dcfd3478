import { Counter, Histogram, type Registry } from 'prom-client';
import { FALLBACK_STEPS, type DeliveryObserver } from '../delivery/observer';

/**
 * The delivery series (docs/console.md, "Metrics") on a process's registry, and the observer that feeds them.
 * Labels are outcomes, failure kinds and registry ids (a tenant's WABAs, numbers and template names): bounded by
 * the registry, never by traffic.
 */
export function createDeliveryMetrics(registry: Registry): DeliveryObserver {
  const sends = new Counter({
    name: 'lifeline_sends_total',
    help: 'Sends handed to Meta (or refused before), by outcome, attempt kind, WABA, number and template',
    labelNames: ['outcome', 'kind', 'waba', 'phone_number', 'template'],
    registers: [registry],
  });
  const failovers = new Counter({
    name: 'lifeline_failovers_total',
    help: 'Failures that moved a message to another WABA, number or template, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const resolver = new Histogram({
    name: 'lifeline_resolver_duration_seconds',
    help: 'Time to resolve a combination (registry, usage and contact reads included)',
    labelNames: ['outcome'],
    registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const fallback = new Counter({
    name: 'lifeline_fallback_total',
    help: 'Smart Utility Fallback funnel: consent prompts sent, granted, declined, expired, messages recovered',
    labelNames: ['step'],
    registers: [registry],
  });
  // Every funnel step is present from the start, so a rate over it is defined before the first prompt.
  for (const step of FALLBACK_STEPS) fallback.inc({ step }, 0);
  const lag = new Histogram({
    name: 'lifeline_webhook_status_lag_seconds',
    help: "Delay between Meta's status timestamp and its processing",
    labelNames: ['status'],
    registers: [registry],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  });
  return {
    send(o) {
      sends.inc({
        outcome: o.outcome,
        kind: o.kind,
        waba: o.wabaId ?? '',
        phone_number: o.phoneNumberId,
        template: o.templateName ?? '',
      });
    },
    failover: (reason) => failovers.inc({ reason }),
    resolved: (outcome, seconds) => resolver.observe({ outcome }, seconds),
    fallback: (step) => fallback.inc({ step }),
    statusLag: (status, seconds) => lag.observe({ status }, Math.max(0, seconds)),
  };
}
