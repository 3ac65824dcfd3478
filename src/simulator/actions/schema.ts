import { z } from 'zod';
import { GraphId, PhoneStatus, Quality, RestrictionType, TemplateCategory, Tier } from '../scenario/accounts-schema';
import { CustomerPatchSchema, CustomerReplySchema, WaId } from '../scenario/customers-schema';
import { DeliveryPatchSchema, LimitsPatchSchema } from '../scenario/settings-schema';
import { TemplateReviewPatchSchema } from '../templates/review-settings';

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
 * "Unknown outcome" faults: Meta accepts the send (the customer will get it) but the sender never learns so —
 * the HTTP response is held past the client's timeout (`delay`) or the connection is reset (`reset`). The
 * message's status webhooks can be held back as well, so a client that resends on a timeout, before any status
 * could tell it Meta had the message, is caught delivering a second copy.
 */
export const UnknownOutcomeSchema = z.object({
  /** Every given field must match the send; an empty scope matches every send. */
  scope: ErrorScopeSchema,
  /** `delay`: answer 200 only after `responseDelayMs`; `reset`: destroy the connection without an answer. */
  mode: z.enum(['delay', 'reset']),
  responseDelayMs: z.number().int().min(0).max(600_000).default(15_000),
  /** Extra delay before the accepted message's status webhooks (on top of the usual status delay). */
  statusDelayMs: z.number().int().min(0).max(3_600_000).default(0),
  /** Chance that a matching send gets the fault. */
  rate: z.number().min(0).max(1).default(1),
  /** Stop after this many faults. */
  count: z.number().int().positive().optional(),
});
export type UnknownOutcome = z.infer<typeof UnknownOutcomeSchema>;

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
  UnknownOutcomeSchema.extend({ type: z.literal('injectUnknownOutcome') }),
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
  TemplateReviewPatchSchema.extend({ type: z.literal('setTemplateReview') }),
  CustomerPatchSchema.extend({ type: z.literal('setCustomer'), waId: WaId }),
  z.object({ type: z.literal('customerReply'), waId: WaId, reply: CustomerReplySchema }),
]);
export type ControlAction = z.infer<typeof ControlActionSchema>;
export type ControlActionInput = z.input<typeof ControlActionSchema>;
