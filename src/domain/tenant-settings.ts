import { z } from 'zod';
import { escalationSettingsSchema } from './conversations/escalation-settings';
import { outboundUrlSchema } from './outbound-url';
import { ROUTING_POLICIES } from './resolver/types';
import { boundedInt, boundedNumber, durationSchema, patternText, safeText } from './safe-input';

const keywords = z.array(safeText(100)).max(200);

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
      /** An attempt whose outcome is unknown waits this long for a status before it is resent. */
      unknownOutcomeWait: durationSchema.default(2 * 60_000),
      /** After the status timeout, a late failure still triggers failover or fallback for this long. */
      lateStatusWindow: durationSchema.default(24 * 3_600_000),
    })
    .prefault({}),
  /** Template attempts (combinations) one message may use. */
  maxAttempts: boundedInt(1, 20).default(6),
  /** Resends, in all, of an attempt whose outcome is unknown (a transient send failure), deduplicated by id. */
  maxResends: boundedInt(0, 20).default(6),
  /** How equally acceptable WABAs and numbers share traffic (docs/capacity.md); a message may override it. */
  routing: z.enum(ROUTING_POLICIES).default('primary-first'),
  smartUtilityFallback: z
    .object({
      enabled: z.boolean().default(false),
      consentTemplate: patternText(/^[a-z0-9_]{1,512}$/, 'must be a template name').optional(),
      waitFor: durationSchema.default(24 * 3_600_000),
      recoverableCodes: z.array(boundedInt(0, 10_000_000)).max(50).default([131049]),
      maxPromptsPerContact: boundedInt(0, 1000).default(2),
      promptPeriod: durationSchema.default(7 * 86_400_000),
    })
    .prefault({}),
  /** How campaigns are driven (docs/campaigns.md); defaults suit production, tests shrink the durations. */
  campaigns: z
    .object({
      batchSize: boundedInt(1, 1000).default(200),
      window: boundedInt(1, 64).default(4),
      unknownAfter: durationSchema.default(60_000),
      statusTimeout: durationSchema.default(10 * 60_000),
      settlePoll: durationSchema.default(1_000),
      deferBackoff: durationSchema.default(5_000),
      /** While every portfolio is at its daily limit: how often the campaign asks whether capacity is back. */
      capacityRecheck: durationSchema.default(60_000),
      maxHistoryEvents: boundedInt(100, 40_000).default(10_000),
    })
    .prefault({}),
  optOutKeywords: keywords.optional(),
  /** One list for every language, or lists per language (`{ "es": [...] }`); docs/conversations.md has the rule. */
  escalationKeywords: z
    .union([keywords, z.record(patternText(/^[a-z]{2,3}$/, 'must be a language code like "es"', 3), keywords)])
    .optional(),
  /** Where escalations are forwarded: https, public addresses only (docs/security.md, "Outbound calls"). */
  escalationWebhookUrl: outboundUrlSchema.optional(),
  escalation: escalationSettingsSchema.prefault({}),
  /**
   * A tenant's own Meta app secret (webhook signatures), in addition to the global one. Accepted on input only:
   * it is sealed into its own column at creation and never kept in settings (TenantsRepo.appSecretOf).
   */
  metaAppSecret: safeText(512, 8).optional(),
  rateCard: z
    .record(
      patternText(/^(\*|[A-Z]{2})$/, 'must be an ISO country code or *', 2),
      z.record(patternText(/^[a-z_]{1,40}$/, 'must be a pricing category', 40), boundedNumber(0, 1000)),
    )
    .optional(),
});

export type TenantSettings = z.infer<typeof tenantSettingsSchema>;

/**
 * Stored settings as policy. Settings stored before a rule tightened (an http escalation URL, say) must neither
 * break every request of the tenant nor slip past the rule: each top-level field the current schema refuses is
 * dropped (its default applies).
 */
export function readTenantSettings(raw: unknown): TenantSettings {
  const input = { ...((raw ?? {}) as Record<string, unknown>) };
  const first = tenantSettingsSchema.safeParse(input);
  if (first.success) return first.data;
  for (const issue of first.error.issues) delete input[String(issue.path[0])];
  return tenantSettingsSchema.parse(input);
}
