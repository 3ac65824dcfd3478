import { z } from 'zod';
import { optInBody, optOutBody } from './routes/contacts';
import { summaryQuery } from './routes/costs';
import { cancelBody } from './routes/messages';
import { groupBody, phonePatchBody, registerWabaBody } from './routes/registry';
import { createTenantBody } from './routes/tenants';
import { sendMessageBodySchema } from './schemas/messages';

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
        description: 'bad input (each bad field named), auth, not found or conflict',
        content: { 'application/json': { schema: errorSchema } },
      },
    },
    ...extra,
  };
}

/** The public contract (docs/api.md), generated from the same zod schemas that validate requests. */
export function openApiDocument() {
  const summary = schema(summaryQuery) as { properties?: Record<string, unknown> };
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
        get: op('WABAs with health'),
        post: op('Register a WABA and sync it from Meta', registerWabaBody),
      },
      '/v1/wabas/{id}/sync': { post: op('Refresh one WABA from Meta now') },
      '/v1/phone-numbers': { get: op('Phone numbers with health') },
      '/v1/phone-numbers/{id}': { patch: op('Operator controls', phonePatchBody) },
      '/v1/templates': { get: op('Templates with health') },
      '/v1/template-groups/{key}': { put: op('The association map for a logical template', groupBody) },
      '/v1/health': { get: op('Health matrix: every WABA, number and template with verdict and reasons') },
      '/v1/contacts/{waId}': { get: op('Consent and service-window state of a contact') },
      '/v1/contacts/{waId}/opt-in': { post: op('Record an opt-in', optInBody) },
      '/v1/contacts/{waId}/opt-out': { post: op('Record an opt-out (brand-wide, immediate)', optOutBody) },
      '/v1/costs/summary': {
        get: op('Costs of the tenant (optionally one campaign / since a time)', undefined, {
          parameters: Object.entries(summary.properties ?? {}).map(([name, s]) => ({ name, in: 'query', schema: s })),
        }),
      },
      '/v1/escalations': { get: op('Human-escalation requests (status filter)') },
      '/v1/escalations/{id}/resolve': { post: op('Mark an escalation handled') },
      '/webhooks/whatsapp': {
        get: op("Meta's verification handshake", undefined, { security: [] }),
        post: op("Meta's webhooks (X-Hub-Signature-256 over the raw body)", undefined, { security: [] }),
      },
    },
  };
}
