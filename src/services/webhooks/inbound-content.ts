import type { InboundPayload } from '../../meta/webhook-schemas';
import type { InboundReply } from '../../../workflows/definitions';

/** Pure views of an inbound message (docs/meta-cloud-api.md#webhooks) for keyword matching and workflow signals. */

/** Unix seconds (Meta's string) → ISO; an unparseable timestamp becomes "now" rather than failing the event. */
export function inboundAt(timestamp: string, now = Date.now()): string {
  const s = Number(timestamp);
  return new Date(Number.isFinite(s) && s > 0 ? s * 1000 : now).toISOString();
}

/** The machine payload of a tap: a template quick reply's payload, an interactive reply's id. */
export function replyPayload(m: InboundPayload): string | undefined {
  if (m.type === 'button') return m.button.payload;
  if (m.type === 'interactive') {
    if (m.interactive.type === 'button_reply') return m.interactive.button_reply.id;
    if (m.interactive.type === 'list_reply') return m.interactive.list_reply.id;
  }
  return undefined;
}

/** What the customer wrote or tapped, as text: a typed body, or a tapped choice's title and payload. */
export function inboundTexts(m: InboundPayload): string[] {
  switch (m.type) {
    case 'text':
      return [m.text.body];
    case 'button':
      return [m.button.text, m.button.payload].filter((t): t is string => t !== undefined);
    case 'interactive':
      if (m.interactive.type === 'button_reply')
        return [m.interactive.button_reply.title, m.interactive.button_reply.id];
      if (m.interactive.type === 'list_reply') return [m.interactive.list_reply.title, m.interactive.list_reply.id];
      return [];
    default:
      return [];
  }
}

/** The `reply` signal's argument (workflows/definitions.ts). */
export function toInboundReply(m: InboundPayload, phoneNumberId: string): InboundReply {
  const base = {
    wamid: m.id,
    from: m.from,
    phoneNumberId,
    timestamp: inboundAt(m.timestamp),
    ...(m.context?.id ? { contextWamid: m.context.id } : {}),
  };
  const payload = replyPayload(m);
  switch (m.type) {
    case 'text':
      return { ...base, kind: 'text', text: m.text.body };
    case 'button':
      return { ...base, kind: 'button', text: m.button.text, payload };
    case 'interactive':
      if (m.interactive.type === 'button_reply') {
        return { ...base, kind: 'button_reply', text: m.interactive.button_reply.title, payload };
      }
      if (m.interactive.type === 'list_reply') {
        return { ...base, kind: 'list_reply', text: m.interactive.list_reply.title, payload };
      }
      return { ...base, kind: 'other' };
    default:
      return { ...base, kind: 'other' };
  }
}
