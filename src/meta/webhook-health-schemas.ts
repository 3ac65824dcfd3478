import { z } from 'zod';

/**
 * Account, phone and template management fields (docs/meta-cloud-api.md#webhooks). Enumerations Meta extends
 * often (restriction types, review decisions, template events) stay strings: the pure mapping
 * (src/domain/webhook-health.ts) and health evaluation decide what an unknown value means.
 */

/** Unix seconds as a JSON number or a string of digits. */
const unixSeconds = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);
/** Template ids are JSON numbers in webhooks (quoted by parseWebhookJson when read from raw bytes): a string id. */
const templateId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

const ACCOUNT_EVENTS = [
  'DISABLED_UPDATE',
  'ACCOUNT_VIOLATION',
  'ACCOUNT_RESTRICTION',
  'ACCOUNT_DELETED',
  'ACCOUNT_OFFBOARDED',
  'ACCOUNT_RECONNECTED',
];

/** docs/meta-cloud-api.md#webhooks, discriminated by `event`; informational events (VERIFIED_ACCOUNT, PARTNER_*, pricing…) as `other`. */
export const accountUpdateSchema = z.union([
  z.discriminatedUnion('event', [
    z.object({
      event: z.literal('DISABLED_UPDATE'),
      ban_info: z.object({
        waba_ban_state: z.enum(['SCHEDULE_FOR_DISABLE', 'DISABLE', 'REINSTATE']),
        waba_ban_date: z.union([z.string(), z.number()]).optional(),
      }),
    }),
    z.object({
      event: z.literal('ACCOUNT_VIOLATION'),
      violation_info: z.object({ violation_type: z.string().min(1) }),
    }),
    z.object({
      event: z.literal('ACCOUNT_RESTRICTION'),
      restriction_info: z
        .array(z.object({ restriction_type: z.string().min(1), expiration: unixSeconds.optional() }))
        .default([]),
    }),
    z.object({ event: z.literal('ACCOUNT_DELETED') }),
    z.object({ event: z.literal('ACCOUNT_OFFBOARDED') }),
    z.object({ event: z.literal('ACCOUNT_RECONNECTED') }),
  ]),
  z.object({ event: z.string().refine((e) => !ACCOUNT_EVENTS.includes(e), 'known event, bad shape') }),
]);

/** docs/meta-cloud-api.md#webhooks. FLAGGED/UNFLAGGED/UPGRADE/DOWNGRADE (older docs, the simulator) and ONBOARDING/THROUGHPUT_UPGRADE. */
export const phoneQualityUpdateSchema = z.object({
  display_phone_number: z.coerce.string().optional(),
  event: z.string().min(1),
  current_limit: z.string().optional(),
  max_daily_conversations_per_business: z.string().optional(),
});

const templateRef = {
  message_template_id: templateId,
  message_template_name: z.string().optional(),
  message_template_language: z.string().optional(),
};

/** docs/meta-cloud-api.md#webhooks. */
export const templateStatusUpdateSchema = z.object({
  ...templateRef,
  event: z.string().min(1),
  message_template_category: z.string().optional(),
  reason: z.string().nullable().optional(),
  other_info: z.object({ title: z.string().optional(), description: z.string().optional() }).optional(),
  disable_info: z.object({ disable_date: z.union([z.string(), z.number()]).optional() }).optional(),
});

/** docs/meta-cloud-api.md#webhooks. */
export const templateQualityUpdateSchema = z.object({
  ...templateRef,
  previous_quality_score: z.string().optional(),
  new_quality_score: z.string().min(1),
});

/** docs/meta-cloud-api.md#webhooks `template_category_update`: `previous_category` = already recategorised; `correct_category` = announced. */
export const templateCategoryUpdateSchema = z.object({
  ...templateRef,
  new_category: z.string().min(1),
  previous_category: z.string().optional(),
  correct_category: z.string().optional(),
});

/** docs/meta-cloud-api.md#webhooks. */
export const accountReviewUpdateSchema = z.object({ decision: z.string().min(1) });

/** docs/meta-cloud-api.md#webhooks. The simulator reports number status changes as `PHONE_NUMBER_<STATUS>` alerts on the number. */
export const accountAlertsSchema = z.object({
  entity_type: z.string().min(1),
  entity_id: z.coerce.string().min(1),
  alert_info: z.object({
    alert_severity: z.string().optional(),
    alert_status: z.string().optional(),
    alert_type: z.string().min(1),
    alert_description: z.string().optional(),
  }),
});

/** docs/meta-cloud-api.md#webhooks (older payloads: `max_daily_conversation_per_phone` as an integer, -1 = unlimited). */
export const businessCapabilityUpdateSchema = z.object({
  max_daily_conversations_per_business: z.string().optional(),
  max_daily_conversation_per_phone: z.number().int().optional(),
  max_phone_numbers_per_business: z.number().int().optional(),
  max_phone_numbers_per_waba: z.number().int().optional(),
});

/** Every health-relevant change, discriminated by `field`. */
export const healthChangeSchema = z.discriminatedUnion('field', [
  z.object({ field: z.literal('account_update'), value: accountUpdateSchema }),
  z.object({ field: z.literal('account_review_update'), value: accountReviewUpdateSchema }),
  z.object({ field: z.literal('phone_number_quality_update'), value: phoneQualityUpdateSchema }),
  z.object({ field: z.literal('message_template_status_update'), value: templateStatusUpdateSchema }),
  z.object({ field: z.literal('message_template_quality_update'), value: templateQualityUpdateSchema }),
  z.object({ field: z.literal('template_category_update'), value: templateCategoryUpdateSchema }),
  z.object({ field: z.literal('business_capability_update'), value: businessCapabilityUpdateSchema }),
  z.object({ field: z.literal('account_alerts'), value: accountAlertsSchema }),
]);

export const HEALTH_FIELDS: readonly string[] = healthChangeSchema.options.map((o) => o.shape.field.value);

export type HealthChange = z.infer<typeof healthChangeSchema>;
