import { type Runtime, type TimelineLogEntry } from './runtime';
import { type PhoneNumber, type Portfolio, type Template, type Waba } from './scenario/accounts-schema';
import { type Customer } from './scenario/customers-schema';
import { type Delivery, type Limits } from './scenario/settings-schema';
import { type InboundRecord, type InboxEntry, type SendRecord, type Stats } from './state/records';
import { type WebhookRecord } from './webhooks/dispatcher';

/** Read access to a simulator's state, always of the current scenario (it survives reset and reload). */
export interface SimulatorState {
  readonly portfolios: ReadonlyMap<string, Portfolio>;
  readonly wabas: ReadonlyMap<string, Waba>;
  readonly phoneNumbers: ReadonlyMap<string, PhoneNumber>;
  readonly templates: ReadonlyMap<string, Template>;
  readonly customers: ReadonlyMap<string, Customer>;
  readonly limits: Limits;
  readonly delivery: Delivery;
  readonly scenarioName: string;
  sends(): readonly SendRecord[];
  /** Everything a customer received (reached delivered), in order. */
  inbox(waId: string): readonly InboxEntry[];
  /** Messages customers sent to business numbers. */
  inbound(): readonly InboundRecord[];
  webhooks(): readonly WebhookRecord[];
  stats(): Stats;
  windowOpen(phoneNumberId: string, waId: string): boolean;
  timeline(): readonly TimelineLogEntry[];
  /** Timers not yet fired (status steps, replies, retries, timeline). */
  pendingTimers(): number;
}

export function createStateView(rt: Runtime): SimulatorState {
  return {
    get portfolios() {
      return rt.store.portfolios;
    },
    get wabas() {
      return rt.store.wabas;
    },
    get phoneNumbers() {
      return rt.store.phones;
    },
    get templates() {
      return rt.store.templates;
    },
    get customers() {
      return rt.store.customers;
    },
    get limits() {
      return rt.store.limits;
    },
    get delivery() {
      return rt.store.delivery;
    },
    get scenarioName() {
      return rt.store.scenario.name;
    },
    sends: () => rt.store.sends,
    inbox: (waId) => rt.store.inboxes.get(waId) ?? [],
    inbound: () => [...rt.store.inbound.values()],
    webhooks: () => rt.dispatcher.records(),
    stats: () => rt.store.stats,
    windowOpen: (phoneNumberId, waId) => rt.store.windows.isOpen(phoneNumberId, waId, rt.clock.now()),
    timeline: () => rt.timelineLog,
    pendingTimers: () => rt.scheduler.pending(),
  };
}
