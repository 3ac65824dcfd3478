import { z } from 'zod';

/** Limits Meta enforces that tests need to shrink or switch (§7). */
export const LimitsSchema = z.object({
  /** Pair rate (131056): a token bucket per (number, recipient) of `burst` tokens refilled one per `intervalMs`. */
  pairRate: z
    .object({
      burst: z.number().int().positive().default(45),
      intervalMs: z.number().int().positive().default(6000),
    })
    .prefault({}),
  /**
   * Portfolio messaging limit exceeded: Meta documents no code (§4.4 note), so it is configurable; the default
   * is the 131048 BSPs report. `async` accepts the send and fails it by webhook instead.
   */
  portfolioLimit: z
    .object({
      code: z.number().int().default(131048),
      mode: z.enum(['sync', 'async']).default('sync'),
    })
    .prefault({}),
  /** Marketing templates to +1 numbers fail with 131049 (Meta since 2025-04-01). */
  usMarketingBlocked: z.boolean().default(true),
  /** Marketing cap for customers that do not set one (null = no cap). */
  defaultMarketingCap: z.number().int().min(0).nullable().default(null),
  /** Recipients not declared as customers are on WhatsApp (true) or fail with 131026 (false). */
  unknownRecipientsOnWhatsApp: z.boolean().default(true),
});
export type Limits = z.infer<typeof LimitsSchema>;
export const LimitsPatchSchema = z.object({
  pairRate: z
    .object({ burst: z.number().int().positive(), intervalMs: z.number().int().positive() })
    .partial()
    .optional(),
  portfolioLimit: z
    .object({ code: z.number().int(), mode: z.enum(['sync', 'async']) })
    .partial()
    .optional(),
  usMarketingBlocked: z.boolean().optional(),
  defaultMarketingCap: z.number().int().min(0).nullable().optional(),
  unknownRecipientsOnWhatsApp: z.boolean().optional(),
});
export type LimitsPatch = z.infer<typeof LimitsPatchSchema>;

/** How status webhooks are delivered (§5.3): at-least-once and unordered, when switched on. */
export const DeliverySchema = z.object({
  /** Delay between status steps (sent → delivered → read); null = the simulator option. */
  statusDelayMs: z.number().int().min(0).max(600_000).nullable().default(null),
  /** Chance that a status webhook is sent twice. */
  duplicateRate: z.number().min(0).max(1).default(0),
  /** Chance that a message's `delivered` arrives before its `sent`. */
  outOfOrderRate: z.number().min(0).max(1).default(0),
});
export type Delivery = z.infer<typeof DeliverySchema>;
export const DeliveryPatchSchema = DeliverySchema.partial();
export type DeliveryPatch = z.infer<typeof DeliveryPatchSchema>;
