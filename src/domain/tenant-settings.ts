import { z } from 'zod';
import { durationSchema } from './duration';

/** Per-tenant policy. Stored as JSON on the tenant; every field has a production default. */
export const tenantSettingsSchema = z.object({
  /** Business-initiated messages need a recorded opt-in (WhatsApp policy). */
  requireOptIn: z.boolean().default(true),
  timing: z
    .object({
      statusTimeout: durationSchema.default(10 * 60_000),
      deadline: durationSchema.default(24 * 3_600_000),
      noneBackoff: durationSchema.default(5_000),
      maxWait: durationSchema.default(5 * 60_000),
    })
    .prefault({}),
  /** Template attempts (combinations) one message may use. */
  maxAttempts: z.number().int().min(1).max(20).default(6),
  /** Resends, in all, of an attempt whose outcome is unknown (a transient send failure), deduplicated by id. */
  maxResends: z.number().int().min(0).max(20).default(6),
  smartUtilityFallback: z
    .object({
      enabled: z.boolean().default(false),
      consentTemplate: z.string().optional(),
      waitFor: durationSchema.default(24 * 3_600_000),
      recoverableCodes: z.array(z.number().int()).default([131049]),
      maxPromptsPerContact: z.number().int().min(0).default(2),
      promptPeriod: durationSchema.default(7 * 86_400_000),
    })
    .prefault({}),
  optOutKeywords: z.array(z.string().min(1)).optional(),
  escalationKeywords: z.array(z.string().min(1)).optional(),
  escalationWebhookUrl: z.url().optional(),
  /** A tenant's own Meta app secret (webhook signatures), in addition to the global one. */
  metaAppSecret: z.string().min(8).optional(),
  rateCard: z.record(z.string(), z.record(z.string(), z.number().min(0))).optional(),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

export function readTenantSettings(raw: unknown): TenantSettings {
  return tenantSettingsSchema.parse(raw ?? {});
}
