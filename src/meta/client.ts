import { type z } from 'zod';
import {
  pagedSchema,
  phoneNumberNodeSchema,
  sendResponseSchema,
  templateNodeSchema,
  wabaNodeSchema,
  type PhoneNumberNode,
  type TemplateNode,
  type WabaNode,
} from './graph-schemas';
import { MetaApiError } from './api-error';

export interface MetaClientOptions {
  graphUrl: string;
  apiVersion: string;
  timeoutMs: number;
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
const TEMPLATE_FIELDS = 'id,name,language,category,status,components,quality_score,parameter_format,health_status';

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
  const doFetch = opts.fetch ?? fetch;
  const base = `${opts.graphUrl.replace(/\/$/, '')}/${opts.apiVersion}`;

  async function call<T extends z.ZodTypeAny>(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    token: string,
    schema: T,
    body?: unknown,
  ): Promise<z.infer<T>> {
    let res: Response;
    try {
      res = await doFetch(`${base}${pathAndQuery}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
    } catch (err) {
      throw new MetaApiError(`network error calling Graph API: ${(err as Error).message}`, undefined, undefined);
    }
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {
      // Proxies answer HTML; keep the text for the classifier.
    }
    if (!res.ok) {
      throw new MetaApiError(`Graph API ${method} ${pathAndQuery} → ${res.status}`, res.status, json, {
        'retry-after': res.headers.get('retry-after') ?? undefined,
        'x-business-use-case-usage': res.headers.get('x-business-use-case-usage') ?? undefined,
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
      const res = await call('POST', `/${encodeURIComponent(phoneNumberId)}/messages`, token, sendResponseSchema, {
        messaging_product: 'whatsapp',
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
    listTemplates: (wabaId: string, token: string): Promise<TemplateNode[]> =>
      all(
        `/${encodeURIComponent(wabaId)}/message_templates?fields=${TEMPLATE_FIELDS}&limit=100`,
        token,
        templateNodeSchema,
      ),
  };
}
