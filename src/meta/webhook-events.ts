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
  | { kind: 'malformed'; key: string; wabaId: string; field: string; problem: string };

const digest = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);

const problemOf = (err: z.ZodError) => err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

/**
 * Pure: flattens an envelope into events. Nothing throws: a change or an item that does not parse becomes a
 * `malformed` event (acknowledged and logged), a field Lifeline does not act on an `ignored` one.
 */
export function extractEvents(envelope: WebhookEnvelope): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (const entry of envelope.entry) {
    const wabaId = entry.id;
    for (const raw of entry.changes) {
      const malformed = (problem: string, item: unknown = raw.value): WebhookEvent => ({
        kind: 'malformed',
        key: `malformed:${raw.field}:${digest(item)}`,
        wabaId,
        field: raw.field,
        problem,
      });
      if (!HANDLED_FIELDS.includes(raw.field)) {
        events.push({ kind: 'ignored', key: `ignored:${raw.field}:${digest(raw.value)}`, wabaId, field: raw.field });
        continue;
      }
      const parsed = webhookChangeSchema.safeParse(raw);
      if (!parsed.success) {
        events.push(malformed(problemOf(parsed.error)));
        continue;
      }
      const change = parsed.data;
      if (change.field === 'messages') {
        const phoneNumberId = change.value.metadata.phone_number_id;
        for (const item of change.value.statuses ?? []) {
          const s = statusSchema.safeParse(item);
          if (!s.success) events.push(malformed(problemOf(s.error), item));
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
          if (!m.success) events.push(malformed(problemOf(m.error), item));
          else events.push({ kind: 'inbound', key: `inbound:${m.data.id}`, wabaId, phoneNumberId, message: m.data });
        }
      } else if (change.field === 'user_preferences') {
        const phoneNumberId = change.value.metadata?.phone_number_id;
        for (const item of change.value.user_preferences) {
          const p = userPreferenceSchema.safeParse(item);
          if (!p.success) {
            events.push(malformed(problemOf(p.error), item));
            continue;
          }
          const key = `pref:${p.data.wa_id}:${p.data.value}:${p.data.timestamp ?? digest(item)}`;
          events.push({ kind: 'user_preference', key, wabaId, phoneNumberId, preference: p.data });
        }
      } else {
        // A management event repeated later (paused, reinstated, paused again) is a new fact: time is in the key.
        events.push({
          kind: 'health',
          key: `${change.field}:${wabaId}:${digest(raw.value)}:${entry.time ?? ''}`,
          wabaId,
          change,
          time: entry.time,
        });
      }
    }
  }
  return events;
}
