/**
 * Classifies every Meta Graph / Cloud API error once, from both surfaces: a synchronous HTTP response
 * (the Graph error envelope) and an asynchronous `failed` status webhook error (docs/meta-cloud-api.md#errors).
 * Classification is on `code` (+ `error_subcode` for Graph-level 100/190), never on HTTP status or text,
 * except when no code can be parsed at all. Pure: no I/O, no clock.
 */
import { z } from 'zod';
import type { BlamedResource, RecipientReason, ThrottleScope } from '../domain/failure';

export type { RecipientReason, ThrottleScope };

// ---------------------------------------------------------------------------------------------------------------
// Inputs and output

/** A non-2xx Graph response, or a network failure (no `httpStatus`). `body`: parsed JSON or raw text. */
export interface SyncMetaErrorInput {
  readonly httpStatus?: number;
  readonly body?: unknown;
  /** Response headers (any case); `Retry-After` and `X-Business-Use-Case-Usage` refine `retryAfterMs`. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  /** Set when no response arrived (DNS, reset, timeout); its text becomes the `message`. */
  readonly networkError?: string;
  readonly code?: never;
}

/** One item of `statuses[].errors[]` (or `value.errors[]`) from a webhook, passed verbatim. */
export interface AsyncMetaErrorInput {
  readonly code: number;
  readonly title?: string;
  readonly message?: string;
  readonly error_data?: { readonly details?: string };
  /** Accepted too, for callers that flattened `error_data.details`. */
  readonly details?: string;
  readonly href?: string;
}

export type MetaErrorInput = SyncMetaErrorInput | AsyncMetaErrorInput;

type MetaResourceKind = BlamedResource;

interface MetaErrorBase {
  /** Meta's error code; null when none could be parsed (network failure, HTML or malformed body). */
  readonly code: number | null;
  /** Meta's message (or a description of what we received); for logs and operators, never for branching. */
  readonly message: string;
  /** Short stable snake_case explanation, e.g. `template_paused`, `outside_service_window`. */
  readonly reason: string;
  /** Whether repeating the same request (same WABA, phone, template, recipient) can succeed. */
  readonly retryable: boolean;
  /** `error_data.details`, when Meta sent one. */
  readonly details?: string;
  readonly subcode?: number;
  readonly fbtraceId?: string;
  readonly httpStatus?: number;
}

export interface MetaTransientClass extends MetaErrorBase {
  readonly kind: 'transient';
  readonly retryable: true;
  readonly retryAfterMs?: number;
}
export interface MetaThrottledClass extends MetaErrorBase {
  readonly kind: 'throttled';
  readonly code: number;
  readonly retryable: true;
  readonly scope: ThrottleScope;
  readonly retryAfterMs: number;
}
export interface MetaResourceClass extends MetaErrorBase {
  readonly kind: 'resource';
  readonly code: number;
  readonly retryable: false;
  readonly resource: MetaResourceKind;
  /** Meta lifts it by itself (maintenance, pause, enforcement period); false = needs a human or a health change. */
  readonly temporary: boolean;
}
export interface MetaRecipientClass extends MetaErrorBase {
  readonly kind: 'recipient';
  readonly code: number;
  readonly retryable: false;
  readonly reason: RecipientReason;
}
export interface MetaMarketingLimitClass extends MetaErrorBase {
  readonly kind: 'marketing_limit';
  readonly code: 131049;
  readonly retryable: false;
  /** Do not retry the same marketing template to this user sooner (24 h). */
  readonly retryAfterMs: number;
}
export interface MetaRequestClass extends MetaErrorBase {
  readonly kind: 'request';
  readonly retryable: false;
  readonly details: string;
}
export interface MetaAuthClass extends MetaErrorBase {
  readonly kind: 'auth';
  readonly code: number;
  readonly retryable: false;
  /** Credentials belong to a WABA: the caller marks that WABA unhealthy. */
  readonly resource: 'waba';
}

