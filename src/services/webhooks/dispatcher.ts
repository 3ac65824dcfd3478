import type { WebhookEvent } from '../../meta/webhook-events';
import type { EventHandler } from './processor';
import type { HandlerOutcome } from './status-handler';
import type { StatusPayload } from '../../meta/webhook-schemas';

export interface EventHandlers {
  status: (s: StatusPayload, event: Extract<WebhookEvent, { kind: 'status' }>) => Promise<HandlerOutcome>;
  inbound?: (event: Extract<WebhookEvent, { kind: 'inbound' }>) => Promise<HandlerOutcome>;
  userPreference?: (event: Extract<WebhookEvent, { kind: 'user_preference' }>) => Promise<HandlerOutcome>;
  account?: (event: Extract<WebhookEvent, { kind: 'account' }>) => Promise<HandlerOutcome>;
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
      case 'account':
        return h.account ? h.account(event) : { done: true, note: `${event.field} not handled` };
      case 'malformed':
        return { done: true, note: `malformed ${event.field}: ${event.problem}` };
    }
  };
}
