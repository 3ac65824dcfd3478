import { Registry, collectDefaultMetrics } from 'prom-client';
import type { DeliveryObserver } from '../delivery/observer';
import { createDeliveryMetrics } from './delivery-metrics';

/** A process's registry with the Node defaults and the delivery series (the worker, the webhook processor). */
export function createProcessMetrics(): { registry: Registry; observer: DeliveryObserver } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return { registry, observer: createDeliveryMetrics(registry) };
}
