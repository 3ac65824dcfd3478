import { z } from 'zod';
import { CONTENT_SCHEMAS } from './content';
import { INTERACTIVE_SCHEMAS } from './interactive';
import { failure, parseMeta, type ValidationFailure } from './result';
import { matchTemplate, type RenderedTemplate, type TemplateLike } from './template-match';
import { TemplateRequestSchema } from './template-request';

export const MESSAGE_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'template',
  'interactive',
  'location',
  'contacts',
  'reaction',
] as const;

/** What validation needs to know beyond the body; every field is optional so builders can be checked alone. */
export interface OutboundContext {
  /** Templates of the sending WABA. Omitted: template sends are checked for shape only. */
  templates?: readonly TemplateLike[];
  /** Whether the (number, recipient) service window is open. Omitted: treated as open (no 131047 check). */
  windowOpen?: boolean;
  /** The sending number's own wa_id, to reject messages to itself (131021). */
  senderWaId?: string;
}

/** An accepted body, with what the simulator needs to route, price and render it. */
export interface ValidatedMessage {
  kind: 'template' | 'session' | 'read_receipt';
  type: string;
  /** `to` as sent (echoed as `contacts[].input`). */
  to: string;
  /** Normalised recipient id (digits). */
  waId: string;
  bizOpaqueCallbackData?: string;
  contextMessageId?: string;
  template?: TemplateLike;
  rendered?: RenderedTemplate;
  interactiveType?: string;
  /** For read receipts: the inbound wamid being marked read. */
  readMessageId?: string;
}

export type OutboundResult = { ok: true; message: ValidatedMessage } | ValidationFailure;

const Envelope = z.object({
  messaging_product: z.literal('whatsapp'),
  recipient_type: z.literal('individual', { error: 'only "individual" is supported' }).optional(),
  to: z.union([z.string().min(1), z.number().int().transform(String)]),
  type: z.enum(MESSAGE_TYPES).default('text'),
  context: z.object({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512, 'must be at most 512 characters').optional(),
});

const ReadReceipt = z.object({
  messaging_product: z.literal('whatsapp'),
  status: z.literal('read'),
  message_id: z.string().min(1),
  typing_indicator: z.object({ type: z.literal('text') }).optional(),
});

/** Digits of a phone number as written (`+1 (555) 123-4567` → `15551234567`), or undefined if it is not one. */
export function normaliseWaId(to: string): string | undefined {
  const digits = to.replace(/[\s()+.-]/g, '');
  return /^\d{5,15}$/.test(digits) ? digits : undefined;
}

/**
 * Validates a body for `POST /{PNID}/messages` against Meta's rules and limits (§2, §3), pure: the Graph
 * route, and Lifeline's tests of its message builders, share it.
 */
export function validateOutbound(body: unknown, context: OutboundContext = {}): OutboundResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return failure(100, 'the request body must be a JSON object');
  }
  const record = body as Record<string, unknown>;
  if (record.status !== undefined) {
    const read = parseMeta(ReadReceipt, body, '');
    if (!read.ok) return read;
    return {
      ok: true,
      message: { kind: 'read_receipt', type: 'read', to: '', waId: '', readMessageId: read.value.message_id },
    };
  }
  const envelope = parseMeta(Envelope, body, '');
  if (!envelope.ok) return envelope;
  const env = envelope.value;
  const waId = normaliseWaId(env.to);
  if (!waId) return failure(100, `to: "${env.to}" is not a valid phone number`);
  if (context.senderWaId !== undefined && waId === context.senderWaId) {
    return failure(131021, 'to: the recipient is the sending phone number');
  }
  const base: ValidatedMessage = {
    kind: env.type === 'template' ? 'template' : 'session',
    type: env.type,
    to: env.to,
    waId,
    ...(env.biz_opaque_callback_data !== undefined ? { bizOpaqueCallbackData: env.biz_opaque_callback_data } : {}),
    ...(env.context ? { contextMessageId: env.context.message_id } : {}),
  };
  const content = record[env.type];
  if (content === undefined) return failure(131008, `Parameter '${env.type}' is required`);

  if (env.type === 'template') return validateTemplate(base, content, context);
  if (env.type === 'interactive') {
    const kind = (content as { type?: unknown } | null)?.type;
    const schema = typeof kind === 'string' ? INTERACTIVE_SCHEMAS[kind] : undefined;
    if (kind === undefined) return failure(131008, "Parameter 'interactive.type' is required");
    if (!schema) return failure(131009, `interactive.type: "${String(kind)}" is not supported (button, list, cta_url)`);
    const parsed = parseMeta(schema, content, 'interactive');
    if (!parsed.ok) return parsed;
    base.interactiveType = kind as string;
  } else {
    const parsed = parseMeta(CONTENT_SCHEMAS[env.type] as z.ZodType, content, env.type);
    if (!parsed.ok) return parsed;
  }
  if (context.windowOpen === false) {
    return failure(
      131047,
      'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    );
  }
  return { ok: true, message: base };
}

function validateTemplate(base: ValidatedMessage, content: unknown, context: OutboundContext): OutboundResult {
  const parsed = parseMeta(TemplateRequestSchema, content, 'template');
  if (!parsed.ok) return parsed;
  if (!context.templates) return { ok: true, message: base };
  const match = matchTemplate(parsed.value, context.templates);
  if (!match.ok) return match;
  return { ok: true, message: { ...base, template: match.template, rendered: match.rendered } };
}
