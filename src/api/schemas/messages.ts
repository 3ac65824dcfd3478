import { z } from 'zod';
import { durationSchema } from '../../domain/duration';

const headerParam = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string().min(1).max(60) }),
  z.object({
    type: z.enum(['image', 'video', 'document']),
    link: z.url({ protocol: /^https?$/ }),
    filename: z.string().max(240).optional(),
  }),
]);

export const sendParametersSchema = z
  .object({
    header: headerParam.optional(),
    body: z
      .union([
        z.array(z.string().min(1).max(1024)).max(100),
        z.record(z.string().regex(/^[a-z0-9_]+$/), z.string().min(1).max(1024)),
      ])
      .optional(),
    buttons: z
      .array(
        z.object({
          index: z.number().int().min(0).max(9),
          text: z.string().min(1).max(2000).optional(),
          payload: z.string().min(1).max(1000).optional(),
          couponCode: z.string().min(1).max(15).optional(),
        }),
      )
      .max(10)
      .optional(),
  })
  .strict();

/** POST /v1/messages (docs/api.md). */
export const sendMessageBodySchema = z
  .object({
    to: z
      .string()
      .regex(/^\+?[1-9]\d{6,14}$/, 'must be a phone number in international format, e.g. +14155550123')
      .transform((s) => s.replace(/^\+/, '')),
    template: z
      .string()
      .regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase letters, digits, underscores)'),
    language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2,4})?$/, 'must be a locale such as en or en_US'),
    parameters: sendParametersSchema.optional(),
    idempotencyKey: z.string().min(1).max(200).optional(),
    campaignId: z.string().min(1).max(200).optional(),
    prefer: z
      .object({ wabaId: z.string().min(1).optional(), phoneNumberId: z.string().min(1).optional() })
      .strict()
      .optional(),
    smartUtilityFallback: z
      .object({
        enabled: z.boolean(),
        consentTemplate: z
          .string()
          .regex(/^[a-z0-9_]{1,512}$/)
          .optional(),
        consentParameters: sendParametersSchema.optional(),
        waitFor: durationSchema.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const messageIdParams = z.object({ id: z.uuid('must be a message id (UUID)') });
