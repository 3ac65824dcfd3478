import { type Runtime } from '../runtime';
import { type SendRecord } from '../state/records';
import { customerOf } from '../state/store';
import { type WebhookRecord } from '../webhooks/dispatcher';

type Query = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Everything the simulator holds about accounts, limits and faults (`GET /_control/state`). */
export function stateView(rt: Runtime): Record<string, unknown> {
  const { store } = rt;
  return {
    scenario: store.scenario.name,
    now: rt.clock.now(),
    portfolios: [...store.portfolios.values()],
    wabas: [...store.wabas.values()].map(({ accessToken: _token, ...waba }) => waba),
    phoneNumbers: [...store.phones.values()],
    templates: [...store.templates.values()],
    customers: [...store.customers.values()],
    limits: store.limits,
    delivery: { ...store.delivery, statusDelayMs: store.delivery.statusDelayMs ?? rt.options.statusDelayMs },
    faults: {
      rules: store.faults.rules,
      latencyMs: store.faults.latencyMs,
      latencyByPhone: Object.fromEntries(store.faults.latencyByPhone),
      down: store.faults.down ?? null,
    },
    webhook: { url: rt.webhook.url ?? null },
    timeline: rt.timelineLog,
  };
}

/** Accepted sends, filtered by any of phoneNumberId, wabaId, recipient, templateName. */
export function sendsView(rt: Runtime, query: Query): SendRecord[] {
  const f = {
    phoneNumberId: str(query.phoneNumberId),
    wabaId: str(query.wabaId),
    recipient: str(query.recipient),
    templateName: str(query.templateName),
  };
  return rt.store.sends.filter(
    (s) =>
      (!f.phoneNumberId || s.phoneNumberId === f.phoneNumberId) &&
      (!f.wabaId || s.wabaId === f.wabaId) &&
      (!f.recipient || s.recipient === f.recipient.replace(/\D/g, '')) &&
      (!f.templateName || s.templateName === f.templateName),
  );
}

/** Webhook records, filtered by field, wabaId or status; `rawBody` only with `?raw=1`. */
export function webhooksView(rt: Runtime, query: Query): Partial<WebhookRecord>[] {
  const f = { field: str(query.field), wabaId: str(query.wabaId), status: str(query.status) };
  const raw = str(query.raw) === '1' || str(query.raw) === 'true';
  return rt.dispatcher
    .records()
    .filter(
      (r) =>
        (!f.field || r.field === f.field) &&
        (!f.wabaId || r.wabaId === f.wabaId) &&
        (!f.status || r.status === f.status),
    )
    .map(({ rawBody, ...r }) => (raw ? { ...r, rawBody } : r));
}

/** One customer: settings, what it received, what it sent, and its open windows. */
export function customerView(rt: Runtime, waId: string): Record<string, unknown> {
  const { store } = rt;
  const now = rt.clock.now();
  const sent = [...store.inbound.values()].filter((m) => m.waId === waId);
  const windows = [...store.phones.keys()]
    .filter((id) => store.windows.isOpen(id, waId, now))
    .map((id) => ({ phoneNumberId: id, closesAt: store.windows.closesAt(id, waId) }));
  return {
    customer: customerOf(store, waId),
    declared: store.customers.has(waId),
    inbox: store.inboxes.get(waId) ?? [],
    sent,
    openWindows: windows,
    marketingReceived24h: store.marketingReceived.count(waId, now),
  };
}
