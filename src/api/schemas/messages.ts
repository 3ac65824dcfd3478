import { z } from 'zod';
import { boundedInt, durationSchema, safeText } from '../../domain/safe-input';
import { graphIdSchema, languageSchema, templateNameSchema, waIdSchema } from './common';
import { ROUTING_POLICIES } from '../../domain/resolver/types';

const headerParam = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: safeText(60) }),
  z.object({
    type: z.enum(['image', 'video', 'document']),
    link: z.url({ protocol: /^https?$/ }).pipe(safeText(2048)),
    filename: safeText(240).optional(),
  }),
  z.object({
    type: z.literal('location'),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    name: z.string().min(1).max(1000).optional(),
    address: z.string().min(1).max(1000).optional(),
  }),
]);

export const sendParametersSchema = z
  .object({
    header: headerParam.optional(),
    body: z
      .union([z.array(safeText(1024)).max(100), z.record(z.string().regex(/^[a-z0-9_]{1,100}$/), safeText(1024))])
      .optional(),
    buttons: z
      .array(
        z.object({
          index: boundedInt(0, 9),
          text: safeText(2000).optional(),
          payload: safeText(1000).optional(),
          couponCode: safeText(15).optional(),
        }),
      )
      .max(10)
      .optional(),
  })
  .strict();

/** Where a send should go if it can (a WABA, a number); shared with campaigns. */
export const preferSchema = z
  .object({ wabaId: graphIdSchema.optional(), phoneNumberId: graphIdSchema.optional() })
  .strict();

/** Smart Utility Fallback for a message (docs/smart-utility-fallback.md); shared with campaigns. */
export const smartUtilityFallbackSchema = z
  .object({
    enabled: z.boolean(),
    consentTemplate: templateNameSchema.optional(),
    consentParameters: sendParametersSchema.optional(),
    waitFor: durationSchema.optional(),
  })
  .strict();

/** POST /v1/messages (docs/api.md). */
export const sendMessageBodySchema = z
  .object({
    to: waIdSchema,
    template: templateNameSchema,
    language: languageSchema,
    parameters: sendParametersSchema.optional(),
    idempotencyKey: safeText(200).optional(),
    campaignId: safeText(200).optional(),
    prefer: preferSchema.optional(),
    /** Overrides the tenant's `routing` for this message (docs/capacity.md). */
    routing: z.enum(ROUTING_POLICIES).optional(),
    smartUtilityFallback: smartUtilityFallbackSchema.optional(),
  })
  .strict();

export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;

export const messageIdParams = z.object({ id: z.uuid('must be a message id (UUID)') });