export type MetaErrorClass =
  | MetaTransientClass
  | MetaThrottledClass
  | MetaResourceClass
  | MetaRecipientClass
  | MetaMarketingLimitClass
  | MetaRequestClass
  | MetaAuthClass;

// ---------------------------------------------------------------------------------------------------------------
// Graph error envelope (zod)

const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const errorDataSchema = z.union([
  z.looseObject({ details: z.string().optional().catch(undefined) }),
  z.string().transform((details) => ({ details })), // old Graph errors carry error_data as a string
]);

const graphErrorSchema = z.object({
  code: intLike,
  message: z.string().optional().catch(undefined),
  type: z.string().optional().catch(undefined),
  error_subcode: intLike.optional().catch(undefined),
  error_data: errorDataSchema.optional().catch(undefined),
  is_transient: z.boolean().optional().catch(undefined),
  fbtrace_id: z.string().optional().catch(undefined),
});
const graphErrorBodySchema = z.object({ error: graphErrorSchema });

/** The fields of a Graph error envelope Lifeline uses, normalised. */
export interface GraphError {
  readonly code: number;
  readonly message?: string;
  readonly type?: string;
  readonly subcode?: number;
  readonly details?: string;
  readonly isTransient?: boolean;
  readonly fbtraceId?: string;
}

