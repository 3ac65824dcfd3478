import { z } from 'zod';

/** Meta's webhook envelope (META-CLOUD-API.md §5.4). Unknown fields pass through: Meta adds them often. */
export const webhookErrorSchema = z.object({
  code: z.coerce.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
  href: z.string().optional(),
});

export const statusSchema = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  timestamp: z.coerce.string(),
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

export const inboundMessageSchema = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.coerce.string(),
  type: z.string().min(1),
  context: z.object({ from: z.string().optional(), id: z.string().optional() }).optional(),
  text: z.object({ body: z.string() }).optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string().optional() }).optional(),
      list_reply: z
        .object({ id: z.string(), title: z.string().optional(), description: z.string().optional() })
        .optional(),
    })
    .optional(),
});

export const messagesValueSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.object({ display_phone_number: z.string().optional(), phone_number_id: z.string().min(1) }),
  contacts: z
    .array(z.object({ wa_id: z.string().optional(), profile: z.object({ name: z.string().optional() }).optional() }))
    .optional(),
  statuses: z.array(statusSchema).optional(),
  messages: z.array(inboundMessageSchema).optional(),
  user_preferences: z
    .array(
      z.object({
        wa_id: z.string(),
        category: z.string().optional(),
        value: z.string(),
        timestamp: z.coerce.string().optional(),
      }),
    )
    .optional(),
});

export const changeSchema = z.object({ field: z.string().min(1), value: z.record(z.string(), z.unknown()) });

export const webhookEnvelopeSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string().min(1),
        time: z.coerce.number().optional(),
        changes: z.array(changeSchema),
      }),
    )
    .min(1),
});

export type WebhookEnvelope = z.infer<typeof webhookEnvelopeSchema>;
export type StatusPayload = z.infer<typeof statusSchema>;
export type InboundPayload = z.infer<typeof inboundMessageSchema>;
