/**
 * Classifies every Meta Graph / Cloud API error once, from both surfaces: a synchronous HTTP response
 * (the Graph error envelope) and an asynchronous `failed` status webhook error (docs/meta-cloud-api.md#errors).
 * Classification is on `code` (+ `error_subcode` for Graph-level 100/190), never on HTTP status or text,
 * except when no code can be parsed at all. Pure: no I/O, no clock.
 */
import { z } from 'zod';
import type { BlamedResource, RecipientReason, ThrottleScope } from '../domain/failure';
import { ruleFor } from './error-codes';
import { compact, parseGraphErrorBody } from './graph-error-body';

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
// Classification

const DEFAULT_THROTTLE_MS: Readonly<Record<ThrottleScope, number>> = {
  phone: 1_000, // mps capacity frees within a second; backoff grows with attempts
  pair: 6_000, // Meta: about one message every 6 s per (number, user); also the floor
  app: 60_000, // app/WABA call-count windows are minutes long; headers refine it
  waba: 60_000,
  capacity: 1_000, // Lifeline's own reservation refusals carry their own retryAfterMs
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
