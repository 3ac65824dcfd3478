import { z } from 'zod';
import { HEALTH_FIELDS, healthChangeSchema } from './webhook-health-schemas';

/**
 * Meta's webhook payloads (docs/meta-cloud-api.md#webhooks). Unknown keys are dropped by parsing (the raw body stays in the
 * inbox); unknown *kinds* (a new inbound type, a new field) parse to an explicit `other` instead of failing, so
 * one novelty never makes a whole batch malformed.
 */
/** Unix seconds as Meta sends them (a digit string, sometimes a number); anything else is impossible content. */
export const unixSecondsSchema = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d{1,11}$/, 'must be Unix seconds'));

export const webhookErrorSchema = z.object({
  code: z.coerce.number().int().min(-2147483648).max(2147483647),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

/** docs/meta-cloud-api.md#webhooks: one delivery status. `status` stays a string: `played`, `warning`, … are ignored by the handler. */
export const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: unixSecondsSchema,
  recipient_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  errors: z.array(webhookErrorSchema).optional(),
  pricing: z
    .object({
      billable: z.boolean().optional(),
      pricing_model: z.string().optional(),
      type: z.string().optional(),
      category: z.string().optional(),
    })
    .optional(),
});

const inboundBase = {
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: unixSecondsSchema,
  context: z.object({ from: z.string().optional(), id: z.string().optional() }).optional(),
};

const KNOWN_INTERACTIVE = ['button_reply', 'list_reply', 'nfm_reply'];
const interactiveSchema = z.union([
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('button_reply'), button_reply: z.object({ id: z.string(), title: z.string() }) }),
    z.object({
      type: z.literal('list_reply'),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }),
    }),
    z.object({
      type: z.literal('nfm_reply'),
      nfm_reply: z.object({ name: z.string().optional(), response_json: z.string().optional() }),
    }),
  ]),
  z
    .object({ type: z.string().refine((t) => !KNOWN_INTERACTIVE.includes(t), 'known interactive type, bad shape') })
    .transform((v) => ({ type: 'other' as const, rawType: v.type })),
]);

const KNOWN_INBOUND = ['text', 'button', 'interactive'];
/** docs/meta-cloud-api.md#webhooks: one inbound message; media, location, reactions, … arrive as `type: 'other'` with `rawType`. */
export const inboundMessageSchema = z.union([
  z.discriminatedUnion('type', [
    z.object({ ...inboundBase, type: z.literal('text'), text: z.object({ body: z.string() }) }),
    z.object({
      ...inboundBase,
      type: z.literal('button'),
      button: z.object({ payload: z.string().optional(), text: z.string().optional() }),
    }),
    z.object({ ...inboundBase, type: z.literal('interactive'), interactive: interactiveSchema }),
  ]),
  z
    .object({ ...inboundBase, type: z.string().refine((t) => !KNOWN_INBOUND.includes(t), 'known type, bad shape') })
    .transform((m) => ({ ...m, type: 'other' as const, rawType: m.type })),
]);

/** docs/meta-cloud-api.md#webhooks: the customer used WhatsApp's own "stop promotions" / "resume". */
export const userPreferenceSchema = z.object({
  wa_id: z.string().min(1),
  category: z.string().optional(),
  value: z.string().min(1),
  detail: z.string().optional(),
  timestamp: unixSecondsSchema.optional(),
});

const metadataSchema = z.object({
  display_phone_number: z.string().optional(),
  phone_number_id: z.string().min(1),
});

/** Items stay unparsed here and are parsed one by one, so one bad item does not sink its neighbours. */
export const messagesValueSchema = z.object({
  metadata: metadataSchema,
  statuses: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
});

export const userPreferencesValueSchema = z.object({
  metadata: metadataSchema.optional(),
  user_preferences: z.array(z.unknown()),
});

/** A change, discriminated by `field`: every field Lifeline acts on. Other fields are acknowledged and ignored. */
export const webhookChangeSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('messages'), value: messagesValueSchema }),
  z.object({ field: z.literal('user_preferences'), value: userPreferencesValueSchema }),
  ...healthChangeSchema.options,
]);
export const HANDLED_FIELDS: readonly string[] = ['messages', 'user_preferences', ...HEALTH_FIELDS];

export const changeSchema = z.object({ field: z.string().min(1), value: z.record(z.string(), z.unknown()) });

/** One entry (a WABA); a non-numeric `time` is dropped rather than sinking the entry. */
export const entrySchema = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  time: z.unknown().transform((t) => {
    const n = typeof t === 'string' && /^\d{1,11}$/.test(t) ? Number(t) : t;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  }),
  changes: z.array(z.unknown()),
});

/**
 * docs/meta-cloud-api.md#webhooks. Only the envelope's frame is checked here (the route refuses non-envelopes); each entry and each change
 * is parsed on its own when processed, so one odd entry never rejects its siblings.
 */
export const webhookEnvelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.unknown()).min(1),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;
export type WebhookEntry = z.infer<typeof entrySchema>;
export type StatusPayload = z.infer<typeof statusSchema>;
export type InboundPayload = z.infer<typeof inboundMessageSchema>;
export type UserPreferencePayload = z.infer<typeof userPreferenceSchema>;
export type WebhookChange = z.infer<typeof webhookChangeSchema>;
