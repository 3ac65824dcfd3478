import { z } from 'zod';
import { boundedInt, boundedNumber, durationSchema, isoDateTime, safeText } from '../../domain/safe-input';
import { pageQueryShape } from '../pagination';
import { languageSchema, templateNameSchema, waIdSchema } from './common';
import { ROUTING_POLICIES } from '../../domain/resolver/types';
import { preferSchema, sendParametersSchema, smartUtilityFallbackSchema } from './messages';

/** The most recipients one JSON call may carry (docs/campaigns.md, "API"); CSV uploads stream any number. */
export const MAX_JSON_RECIPIENTS = 10_000;

/** One recipient of a campaign; its parameters override the campaign's. */
export const campaignRecipientSchema = z
  .object({
    to: waIdSchema,
    ref: safeText(200).optional(),
    parameters: sendParametersSchema.optional(),
  })
  .strict();
export type CampaignRecipientInput = z.infer<typeof campaignRecipientSchema>;

// Recipients are validated one by one (a bad one is reported, never fatal), so the envelope only bounds the list.
const recipientList = z.array(z.unknown()).max(MAX_JSON_RECIPIENTS, `at most ${MAX_JSON_RECIPIENTS} a call`);

/** POST /v1/campaigns (docs/campaigns.md, "API"). */
export const createCampaignBodySchema = z
  .object({
    name: safeText(200),
    template: templateNameSchema,
    language: languageSchema,
    parameters: sendParametersSchema.optional(),
    recipients: recipientList.optional(),
    idempotencyKey: safeText(200).optional(),
    startAt: isoDateTime.optional(),
    start: z.boolean().optional(),
    maxPerSecond: boundedInt(1, 100_000).optional(),
    retries: z
      .object({
        rounds: boundedInt(0, 3).default(0),
        after: durationSchema.prefault('6h').refine((ms) => ms <= 7 * 86_400_000, 'must be at most 7d'),
      })
      .strict()
      .optional(),
    smartUtilityFallback: smartUtilityFallbackSchema.optional(),
    guard: z
      .object({ maxFailureRate: boundedNumber(0, 1) })
      .strict()
      .optional(),
    prefer: preferSchema.optional(),
    /** Overrides the tenant's `routing` for this campaign's sends (docs/capacity.md, "Routing policy"). */
    routing: z.enum(ROUTING_POLICIES).optional(),
  })
  .strict();
export type CreateCampaignBody = z.infer<typeof createCampaignBodySchema>;

/** POST /v1/campaigns/:id/recipients with a JSON body. */
export const appendRecipientsBodySchema = z.object({ recipients: recipientList.min(1) }).strict();

export const campaignIdParams = z.object({ id: z.uuid('must be a campaign id (UUID)') });

/** Recipient pages go up to 1,000 (a campaign holds millions); the cursor is the shared opaque one. */
const recipientLimitSchema = z.coerce.number().pipe(boundedInt(1, 1000)).default(100);

export const RECIPIENT_STATUSES = [
  'accepted',
  'sending',
  'sent',
  'delivered',
  'read',
  'awaiting_consent',
  'declined',
  'expired',
  'failed',
  'cancelled',
] as const;

/** GET /v1/campaigns/:id/recipients */
export const recipientsQuerySchema = z
  .object({ status: z.enum(RECIPIENT_STATUSES).optional(), cursor: pageQueryShape.cursor, limit: recipientLimitSchema })
  .strict();

/** GET /v1/campaigns */
export const campaignsQuerySchema = z.object(pageQueryShape).strict();
