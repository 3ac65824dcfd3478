import { type z } from 'zod';
import {
  pagedSchema,
  phoneNumberNodeSchema,
  sendResponseSchema,
  successSchema,
  templateCreatedSchema,
  templateNodeSchema,
  wabaNodeSchema,
  type PhoneNumberNode,
  type TemplateCreated,
  type TemplateNode,
  type WabaNode,
} from './graph-schemas';
import { MetaApiError } from './api-error';
import { fetchTransport, undiciTransport, type GraphResponse } from './transport';

export interface MetaClientOptions {
  graphUrl: string;
  apiVersion: string;
  timeoutMs: number;
  /** Tests only: send through this `fetch` instead of the production transport (src/meta/transport.ts). */
  fetch?: typeof fetch;
}

export { MetaApiError };

export interface SentMessage {
  wamid: string;
  messageStatus?: string;
  waId?: string;
}

const PHONE_FIELDS =
  'id,display_phone_number,verified_name,quality_rating,status,name_status,code_verification_status,platform_type,account_mode,whatsapp_business_manager_messaging_limit,messaging_limit_tier,throughput,health_status';
const WABA_FIELDS = 'id,name,account_review_status,business_verification_status,owner_business_info,health_status';
const TEMPLATE_FIELDS =
  'id,name,language,category,status,components,quality_score,parameter_format,rejected_reason,health_status';

export type MetaClient = ReturnType<typeof createMetaClient>;

/** The client as configured (META_GRAPH_URL, META_API_VERSION, META_HTTP_TIMEOUT_MS); optionally another base URL. */
export function metaClientFromConfig(
  config: { META_GRAPH_URL: string; META_API_VERSION: string; META_HTTP_TIMEOUT_MS: number },
  graphUrl = config.META_GRAPH_URL,
): MetaClient {
  return createMetaClient({ graphUrl, apiVersion: config.META_API_VERSION, timeoutMs: config.META_HTTP_TIMEOUT_MS });
}

/** The one place that speaks Graph API. Points at graph.facebook.com in production, the simulator elsewhere. */
export function createMetaClient(opts: MetaClientOptions) {
  const send = opts.fetch ? fetchTransport(opts.fetch, opts.timeoutMs) : undiciTransport(opts.timeoutMs);
  const base = `${opts.graphUrl.replace(/\/$/, '')}/${opts.apiVersion}`;

  async function call<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST' | 'DELETE',
    pathAndQuery: string,
    token: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    let res: GraphResponse;
    try {
      res = await send({
        method,
        url: `${base}${pathAndQuery}`,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
    } catch (err) {
      throw new MetaApiError(
        `network error calling Graph API: ${(err as Error).message}`,
        undefined,
        undefined,
        {},
        mayHaveReachedMeta(err),
      );
    }
    let json: unknown = res.text;
    try {
      json = JSON.parse(res.text);
    } catch {
      // Proxies answer HTML; keep the text for the classifier.
    }
    if (res.status < 200 || res.status > 299) {
      throw new MetaApiError(`Graph API ${method} ${pathAndQuery} → ${res.status}`, res.status, json, {
        'retry-after': res.header('retry-after'),
        'x-business-use-case-usage': res.header('x-business-use-case-usage'),
      });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new MetaApiError(`unexpected Graph API response: ${parsed.error.issues[0]?.message}`, res.status, json);
    }
    return parsed.data;
  }

  async function all<T extends z.ZodTypeAny>(pathAndQuery: string, token: string, item: T): Promise<z.infer<T>[]> {
    const out: z.infer<T>[] = [];
    let after: string | undefined;
    for (let page = 0; page < 100; page++) {
      const sep = pathAndQuery.includes('?') ? '&' : '?';
      const q = after ? `${pathAndQuery}${sep}after=${encodeURIComponent(after)}` : pathAndQuery;
      const res = await call('GET', q, token, pagedSchema(item));
      out.push(...res.data);
      after = res.paging?.next ? res.paging.cursors?.after : undefined;
      if (!after) break;
    }
    return out;
  }

  return {
    async sendMessage(phoneNumberId: string, token: string, payload: Record<string, unknown>): Promise<SentMessage> {
      // recipient_type is optional in Meta's documentation but required by its OpenAPI description (docs/templates.md).
      const res = await call('POST', `/${encodeURIComponent(phoneNumberId)}/messages`, token, sendResponseSchema, {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        ...payload,
      });
      const first = res.messages[0]!;
      return { wamid: first.id, messageStatus: first.message_status, waId: res.contacts?.[0]?.wa_id };
    },
    getWaba: (wabaId: string, token: string): Promise<WabaNode> =>
      call('GET', `/${encodeURIComponent(wabaId)}?fields=${WABA_FIELDS}`, token, wabaNodeSchema),
    listPhoneNumbers: (wabaId: string, token: string): Promise<PhoneNumberNode[]> =>
      all(
        `/${encodeURIComponent(wabaId)}/phone_numbers?fields=${PHONE_FIELDS}&limit=100`,
        token,
        phoneNumberNodeSchema,
      ),
    /** Submits a template for review (`POST /{waba}/message_templates`): Meta answers its id, PENDING, category. */
    createTemplate: (wabaId: string, token: string, body: Record<string, unknown>): Promise<TemplateCreated> =>
      call('POST', `/${encodeURIComponent(wabaId)}/message_templates`, token, templateCreatedSchema, body),
    /** Edits a template (`POST /{template-id}` with `components` and/or `category`); it goes back to review. */
    editTemplate: async (templateId: string, token: string, body: Record<string, unknown>): Promise<void> => {
      await call('POST', `/${encodeURIComponent(templateId)}`, token, successSchema, body);
    },
    /** Deletes one template (`DELETE /{waba}/message_templates?name=…&hsm_id=…`). */
    deleteTemplate: async (wabaId: string, token: string, name: string, templateId: string): Promise<void> => {
      const q = `name=${encodeURIComponent(name)}&hsm_id=${encodeURIComponent(templateId)}`;
      await call('DELETE', `/${encodeURIComponent(wabaId)}/message_templates?${q}`, token, successSchema);
    },
    listTemplates: (wabaId: string, token: string): Promise<TemplateNode[]> =>
      all(
        `/${encodeURIComponent(wabaId)}/message_templates?fields=${TEMPLATE_FIELDS}&limit=100`,
        token,
        templateNodeSchema,
      ),
  };
}

/** Connection errors that happen before a request is written: Meta cannot have seen it. */
const NEVER_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Whether a failed request may have delivered it: a timeout or a reset after connecting may have (Meta can
 * have accepted the message), a refused or unresolvable connection cannot.
 */
function mayHaveReachedMeta(err: unknown): boolean {
  // undici's own errors carry the code; fetch wraps them (TypeError → cause → the socket's error).
  const e = err as { code?: string; cause?: { code?: string; cause?: { code?: string } } };
  const code = e.code ?? e.cause?.code ?? e.cause?.cause?.code;
  return !(code && NEVER_SENT.has(code));
}
