/** The statuses a message's timeline records as events of their own, when the message reaches them. */
export const STATUS_EVENTS = ['sent', 'delivered', 'read', 'failed', 'cancelled', 'expired', 'declined'] as const;
export type StatusEvent = (typeof STATUS_EVENTS)[number];

/**
 * Every event type of a message's timeline (`message_events`, `GET /v1/messages/:id`), defined once
 * (docs/lifecycle.md#timeline-events).
 */
export const TIMELINE_EVENT_TYPES = [
  /** The resolver's choice, with its explanation. */
  'resolved',
  /** No healthy combination: the explanation of every rejection. */
  'no_combination',
  'attempt_failed',
  'fallback_started',
  'consent_asked',
  'consent_granted',
  'session_sent',
  /** An attempt whose fate is unknown (timeout, reset, crash mid-send): waiting before any resend. */
  'outcome_unknown',
  /** The status timeout passed: the message reads `sent`, and a late status still re-enters the lifecycle. */
  'status_timeout',
  ...STATUS_EVENTS,
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** The `sent` event's data: the attempt Meta accepted, its wamid and the combination it went through. */
export function sentEventData(attemptId: string, wamid: string | undefined, combination: unknown) {
  return { attemptId, wamid, combination };
}