/** Parses a Graph error envelope `{ error: { code, ... } }` (object or JSON text); undefined when it is not one. */
export function parseGraphErrorBody(body: unknown): GraphError | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body) as unknown;
    } catch {
      return undefined; // HTML from a proxy, truncated JSON, plain text
    }
  }
  const parsed = graphErrorBodySchema.safeParse(value);
  if (!parsed.success) return undefined;
  const e = parsed.data.error;
  return compact({
    code: e.code,
    message: e.message,
    type: e.type,
    subcode: e.error_subcode,
    details: e.error_data?.details,
    isTransient: e.is_transient,
    fbtraceId: e.fbtrace_id,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The code table (docs/meta-cloud-api.md#errors, docs/errors.md)

type Rule =
  | { kind: 'transient'; reason: string }
  | { kind: 'throttled'; scope: ThrottleScope; reason: string }
  | { kind: 'resource'; resource: MetaResourceKind; reason: string; temporary: boolean }
  | { kind: 'recipient'; reason: RecipientReason }
  | { kind: 'marketing_limit'; reason: string }
  | { kind: 'request'; reason: string }
  | { kind: 'auth'; reason: string };

const transient = (reason: string): Rule => ({ kind: 'transient', reason });
const throttled = (scope: ThrottleScope, reason: string): Rule => ({ kind: 'throttled', scope, reason });
const resource = (res: MetaResourceKind, reason: string, temporary = false): Rule => ({
  kind: 'resource',
  resource: res,
  reason,
  temporary,
});
const recipient = (reason: RecipientReason): Rule => ({ kind: 'recipient', reason });
const request = (reason: string): Rule => ({ kind: 'request', reason });
const auth = (reason: string): Rule => ({ kind: 'auth', reason });

const CODE_RULES: ReadonlyMap<number, Rule> = new Map<number, Rule>([
  // Transient: Meta's side; the same request may succeed later.
  [1, transient('api_unknown')],
  [2, transient('api_service_unavailable')],
  [131000, transient('something_went_wrong')],
  [131016, transient('service_unavailable')],
  [133004, transient('registration_service_unavailable')],
  [131052, transient('inbound_media_download_failed')], // inbound only: the user should resend; nothing of ours is unhealthy
  // Throttled.
  [4, throttled('app', 'app_rate_limited')],
  [80007, throttled('waba', 'waba_rate_limited')],
  [130429, throttled('phone', 'phone_throughput_reached')],
  [131056, throttled('pair', 'pair_rate_limited')],
  // Auth: the WABA's token or app lacks validity/permission.
  [0, auth('token_invalid')],
  [3, auth('app_capability_missing')],
  [10, auth('permission_denied')],
  [190, auth('token_invalid')],
  [131005, auth('access_denied')],
  // Resource: sender phone number.
  [33, resource('phone', 'phone_number_deleted')],
  [131037, resource('phone', 'display_name_not_approved')],
  [131045, resource('phone', 'phone_registration_error')],
  [131048, resource('phone', 'spam_rate_limited', true)], // quality cool-down: fail over, Meta lifts it
  [131057, resource('phone', 'phone_maintenance', true)], // minutes long: fail over rather than block the activity retrying
  [2494100, resource('phone', 'phone_maintenance', true)], // migration maintenance: same reasoning as 131057
  [133000, resource('phone', 'deregistration_incomplete')],
  [133005, resource('phone', 'two_step_pin_incorrect')],
  [133006, resource('phone', 'phone_not_verified')],
  [133008, resource('phone', 'too_many_pin_guesses', true)],
  [133009, resource('phone', 'pin_entered_too_quickly', true)],
  [133010, resource('phone', 'phone_not_registered')],
  [133015, resource('phone', 'phone_recently_deleted', true)],
  [133016, resource('phone', 'too_many_registration_attempts', true)],
  // Resource: WABA.
  [368, resource('waba', 'policy_restricted')],
  [130497, resource('waba', 'country_restricted')], // WABA × country: the resolver should scope it to the recipient's country
  [131031, resource('waba', 'account_locked')],
  [131042, resource('waba', 'payment_issue')],
  [131063, resource('waba', 'marketing_disabled_on_cloud_api')],
  [131064, resource('waba', 'misclassification_enforcement', true)],
  [134011, resource('waba', 'payments_terms_not_accepted')],
  // Resource: template (including its flow, and Marketing Messages API template states).
  [132001, resource('template', 'template_not_found')],
  [132007, resource('template', 'template_policy_violation')],
  [132015, resource('template', 'template_paused', true)],
  [132016, resource('template', 'template_disabled')],
  [132068, resource('template', 'flow_blocked')],
  [132069, resource('template', 'flow_throttled', true)],
  [134100, resource('template', 'template_syncing', true)],
  [134101, resource('template', 'template_unavailable')],
  [134102, resource('template', 'template_validation_error')],
  [132018, resource('template', 'template_mm_api_error')], // MM API group, meaning uncertain (docs/meta-cloud-api.md#errors): another template may work
  // Recipient: only this user is affected; failover does not help.
  [131026, recipient('undeliverable')],
  [131050, recipient('marketing_opted_out')],
  [130472, recipient('marketing_experiment_holdout')],
  [131021, recipient('recipient_is_sender')],
  [130403, recipient('blocked_by_business')],
  [137000, recipient('identity_key_mismatch')],
  [131047, recipient('outside_service_window')],
  [470, recipient('outside_service_window')], // legacy On-Premises equivalent of 131047
  [131030, recipient('not_in_allowed_list')], // sandbox number: only this pair fails; the number still serves allow-listed users
  [131049, { kind: 'marketing_limit', reason: 'per_user_marketing_limit' }],
  // Request: our payload or configuration is wrong; retrying or failing over cannot fix it.
  [100, request('invalid_parameter')],
  [131008, request('required_parameter_missing')],
  [131009, request('parameter_value_invalid')],
  [131051, request('unsupported_message_type')],
  [131053, request('media_upload_failed')], // our media link/content: degrade to text or re-upload, not a health issue
  [131055, request('not_a_marketing_message')],
  [131062, request('bsuid_recipient_not_supported')],
  [132000, request('parameter_count_mismatch')],
  [132005, request('hydrated_text_too_long')],
  [132008, request('parameter_value_invalid')],
  [132012, request('parameter_format_mismatch')],
  [135000, request('unknown_parameter_error')],
  [2388019, request('template_count_limit')], // template creation only: says nothing about sending health
]);

const TOKEN_SUBCODE_REASONS: ReadonlyMap<number, string> = new Map([
  [463, 'token_expired'],
  [460, 'token_invalidated'],
]);

function ruleFor(code: number, subcode: number | undefined): Rule | undefined {
  if (code === 100 && subcode === 33) return resource('phone', 'object_not_found'); // wrong/deleted PNID: number config broken
  if (code === 190) return auth(TOKEN_SUBCODE_REASONS.get(subcode ?? -1) ?? 'token_invalid');
  if (code >= 200 && code <= 299) return auth('api_permission_missing');
  return CODE_RULES.get(code);
}

// ---------------------------------------------------------------------------------------------------------------
// Classification

const DEFAULT_THROTTLE_MS: Readonly<Record<ThrottleScope, number>> = {
  phone: 1_000, // mps capacity frees within a second; backoff grows with attempts
  pair: 6_000, // Meta: about one message every 6 s per (number, user); also the floor
  app: 60_000, // app/WABA call-count windows are minutes long; headers refine it
  waba: 60_000,
};
const MARKETING_LIMIT_RETRY_MS = 24 * 60 * 60 * 1000;

/** Classifies a Graph error response, network failure or webhook error item. Never throws. */
export function classifyMetaError(input: MetaErrorInput): MetaErrorClass {
  if (isAsyncInput(input)) {
    const code = Number.isInteger(input.code) ? input.code : undefined;
    const raw = input.error_data?.details ?? input.details;
    const details = typeof raw === 'string' ? raw : undefined;
    const message = input.message ?? input.title ?? `Meta error ${String(input.code)}`;
    if (code === undefined) return requestClass(null, 'unparsable_webhook_error', { message, details });
    return fromCode(code, { message, details }, undefined);
  }

  const graph = parseGraphErrorBody(input.body);
  const status = input.httpStatus;
  const retryAfterMs = retryAfterFromHeaders(input.headers);
  if (graph) {
    const base = compact({
      message: graph.message ?? `HTTP ${String(status)} (#${graph.code})`,
      details: graph.details,
      subcode: graph.subcode,
      fbtraceId: graph.fbtraceId,
      httpStatus: status,
    });
    return fromCode(graph.code, base, { isTransient: graph.isTransient, retryAfterMs });
  }

  // No parsable code: the only case where the HTTP status decides.
  if (status === undefined || status === 0) {
    const message = input.networkError ?? 'network error: no HTTP response';
    return transientClass(null, 'network_error', { message }, retryAfterMs);
  }
  const message = `HTTP ${status} without a Graph error body${describeBody(input.body)}`;
  if (status >= 500 || status === 429 || status === 408) {
    // 408 is a proxy/gateway timeout in practice: as transient as a 504.
    return transientClass(
      null,
      status >= 500 ? 'server_error' : 'http_rate_limited',
      { message, httpStatus: status },
      retryAfterMs,
    );
  }
  if (status >= 400) return requestClass(null, 'unparsable_client_error', { message, httpStatus: status });
  // A 1xx-3xx without the expected body: a proxy/redirect misconfiguration; a 2xx may have sent, so never retry.
  return requestClass(null, 'unexpected_response', { message, httpStatus: status });
}

interface BaseFields {
  readonly message: string;
  readonly details?: string;
  readonly subcode?: number;
  readonly fbtraceId?: string;
  readonly httpStatus?: number;
}

function fromCode(
  code: number,
  base: BaseFields,
  sync: { isTransient: boolean | undefined; retryAfterMs: number | undefined } | undefined,
): MetaErrorClass {
  base = compact(base);
  const rule = ruleFor(code, base.subcode);
  const retryAfterMs = sync?.retryAfterMs;
  if (!rule) {
    // Unknown code: trust Meta's own is_transient flag, then a 5xx; otherwise do not retry blindly.
    if (sync?.isTransient === true) return transientClass(code, 'unknown_transient_code', base, retryAfterMs);
    if (base.httpStatus !== undefined && base.httpStatus >= 500) {
      return transientClass(code, 'unknown_code_server_error', base, retryAfterMs);
    }
    return requestClass(code, 'unknown_code', base);
  }
  switch (rule.kind) {
    case 'transient':
      return transientClass(code, rule.reason, base, retryAfterMs);
    case 'throttled': {
      const fallback = DEFAULT_THROTTLE_MS[rule.scope];
      const wait = rule.scope === 'pair' ? Math.max(retryAfterMs ?? 0, fallback) : (retryAfterMs ?? fallback);
      return {
        ...base,
        kind: 'throttled',
        code,
        reason: rule.reason,
        retryable: true,
        scope: rule.scope,
        retryAfterMs: wait,
      };
    }
    case 'resource':
      return {
        ...base,
        kind: 'resource',
        code,
        reason: rule.reason,
        retryable: false,
        resource: rule.resource,
        temporary: rule.temporary,
      };
    case 'recipient':
      return { ...base, kind: 'recipient', code, reason: rule.reason, retryable: false };
    case 'marketing_limit':
      return {
        ...base,
        kind: 'marketing_limit',
        code: 131049,
        reason: rule.reason,
        retryable: false,
        retryAfterMs: MARKETING_LIMIT_RETRY_MS,
      };
    case 'request':
      return requestClass(code, rule.reason, base);
    case 'auth':
      return { ...base, kind: 'auth', code, reason: rule.reason, retryable: false, resource: 'waba' };
  }
}

function transientClass(
  code: number | null,
  reason: string,
  base: BaseFields,
  retryAfterMs: number | undefined,
): MetaTransientClass {
  return compact({ ...base, kind: 'transient', code, reason, retryable: true, retryAfterMs });
}

function requestClass(code: number | null, reason: string, base: BaseFields): MetaRequestClass {
  return compact({ ...base, kind: 'request', code, reason, retryable: false, details: base.details ?? base.message });
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers

function isAsyncInput(input: MetaErrorInput): input is AsyncMetaErrorInput {
  return 'code' in input && input.code !== undefined;
}

const bucUsageSchema = z.record(
  z.string(),
  z.array(z.looseObject({ estimated_time_to_regain_access: z.number().optional().catch(undefined) })).catch([]),
);

/** `Retry-After` (seconds only: an HTTP date needs a clock) and BUC `estimated_time_to_regain_access` (minutes). */
function retryAfterFromHeaders(headers: SyncMetaErrorInput['headers']): number | undefined {
  if (!headers) return undefined;
  const get = (name: string): string | undefined =>
    Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1] ?? undefined;
  const candidates: number[] = [];
  const retryAfter = get('retry-after')?.trim();
  if (retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter))
    candidates.push(Math.round(Number(retryAfter) * 1000));
  const buc = get('x-business-use-case-usage');
  if (buc !== undefined) {
    try {
      const usage = bucUsageSchema.safeParse(JSON.parse(buc) as unknown);
      for (const entries of usage.success ? Object.values(usage.data) : []) {
        for (const e of entries) {
          if (e.estimated_time_to_regain_access !== undefined && e.estimated_time_to_regain_access > 0) {
            candidates.push(e.estimated_time_to_regain_access * 60_000);
          }
        }
      }
    } catch {
      // malformed header: ignore
    }
  }
  return candidates.length > 0 ? Math.max(...candidates) : undefined;
}

function describeBody(body: unknown): string {
  if (body === undefined || body === null || body === '') return '';
  if (typeof body === 'string') return `: ${body.slice(0, 120).replace(/\s+/g, ' ')}`;
  return ': unexpected JSON shape';
}

/** Drops undefined-valued keys so results stay plain and JSON-stable (they travel in failure details). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
