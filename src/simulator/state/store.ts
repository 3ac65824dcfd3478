import { Faults } from '../faults/faults';
import { PairRateLimiter } from '../limits/pair-rate';
import { RollingCounter, RollingUniqueCounter } from '../limits/rolling';
import { ServiceWindows } from '../limits/service-window';
import { ThroughputMeter } from '../limits/throughput';
import { type PhoneNumber, type Portfolio, type Template, type Waba } from '../scenario/accounts-schema';
import { type Customer, CustomerSchema } from '../scenario/customers-schema';
import { type LoadedScenario } from '../scenario/schema';
import { type Delivery, type Limits } from '../scenario/settings-schema';
import { type TemplateReview } from '../templates/review-settings';
import { emptyStats, type InboundRecord, type InboxEntry, type SendRecord, type Stats } from './records';

/** Everything one simulator knows: accounts, customers, what happened, and the limit counters. */
export interface Store {
  scenario: LoadedScenario;
  portfolios: Map<string, Portfolio>;
  wabas: Map<string, Waba>;
  phones: Map<string, PhoneNumber>;
  templates: Map<string, Template>;
  customers: Map<string, Customer>;
  limits: Limits;
  delivery: Delivery;
  templateReview: TemplateReview;
  sends: SendRecord[];
  messages: Map<string, SendRecord>;
  inboxes: Map<string, InboxEntry[]>;
  inbound: Map<string, InboundRecord>;
  windows: ServiceWindows;
  throughput: ThroughputMeter;
  pairRate: PairRateLimiter;
  portfolioRecipients: RollingUniqueCounter;
  marketingReceived: RollingCounter;
  faults: Faults;
  stats: Stats;
}

/** A fresh store seeded from a scenario (deep-copied: the scenario itself stays the reset point). */
export function createStore(scenario: LoadedScenario): Store {
  const copy = structuredClone(scenario);
  const byId = <T extends { id: string }>(items: T[]): Map<string, T> => new Map(items.map((i) => [i.id, i]));
  return {
    scenario,
    portfolios: byId(copy.portfolios),
    wabas: byId(copy.wabas),
    phones: byId(copy.phoneNumbers),
    templates: byId(copy.templates),
    customers: new Map(copy.customers.map((c) => [c.waId, c])),
    limits: copy.limits,
    delivery: copy.delivery,
    templateReview: copy.templateReview,
    sends: [],
    messages: new Map(),
    inboxes: new Map(),
    inbound: new Map(),
    windows: new ServiceWindows(),
    throughput: new ThroughputMeter(),
    pairRate: new PairRateLimiter(),
    portfolioRecipients: new RollingUniqueCounter(),
    marketingReceived: new RollingCounter(),
    faults: new Faults(),
    stats: emptyStats(),
  };
}

/**
 * The declared customer, or a default one for a recipient nobody scripted (not stored). Built by hand rather
 * than parsed: it is on the hot path of every send and status step.
 */
export function customerOf(store: Store, waId: string): Customer {
  const declared = store.customers.get(waId);
  if (declared) return declared;
  return { ...DEFAULT_CUSTOMER, waId, onWhatsApp: store.limits.unknownRecipientsOnWhatsApp, behaviour: {} };
}

const DEFAULT_CUSTOMER: Readonly<Customer> = Object.freeze(CustomerSchema.parse({ waId: '000000' }));

export function templatesOfWaba(store: Store, wabaId: string): Template[] {
  return [...store.templates.values()].filter((t) => t.wabaId === wabaId);
}

export function phonesOfWaba(store: Store, wabaId: string): PhoneNumber[] {
  return [...store.phones.values()].filter((p) => p.wabaId === wabaId);
}

export function wabasOfPortfolio(store: Store, portfolioId: string): Waba[] {
  return [...store.wabas.values()].filter((w) => w.portfolioId === portfolioId);
}

/** Digits of a number as Meta puts it in webhook metadata (`display_phone_number`). */
export function digitsOf(displayPhoneNumber: string): string {
  return displayPhoneNumber.replace(/\D/g, '');
}
