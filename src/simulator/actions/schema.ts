import { z } from 'zod';
import { GraphId, PhoneStatus, Quality, RestrictionType, TemplateCategory, Tier } from '../scenario/accounts-schema';
import { CustomerPatchSchema, CustomerReplySchema, WaId } from '../scenario/customers-schema';
import { DeliveryPatchSchema, LimitsPatchSchema } from '../scenario/settings-schema';

export const ErrorScopeSchema = z
  .object({
    phoneNumberId: z.string().optional(),
    wabaId: z.string().optional(),
    templateId: z.string().optional(),
    templateName: z.string().optional(),
    recipient: z.string().optional(),
  })
  .default({});
export type ErrorScope = z.infer<typeof ErrorScopeSchema>;

export const InjectErrorsSchema = z.object({
  /** Every given field must match the send; an empty scope matches every send. */
  scope: ErrorScopeSchema,
  code: z.number().int().nonnegative(),
  /** Chance that a matching send gets the error. */
  rate: z.number().min(0).max(1).default(1),
  /** `sync`: the send answers the error; `async`: it is accepted, then fails by webhook. */
  mode: z.enum(['sync', 'async']).default('sync'),
  /** Stop after this many injected errors. */
  count: z.number().int().positive().optional(),
  details: z.string().optional(),
});
export type InjectErrors = z.infer<typeof InjectErrorsSchema>;

/**
 * Every fault and state change the simulator can script. The control API maps each endpoint to one of these,
 * and a scenario's `timeline` lists them at offsets, so both paths run the same code.
 */
export const ControlActionSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('banWaba'),
    wabaId: GraphId,
    state: z.enum(['DISABLE', 'SCHEDULE_FOR_DISABLE']).default('DISABLE'),
  }),
  z.object({
    type: z.literal('restrictWaba'),
    wabaId: GraphId,
    restrictionType: RestrictionType.default('RESTRICTED_BIZ_INITIATED_MESSAGING'),
    durationMs: z.number().int().positive().default(86_400_000),
  }),
  z.object({ type: z.literal('reinstateWaba'), wabaId: GraphId }),
  z.object({ type: z.literal('expireToken'), wabaId: GraphId, expired: z.boolean().default(true) }),
  z.object({ type: z.literal('setPhoneQuality'), phoneNumberId: GraphId, quality: Quality }),
  z.object({ type: z.literal('setPhoneStatus'), phoneNumberId: GraphId, status: PhoneStatus }),
  z.object({ type: z.literal('pauseTemplate'), templateId: GraphId }),
  z.object({ type: z.literal('disableTemplate'), templateId: GraphId }),
  z.object({ type: z.literal('reinstateTemplate'), templateId: GraphId }),
  z.object({ type: z.literal('setTemplateQuality'), templateId: GraphId, quality: Quality }),
  z.object({ type: z.literal('setTemplateCategory'), templateId: GraphId, category: TemplateCategory }),
  z.object({ type: z.literal('setPortfolioTier'), portfolioId: GraphId, tier: Tier }),
  InjectErrorsSchema.extend({ type: z.literal('injectErrors') }),
  z.object({ type: z.literal('clearFaults') }),
  z.object({
    type: z.literal('setLatency'),
    ms: z.number().int().min(0).max(60_000),
    phoneNumberId: z.string().optional(),
  }),
  z.object({
    type: z.literal('setDown'),
    down: z.boolean(),
    httpStatus: z.number().int().min(500).max(599).default(503),
    code: z.number().int().default(131016),
  }),
  DeliveryPatchSchema.extend({ type: z.literal('setDelivery') }),
  LimitsPatchSchema.extend({ type: z.literal('setLimits') }),
  CustomerPatchSchema.extend({ type: z.literal('setCustomer'), waId: WaId }),
  z.object({ type: z.literal('customerReply'), waId: WaId, reply: CustomerReplySchema }),
]);
export type ControlAction = z.infer<typeof ControlActionSchema>;
export type ControlActionInput = z.input<typeof ControlActionSchema>;
