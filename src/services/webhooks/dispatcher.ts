import type { WebhookEvent } from '../../meta/webhook-events';
import type { StatusPayload } from '../../meta/webhook-schemas';
import type { EventHandler } from './processor';
import type { HandlerOutcome } from './status-handler';

type Of<K extends WebhookEvent['kind']> = Extract<WebhookEvent, { kind: K }>;

export interface EventHandlers {
  status: (s: StatusPayload, event: Of<'status'>) => Promise<HandlerOutcome>;
  inbound?: (event: Of<'inbound'>) => Promise<HandlerOutcome>;
  userPreference?: (event: Of<'user_preference'>) => Promise<HandlerOutcome>;
  health?: (event: Of<'health'>) => Promise<HandlerOutcome>;
}

/** Routes each webhook event to its handler; kinds without one are acknowledged and noted. */
export function createDispatcher(h: EventHandlers): EventHandler {
  return async (event) => {
    switch (event.kind) {
      case 'status':
        return h.status(event.status, event);
      case 'inbound':
        return h.inbound ? h.inbound(event) : { done: true, note: 'inbound messages not handled' };
      case 'user_preference':
        return h.userPreference ? h.userPreference(event) : { done: true, note: 'preferences not handled' };
      case 'health':
        return h.health ? h.health(event) : { done: true, note: `${event.change.field} not handled` };
      case 'ignored':
        return { done: true, note: `field ${event.field} ignored` };
      case 'malformed':
        return { done: true, note: `malformed ${event.field}: ${event.problem}` };
    }
  };
}
