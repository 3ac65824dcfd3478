import { deliveryAnalyticsQuery } from './schemas/analytics';
import { z } from 'zod';
import { pageQueryShape } from './pagination';
import { createKeyBody, rotateKeyBody } from './routes/api-keys';
import { optInBody, optOutBody } from './routes/contacts';
import { summaryQuery } from './routes/costs';
import { cancelBody } from './routes/messages';
import { groupBody, phonePatchBody, registerWabaBody } from './routes/registry';
import { templateLanguageQuery } from './routes/templates';
import { createTenantBody } from './routes/tenants';
import { sessionMessageBodySchema } from './schemas/conversations';
import { sendMessageBodySchema } from './schemas/messages';
import { authorTemplateBodySchema, editTemplateBodySchema } from '../domain/template-authoring/schema';
import { campaignPaths } from './openapi-campaigns';

/** JSON Schema of what a client sends (the zod schemas' input side: before defaults and transforms). */
const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {
          type: 'array',
          items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } },
        },
      },
      required: ['code', 'message', 'details'],
    },
  },
};

function op(summary: string, body?: z.ZodType, extra: Record<string, unknown> = {}) {
  return {
    summary,
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(body) } } } } : {}),
    responses: {
      '2XX': { description: 'success' },
      '4XX': {
        description: 'bad input (each bad field named), auth, not found, conflict, or 429 (Retry-After)',
        content: { 'application/json': { schema: errorSchema } },
      },
    },
    ...extra,
  };
}

/** The public contract (docs/api.md), generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const queryParams = (s: z.ZodType) =>
    Object.entries((schema(s) as { properties?: Record<string, unknown> }).properties ?? {}).map(([name, p]) => ({
      name,
      in: 'query',
      schema: p,
    }));
  /** Every list: `?limit=&cursor=`, answered `{ data, nextCursor }`. */
  const list = (summary: string) => op(summary, undefined, { parameters: queryParams(z.object(pageQueryShape)) });
  return {
    openapi: '3.1.0',
    info: { title: 'Lifeline API', version: '0.1.0', description: 'Keeps WhatsApp template messages flowing.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/v1/tenants': { post: op('Create a tenant (admin key); returns its API key once', createTenantBody) },
      '/v1/messages': {
        post: op('Send a template message (202; idempotent by idempotencyKey)', sendMessageBodySchema),
      },
      '/v1/messages/{id}': { get: op('Status, attempts, timeline and cost of a message') },
      '/v1/messages/{id}/cancel': { post: op('Cancel a message still in flight', cancelBody) },
      '/v1/wabas': {
        get: list('WABAs with health'),
        post: op('Register a WABA and sync it from Meta', registerWabaBody),
      },
      '/v1/wabas/{id}/sync': { post: op('Refresh one WABA from Meta now') },
      '/v1/phone-numbers': { get: list('Phone numbers with health') },
      '/v1/phone-numbers/{id}': { patch: op('Operator controls', phonePatchBody) },
      '/v1/templates': {
        get: list('Templates with health'),
        post: op(
          'Author a template once, or add a language to an existing key (same name, new language; 409 for a language ' +
            "it has, 409 naming body.category when the category differs); submitted to every WABA (or the key's " +
            'WABAs, or wabaIds) for review (202)',
          authorTemplateBodySchema,
        ),
      },
      '/v1/templates/{key}': {
        get: op(
          'An authored template: every language (languages[]) with each WABA member (review status, reason, ' +
            'quality, why not usable) and its group; the top level shows ?language= or the first language',
          undefined,
          { parameters: queryParams(templateLanguageQuery) },
        ),
        put: op(
          'Edit one language and resubmit its rejected members (and those in wabaIds); ?language= required when ' +
            'the key has several',
          editTemplateBodySchema,
          { parameters: queryParams(templateLanguageQuery) },
        ),
        delete: op(
          'Delete one language at Meta in every WABA and here (the key goes with its last language); ' +
            '?language= required when the key has several',
          undefined,
          { parameters: queryParams(templateLanguageQuery) },
        ),
      },
      '/v1/template-groups/{key}': { put: op('The association map for a logical template', groupBody) },
      '/v1/health': { get: op('Health matrix: every WABA, number and template with verdict and reasons') },
      '/v1/contacts/{waId}': { get: op('Consent and service-window state of a contact') },
      '/v1/contacts/{waId}/opt-in': { post: op('Record an opt-in', optInBody) },
      '/v1/contacts/{waId}/opt-out': { post: op('Record an opt-out (brand-wide, immediate)', optOutBody) },
      '/v1/consents': { get: op('Consent history of the tenant for an audit (JSON pages; Accept: text/csv exports)') },
      '/v1/conversations/{waId}': { get: op('The thread (inbound, outbound, statuses) and the window per number') },
      '/v1/conversations/{waId}/messages': {
        post: op(
          'A free-form session message inside the 24 h window (409 window_closed outside it)',
          sessionMessageBodySchema,
        ),
      },
      '/v1/costs/summary': {
        get: op('Costs of the tenant (optionally one campaign / since a time)', undefined, {
          parameters: queryParams(summaryQuery),
        }),
      },
      '/v1/analytics/delivery': {
        get: op(
          'Delivery funnel per day, hour, campaign, template, WABA, number or country (paged groups)',
          undefined,
          {
            parameters: queryParams(deliveryAnalyticsQuery),
          },
        ),
      },
      '/v1/escalations': { get: list('Human-escalation requests (status filter), newest first') },
      '/v1/api-keys': {
        get: list("The tenant's API keys (prefix, label, dates; never the key)"),
        post: op('Add an API key; returns it once', createKeyBody),
      },
      '/v1/api-keys/{id}/revoke': { post: op('Revoke a key at once (not the last active one)') },
      '/v1/api-keys/{id}/rotate': {
        post: op('A new key now; the old one revoked after graceSeconds', rotateKeyBody),
      },
      '/v1/escalations/{id}/resolve': { post: op('Mark an escalation handled') },
      ...campaignPaths(op, schema),
      '/webhooks/whatsapp': {
        get: op("Meta's verification handshake", undefined, { security: [] }),
        post: op("Meta's webhooks (X-Hub-Signature-256 over the raw body)", undefined, { security: [] }),
      },
      '/webhooks/whatsapp/t/{tenantId}': {
        get: op("Meta's verification handshake for a tenant's own app", undefined, { security: [] }),
        post: op("A tenant's own app's webhooks (signed with that tenant's metaAppSecret)", undefined, {
          security: [],
        }),
      },
    },
  };
}
