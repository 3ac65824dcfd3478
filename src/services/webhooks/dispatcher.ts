import type { WebhookEvent } from '../../meta/webhook-events';
import type { Verifier } from './tenant-scope';

export type HandlerOutcome = { done: true; note?: string } | { done: false; retry: string };

type Of<K extends WebhookEvent['kind']> = Extract<WebhookEvent, { kind: K }>;

/** Events handled one by one (statuses go through the set-based status batch instead). */
export type SingleEvent = Of<'inbound'> | Of<'user_preference'> | Of<'health'>;
export type EventHandler = (event: SingleEvent, verifier: Verifier) => Promise<HandlerOutcome>;

export interface EventHandlers {
  inbound?: (event: Of<'inbound'>, verifier: Verifier) => Promise<HandlerOutcome>;
  userPreference?: (event: Of<'user_preference'>, verifier: Verifier) => Promise<HandlerOutcome>;
  health?: (event: Of<'health'>, verifier: Verifier) => Promise<HandlerOutcome>;
}

/** Routes each event to its handler; kinds without one are acknowledged and noted. */
export function createDispatcher(h: EventHandlers): EventHandler {
  return async (event, verifier) => {
    switch (event.kind) {
      case 'inbound':
        return h.inbound ? h.inbound(event, verifier) : { done: true, note: 'inbound messages not handled' };
      case 'user_preference':
        return h.userPreference ? h.userPreference(event, verifier) : { done: true, note: 'preferences not handled' };
      case 'health':
        return h.health ? h.health(event, verifier) : { done: true, note: `${event.change.field} not handled` };
    }
  };
}
