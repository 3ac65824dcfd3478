import { z } from 'zod';

/** Graph API response shapes Lifeline reads. Unknown fields pass through: Meta adds fields often. */
export const sendResponseSchema = z.object({
  messaging_product: z.literal('whatsapp'),
  contacts: z.array(z.object({ input: z.string().optional(), wa_id: z.string().optional() })).optional(),
  messages: z
    .array(z.object({ id: z.string().min(1), message_status: z.string().optional() }))
    .min(1, 'send response has no message id'),
});
export type SendResponse = z.infer<typeof sendResponseSchema>;

export const canSendSchema = z.enum(['AVAILABLE', 'LIMITED', 'BLOCKED']);

export const healthStatusSchema = z.object({
  can_send_message: canSendSchema,
  entities: z
    .array(
      z.object({
        entity_type: z.string(),
        id: z.string(),
        can_send_message: canSendSchema,
        additional_info: z.array(z.string()).optional(),
        errors: z
          .array(
            z.object({
              error_code: z.number(),
              error_description: z.string().optional(),
              possible_solution: z.string().optional(),
            }),
          )
          .optional(),
      }),
    )
    .default([]),
});
export type HealthStatus = z.infer<typeof healthStatusSchema>;

export const phoneNumberNodeSchema = z.object({
  id: z.string(),
  display_phone_number: z.string().default(''),
  verified_name: z.string().optional(),
  quality_rating: z.string().default('UNKNOWN'),
  status: z.string().default('UNKNOWN'),
  name_status: z.string().optional(),
  code_verification_status: z.string().optional(),
  platform_type: z.string().optional(),
  account_mode: z.string().optional(),
  whatsapp_business_manager_messaging_limit: z.string().optional(),
  messaging_limit_tier: z.string().optional(),
  throughput: z.object({ level: z.string() }).optional(),
  health_status: healthStatusSchema.optional(),
});
export type PhoneNumberNode = z.infer<typeof phoneNumberNodeSchema>;

export const wabaNodeSchema = z.object({
  id: z.string(),
  name: z.string().default(''),
  account_review_status: z.string().optional(),
  business_verification_status: z.string().optional(),
  owner_business_info: z.object({ id: z.string(), name: z.string().optional() }).optional(),
  health_status: healthStatusSchema.optional(),
});
export type WabaNode = z.infer<typeof wabaNodeSchema>;

export const templateNodeSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  category: z.string(),
  status: z.string(),
  components: z.array(z.record(z.string(), z.unknown())).default([]),
  quality_score: z.object({ score: z.string() }).partial().optional(),
  parameter_format: z.string().optional(),
  rejected_reason: z.string().optional(),
  health_status: healthStatusSchema.optional(),
});
export type TemplateNode = z.infer<typeof templateNodeSchema>;

/** `POST /{waba}/message_templates`: the new template's id, its review status and the category Meta gave it. */
export const templateCreatedSchema = z.object({ id: z.string(), status: z.string(), category: z.string() });
export type TemplateCreated = z.infer<typeof templateCreatedSchema>;

export const successSchema = z.object({ success: z.boolean() });

export function pagedSchema<T extends z.ZodTypeAny>(item: T) {
  return z.object({
    data: z.array(item),
    paging: z
      .object({ next: z.string().optional(), cursors: z.object({ after: z.string().optional() }).optional() })
      .optional(),
  });
}
