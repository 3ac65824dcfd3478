import type { z } from 'zod';
import {
  appendRecipientsBodySchema,
  campaignRecipientSchema,
  campaignsQuerySchema,
  createCampaignBodySchema,
  recipientsQuerySchema,
} from './schemas/campaigns';

type Op = (summary: string, body?: z.ZodType, extra?: Record<string, unknown>) => Record<string, unknown>;
type Schema = (s: z.ZodType) => Record<string, unknown>;

function queryParameters(schema: Schema, query: z.ZodType) {
  const props = (schema(query) as { properties?: Record<string, unknown> }).properties ?? {};
  return Object.entries(props).map(([name, s]) => ({ name, in: 'query', schema: s }));
}

/** The campaign routes of the public contract (docs/campaigns.md), from the zod schemas that validate them. */
export function campaignPaths(op: Op, schema: Schema) {
  const recipient = schema(campaignRecipientSchema);
  return {
    '/v1/campaigns': {
      post: op(
        'Create a campaign (201; the same idempotencyKey returns the same campaign). `recipients` (up to 10,000) are validated one by one: bad ones come back in `rejected`',
        createCampaignBodySchema,
        { 'x-recipient-schema': recipient },
      ),
      get: op('Campaigns with status, counts, failuresByReason, rate, eta, cost and rounds', undefined, {
        parameters: queryParameters(schema, campaignsQuerySchema),
      }),
    },
    '/v1/campaigns/{id}': {
      get: op(
        'A campaign with status, statusReason, counts, failuresByReason, rate, eta, capacity (the plan behind eta), cost and rounds',
      ),
    },
    '/v1/campaigns/{id}/recipients': {
      post: op(
        'Append recipients; answers { added, duplicates, rejected: [{ line, field, message }], rejectedTotal }',
        undefined,
        {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schema(appendRecipientsBodySchema), 'x-recipient-schema': recipient },
              'text/csv': {
                schema: { type: 'string', description: 'Streamed; header `to,ref,body.1,body.2,…` (line 1)' },
              },
            },
          },
        },
      ),
      get: op('A page of recipients with their message status (Accept: text/csv exports all)', undefined, {
        parameters: queryParameters(schema, recipientsQuerySchema),
      }),
    },
    '/v1/campaigns/{id}/start': { post: op('Start a draft campaign (idempotent)') },
    '/v1/campaigns/{id}/pause': { post: op('Pause: no new send within 1 s') },
    '/v1/campaigns/{id}/resume': { post: op('Resume a paused campaign') },
    '/v1/campaigns/{id}/cancel': { post: op('Cancel: recipients not yet sent end cancelled') },
  };
}
