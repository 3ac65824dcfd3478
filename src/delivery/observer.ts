import type { AttemptKind } from './types';

/** The steps of Smart Utility Fallback an operator follows as a funnel (docs/console.md, "Metrics"). */
export const FALLBACK_STEPS = ['prompted', 'granted', 'declined', 'expired', 'recovered'] as const;
export type FallbackStep = (typeof FALLBACK_STEPS)[number];

/** One send handed to Meta (or refused before it got there), with the resources it went through. */
export interface SendObservation {
  kind: AttemptKind;
  /** `accepted`, `unknown`, or the failure kind of a refusal (`resource`, `throttled`, …). */
  outcome: string;
  wabaId?: string | null;
  phoneNumberId: string;
  templateName?: string | null;
}

/**
 * What the delivery drivers report as they go, for metrics (src/metrics). A port, so the phases stay free of
 * prom-client; every label it carries is a bounded vocabulary or a registry id, never a recipient or message id.
 */
export interface DeliveryObserver {
  send(o: SendObservation): void;
  /** A failure that takes a resource out of the message's rotation: the next attempt goes elsewhere. */
  failover(reason: string): void;
  resolved(outcome: 'resolved' | 'none', seconds: number): void;
  fallback(step: FallbackStep): void;
  /** How long after Meta's own timestamp a status webhook was processed. */
  statusLag(status: string, seconds: number): void;
}

export const NO_OBSERVER: DeliveryObserver = {
  send: () => undefined,
  failover: () => undefined,
  resolved: () => undefined,
  fallback: () => undefined,
  statusLag: () => undefined,
};
