import { type ActionResult } from './actions/apply';
import { type ControlActionInput, type ErrorScope } from './actions/schema';
import { type ErrorRule } from './faults/faults';
import { type UnknownOutcomeRule } from './faults/unknown-outcome';
import {
  type PhoneStatus,
  type Quality,
  type RestrictionType,
  type TemplateCategory,
  type Tier,
} from './scenario/accounts-schema';
import { type Customer, type CustomerPatch, type CustomerReply } from './scenario/customers-schema';
import { type Scenario } from './scenario/schema';
import { type DeliveryPatch, type LimitsPatch } from './scenario/settings-schema';
import { type InboundRecord, type InboxEntry, type SendRecord, type Stats } from './state/records';
import { type TemplateReviewPatch } from './templates/review-settings';
import { type WebhookRecord } from './webhooks/dispatcher';

/** A control request the simulator refused: its HTTP status and error body. */
export class SimulatorControlError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`simulator control: HTTP ${status} ${JSON.stringify(body)}`);
  }
}

export interface InjectErrorsInput {
  scope?: ErrorScope;
  code: number;
  rate?: number;
  mode?: 'sync' | 'async';
  count?: number;
  details?: string;
}

export interface UnknownOutcomeInput {
  scope?: ErrorScope;
  mode: 'delay' | 'reset';
  responseDelayMs?: number;
  statusDelayMs?: number;
  rate?: number;
  count?: number;
}

export interface CustomerView {
  customer: Customer;
  declared: boolean;
  inbox: InboxEntry[];
  sent: InboundRecord[];
  openWindows: { phoneNumberId: string; closesAt: number }[];
  marketingReceived24h: number;
}

type Query = Record<string, string | undefined>;

