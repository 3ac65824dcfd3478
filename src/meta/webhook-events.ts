import crypto from 'node:crypto';
import { messagesValueSchema, type InboundPayload, type StatusPayload, type WebhookEnvelope } from './webhook-schemas';

/** One thing a webhook body tells us. `key` deduplicates it across deliveries and batches. */
export type WebhookEvent =
  | {
      kind: 'status';
      key: string;
      wabaId: string;
      phoneNumberId: string;
      status: StatusPayload;
    }
  | {
      kind: 'inbound';
      key: string;
      wabaId: string;
      phoneNumberId: string;
      message: InboundPayload;
    }
  | {
      kind: 'user_preference';
      key: string;
      wabaId: string;
      phoneNumberId: string;
      waId: string;
      value: string;
      category?: string;
    }
  | { kind: 'account'; key: string; wabaId: string; field: string; value: Record<string, unknown>; time?: number }
  | { kind: 'malformed'; key: string; wabaId: string; field: string; problem: string };

const digest = (v: unknown) => crypto.createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 24);

/** Pure: flattens an envelope into events. A change that does not parse becomes a `malformed` event, not a throw. */
export function extractEvents(envelope: WebhookEnvelope): WebhookEvent[] {
  const events: WebhookEvent[] = [];
  for (const entry of envelope.entry) {
    for (const change of entry.changes) {
      if (change.field !== 'messages') {
        events.push({
          kind: 'account',
          key: `${change.field}:${entry.id}:${digest(change.value)}:${entry.time ?? ''}`,
          wabaId: entry.id,
          field: change.field,
          value: change.value,
          time: entry.time,
        });
        continue;
      }
      const parsed = messagesValueSchema.safeParse(change.value);
      if (!parsed.success) {
        events.push({
          kind: 'malformed',
          key: `malformed:${digest(change.value)}`,
          wabaId: entry.id,
          field: change.field,
          problem: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
        });
        continue;
      }
      const v = parsed.data;
      const phoneNumberId = v.metadata.phone_number_id;
      for (const s of v.statuses ?? []) {
        events.push({ kind: 'status', key: `status:${s.id}:${s.status}`, wabaId: entry.id, phoneNumberId, status: s });
      }
      for (const m of v.messages ?? []) {
        events.push({ kind: 'inbound', key: `inbound:${m.id}`, wabaId: entry.id, phoneNumberId, message: m });
      }
      for (const p of v.user_preferences ?? []) {
        events.push({
          kind: 'user_preference',
          key: `pref:${p.wa_id}:${p.value}:${p.timestamp ?? digest(p)}`,
          wabaId: entry.id,
          phoneNumberId,
          waId: p.wa_id,
          value: p.value,
          category: p.category,
        });
      }
    }
  }
  return events;
}
