import crypto from 'node:crypto';
import type { z } from 'zod';
import type { HealthChange } from './webhook-health-schemas';
import {
  HANDLED_FIELDS,
  inboundMessageSchema,
  statusSchema,
  userPreferenceSchema,
  webhookChangeSchema,
  type InboundPayload,
  type StatusPayload,
  type UserPreferencePayload,
  type WebhookEnvelope,
  changeSchema,
  entrySchema,
} from './webhook-schemas';

/** One thing a webhook body tells us. `key` deduplicates it across deliveries and batches. */
export type WebhookEvent =
  | { kind: 'status'; key: string; wabaId: string; phoneNumberId: string; status: StatusPayload }
  | { kind: 'inbound'; key: string; wabaId: string; phoneNumberId: string; message: InboundPayload }
  | {
      kind: 'user_preference';
      key: string;
      wabaId: string;
      phoneNumberId?: string;
      preference: UserPreferencePayload;
    }
  | { kind: 'health'; key: string; wabaId: string; change: HealthChange; time?: number }
  | { kind: 'ignored'; key: string; wabaId: string; field: string }
  | { kind: 'malformed'; key: string; wabaId: string; field: string; problem: string; raw: unknown };

const digest = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);

const problemOf = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/**
 * Pure: flattens an envelope into events. Nothing throws: an entry, a change or an item that does not parse
 * becomes a `malformed` event (dead-lettered with its problem), a field Lifeline does not act on an `ignored`
 * one; its siblings are unaffected.
 */
export function extractEvents(envelope: WebhookEnvelope): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (const rawEntry of envelope.entry) {
    const entry = entrySchema.safeParse(rawEntry);
    if (!entry.success) {
      const problem = `entry: ${problemOf(entry.error)}`;
      events.push({
        kind: 'malformed',
        key: `malformed:entry:${digest(rawEntry)}`,
        wabaId: '',
        field: 'entry',
        problem,
        raw: rawEntry,
      });
      continue;
    }
    const wabaId = entry.data.id;
    for (const rawChange of entry.data.changes) {
      const malformed = (field: string, problem: string, item: unknown): WebhookEvent => ({
        kind: 'malformed',
        key: `malformed:${field}:${digest(item)}`,
        wabaId,
        field,
        problem,
        raw: item,
      });
      const frame = changeSchema.safeParse(rawChange);
      if (!frame.success) {
        const field = (rawChange as { field?: unknown } | null)?.field;
        events.push(malformed(typeof field === 'string' ? field : 'change', problemOf(frame.error), rawChange));
        continue;
      }
      const raw = frame.data;
      if (!HANDLED_FIELDS.includes(raw.field)) {
        events.push({ kind: 'ignored', key: `ignored:${raw.field}:${digest(raw.value)}`, wabaId, field: raw.field });
        continue;
      }
      const parsed = webhookChangeSchema.safeParse(raw);
      if (!parsed.success) {
        events.push(malformed(raw.field, problemOf(parsed.error), raw.value));
        continue;
      }
      const change = parsed.data;
      if (change.field === 'messages') {
        const phoneNumberId = change.value.metadata.phone_number_id;
        for (const item of change.value.statuses ?? []) {
          const s = statusSchema.safeParse(item);
          if (!s.success) events.push(malformed(raw.field, problemOf(s.error), item));
          else
            events.push({
              kind: 'status',
              key: `status:${s.data.id}:${s.data.status}`,
              wabaId,
              phoneNumberId,
              status: s.data,
            });
        }
        for (const item of change.value.messages ?? []) {
          const m = inboundMessageSchema.safeParse(item);
          if (!m.success) events.push(malformed(raw.field, problemOf(m.error), item));
          else events.push({ kind: 'inbound', key: `inbound:${m.data.id}`, wabaId, phoneNumberId, message: m.data });
        }
      } else if (change.field === 'user_preferences') {
        const phoneNumberId = change.value.metadata?.phone_number_id;
        for (const item of change.value.user_preferences) {
          const p = userPreferenceSchema.safeParse(item);
          if (!p.success) {
            events.push(malformed(raw.field, problemOf(p.error), item));
            continue;
          }
          const key = `pref:${p.data.wa_id}:${p.data.value}:${p.data.timestamp ?? digest(item)}`;
          events.push({ kind: 'user_preference', key, wabaId, phoneNumberId, preference: p.data });
        }
      } else {
        // A management event repeated later (paused, reinstated, paused again) is a new fact: time is in the key.
        events.push({
          kind: 'health',
          key: `${change.field}:${wabaId}:${digest(raw.value)}:${entry.data.time ?? ''}`,
          wabaId,
          change,
          time: entry.data.time,
        });
      }
    }
  }
  return events;
}