/** A small typed client over the simulator's `/_control` API (for Lifeline's tests and demo). */
export class SimulatorControl {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '') + '/_control';
  }

  configureWebhook(config: {
    url: string | null;
    appSecret?: string;
    verifyToken?: string;
    statusBatch?: { maxStatuses: number; maxWaitMs: number };
  }): Promise<Record<string, unknown>> {
    return this.call('POST', '/webhook', config);
  }
  reset(): Promise<{ ok: true }> {
    return this.call('POST', '/reset');
  }
  /** A built-in name (`festive-campaign`, `fault-storm`, `minimal`), a file path on the simulator's host, or an object. */
  loadScenario(scenario: Scenario | string): Promise<{ ok: true; scenario: string }> {
    return this.call('POST', '/scenario', { scenario });
  }
  /** Any control action (the same union the scenario timeline uses). */
  apply(action: ControlActionInput): Promise<ActionResult> {
    return this.call('POST', '/actions', action);
  }

  banWaba(wabaId: string, state: 'DISABLE' | 'SCHEDULE_FOR_DISABLE' = 'DISABLE'): Promise<ActionResult> {
    return this.call('POST', `/wabas/${wabaId}/ban`, { state });
  }
  restrictWaba(
    wabaId: string,
    opts: { restrictionType?: RestrictionType; durationMs?: number } = {},
  ): Promise<ActionResult> {
    return this.call('POST', `/wabas/${wabaId}/restrict`, opts);
  }
  reinstateWaba(wabaId: string): Promise<ActionResult> {
    return this.call('POST', `/wabas/${wabaId}/reinstate`);
  }
  expireToken(wabaId: string, expired = true): Promise<ActionResult> {
    return this.call('POST', `/wabas/${wabaId}/token`, { expired });
  }
  setPhoneQuality(phoneNumberId: string, quality: Quality): Promise<ActionResult> {
    return this.call('POST', `/phone-numbers/${phoneNumberId}/quality`, { quality });
  }
  setPhoneStatus(phoneNumberId: string, status: PhoneStatus): Promise<ActionResult> {
    return this.call('POST', `/phone-numbers/${phoneNumberId}/status`, { status });
  }
  pauseTemplate(templateId: string): Promise<ActionResult> {
    return this.call('POST', `/templates/${templateId}/pause`);
  }
  disableTemplate(templateId: string): Promise<ActionResult> {
    return this.call('POST', `/templates/${templateId}/disable`);
  }
  reinstateTemplate(templateId: string): Promise<ActionResult> {
    return this.call('POST', `/templates/${templateId}/reinstate`);
  }
  setTemplateQuality(templateId: string, quality: Quality): Promise<ActionResult> {
    return this.call('POST', `/templates/${templateId}/quality`, { quality });
  }
  setTemplateCategory(templateId: string, category: TemplateCategory): Promise<ActionResult> {
    return this.call('POST', `/templates/${templateId}/category`, { category });
  }
  setPortfolioTier(portfolioId: string, tier: Tier): Promise<ActionResult> {
    return this.call('POST', `/portfolios/${portfolioId}/tier`, { tier });
  }

  /** Adds an error rule; `data` of the result is the rule (with its id). */
  injectErrors(input: InjectErrorsInput): Promise<ActionResult & { data: ErrorRule }> {
    return this.call('POST', '/faults/errors', input);
  }
  /**
   * Accepts matching sends but holds the reply back (`delay`) or resets the connection (`reset`); the statuses
   * can be late as well. `data` of the result is the rule.
   */
  injectUnknownOutcome(input: UnknownOutcomeInput): Promise<ActionResult & { data: UnknownOutcomeRule }> {
    return this.call('POST', '/faults/unknown-outcome', input);
  }
  /** Removes error rules, unknown-outcome rules, latency and "down". */
  clearFaults(): Promise<ActionResult> {
    return this.call('DELETE', '/faults');
  }
  setLatency(ms: number, phoneNumberId?: string): Promise<ActionResult> {
    return this.call('POST', '/faults/latency', { ms, ...(phoneNumberId ? { phoneNumberId } : {}) });
  }
  /** Takes Meta's paths down (5xx with Meta's envelope; default 503 / 131016) or back up. */
  setDown(down: boolean, opts: { httpStatus?: number; code?: number } = {}): Promise<ActionResult> {
    return this.call('POST', '/faults/down', { down, ...opts });
  }
  /** Status delay, duplicate and out-of-order rates. */
  setDelivery(patch: DeliveryPatch): Promise<ActionResult> {
    return this.call('POST', '/delivery', patch);
  }
  setLimits(patch: LimitsPatch): Promise<ActionResult> {
    return this.call('POST', '/limits', patch);
  }
  /** Review delay and scripted decisions for submitted templates (`rules` replaces the list). */
  setTemplateReview(patch: TemplateReviewPatch): Promise<ActionResult> {
    return this.call('POST', '/template-review', patch);
  }

  setCustomer(waId: string, patch: CustomerPatch): Promise<ActionResult & { data: Customer }> {
    return this.call('POST', `/customers/${waId}`, patch);
  }
  /** Makes the customer send a reply now; `data.inbound` is the message (with its wamid). */
  customerReply(
    waId: string,
    reply: CustomerReply,
  ): Promise<ActionResult & { data: { inbound?: InboundRecord; stoppedMarketing: boolean } }> {
    return this.call('POST', `/customers/${waId}/reply`, reply);
  }
  /** Everything the customer received, in order (duplicates included). */
  inbox(waId: string): Promise<InboxEntry[]> {
    return this.call('GET', `/customers/${waId}/inbox`);
  }
  customer(waId: string): Promise<CustomerView> {
    return this.call('GET', `/customers/${waId}`);
  }

  /** Every accepted send, optionally filtered. */
  sends(
    filter: { phoneNumberId?: string; wabaId?: string; recipient?: string; templateName?: string } = {},
  ): Promise<SendRecord[]> {
    return this.call('GET', '/sends', undefined, filter);
  }
  webhooks(filter: { field?: string; wabaId?: string; status?: string; raw?: boolean } = {}): Promise<WebhookRecord[]> {
    const { raw, ...rest } = filter;
    return this.call('GET', '/webhooks', undefined, { ...rest, ...(raw ? { raw: '1' } : {}) });
  }
  stats(): Promise<Stats & { pendingTimers: number }> {
    return this.call('GET', '/stats');
  }
  state(): Promise<Record<string, unknown>> {
    return this.call('GET', '/state');
  }
  /** Moves the simulator's clock forward (e.g. past a 24 h window). */
  advanceClock(ms: number): Promise<{ now: number }> {
    return this.call('POST', '/clock', { advanceMs: ms });
  }
  startTimeline(): Promise<{ ok: true; entries: number }> {
    return this.call('POST', '/timeline/start');
  }

  private async call<T>(method: string, path: string, body?: unknown, query: Query = {}): Promise<T> {
    const url = new URL(this.base + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
    const res = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new SimulatorControlError(res.status, parsed);
    return parsed as T;
  }
}
