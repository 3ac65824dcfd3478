import { unknownObject } from '../errors/graph-error';
import { DEFAULT_FIELDS, phoneNode, selectFields, templateNode, wabaNode } from '../graph/nodes';
import { type Runtime } from '../runtime';
import { phonesOfWaba, templatesOfWaba } from '../state/store';
import { authenticate } from '../send/auth';
import { type GraphReply } from '../send/reply';

type Query = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `GET /{id}?fields=...` for a phone number, WABA or template the token can see (§6). */
export function readNode(rt: Runtime, id: string, authorization: string | undefined, query: Query): GraphReply {
  const wabaIds = authenticate(rt.store, authorization);
  const { store, options } = rt;
  const fields = str(query.fields);
  const phone = store.phones.get(id);
  if (phone && phone.status !== 'DELETED' && wabaIds.has(phone.wabaId)) {
    return ok(selectFields(phoneNode(store, phone, options.appId), fields, 'phone'));
  }
  const waba = store.wabas.get(id);
  if (waba && wabaIds.has(waba.id)) return ok(selectFields(wabaNode(store, waba, options.appId), fields, 'waba'));
  const template = store.templates.get(id);
  if (template && template.status !== 'DELETED' && wabaIds.has(template.wabaId)) {
    return ok(selectFields(templateNode(store, template, options.appId, rt.clock.now()), fields, 'template'));
  }
  throw unknownObject(id, 'get');
}

/** `GET /{waba}/phone_numbers`. */
export function listPhoneNumbers(
  rt: Runtime,
  wabaId: string,
  authorization: string | undefined,
  query: Query,
  self: string,
): GraphReply {
  if (!authenticate(rt.store, authorization).has(wabaId)) throw unknownObject(wabaId, 'get');
  const fields = str(query.fields) ?? DEFAULT_FIELDS.phone.join(',');
  const nodes = phonesOfWaba(rt.store, wabaId)
    .filter((p) => p.status !== 'DELETED')
    .map((p) => selectFields(phoneNode(rt.store, p, rt.options.appId), fields, 'phone'));
  return ok(page(nodes, query, self));
}

/** `GET /{waba}/message_templates` with Meta's filters (name, status, category, language). */
export function listTemplates(
  rt: Runtime,
  wabaId: string,
  authorization: string | undefined,
  query: Query,
  self: string,
): GraphReply {
  if (!authenticate(rt.store, authorization).has(wabaId)) throw unknownObject(wabaId, 'get');
  const fields = str(query.fields) ?? DEFAULT_FIELDS.template.join(',');
  const filters = {
    name: str(query.name),
    status: str(query.status),
    category: str(query.category),
    language: str(query.language),
  };
  const nodes = templatesOfWaba(rt.store, wabaId)
    .filter((t) => t.status !== 'DELETED')
    .filter((t) => !filters.name || t.name === filters.name)
    .filter((t) => !filters.status || filters.status.split(',').includes(t.status))
    .filter((t) => !filters.category || filters.category.split(',').includes(t.category))
    .filter((t) => !filters.language || t.language === filters.language)
    .map((t) => selectFields(templateNode(rt.store, t, rt.options.appId, rt.clock.now()), fields, 'template'));
  return ok(page(nodes, query, self));
}

const cursor = (index: number): string => Buffer.from(String(index)).toString('base64url');
const fromCursor = (value: string | undefined): number | undefined => {
  const n = value === undefined ? NaN : Number(Buffer.from(value, 'base64url').toString());
  return Number.isInteger(n) ? n : undefined;
};

/** Graph cursor paging: `paging.cursors` always, `next` only when another page follows. */
function page<T>(items: T[], query: Query, self: string): { data: T[]; paging: Record<string, unknown> } {
  const limit = Math.min(Math.max(Number(str(query.limit) ?? 25) || 25, 1), 1000);
  const start = (fromCursor(str(query.after)) ?? -1) + 1;
  const data = items.slice(start, start + limit);
  const last = start + data.length - 1;
  const paging: Record<string, unknown> = { cursors: { before: cursor(start), after: cursor(Math.max(last, start)) } };
  if (start + limit < items.length) {
    const next = new URL(self);
    next.searchParams.set('after', cursor(last));
    next.searchParams.set('limit', String(limit));
    paging.next = next.toString();
  }
  return { data, paging };
}

function ok(body: unknown): GraphReply {
  return { status: 200, body };
}

/** `GET|POST /{waba}/subscribed_apps`: the app's webhook subscription for a WABA (always this app here). */
export function subscribedApps(
  rt: Runtime,
  wabaId: string,
  authorization: string | undefined,
  method: 'get' | 'post',
): GraphReply {
  if (!authenticate(rt.store, authorization).has(wabaId)) throw unknownObject(wabaId, method);
  if (method === 'post') return ok({ success: true });
  return ok({ data: [{ whatsapp_business_api_data: { id: rt.options.appId, name: 'Lifeline' } }] });
}
