import type { EscalationRow, EscalationsRepo } from '../../db/repositories/escalations';
import type { TenantsRepo } from '../../db/repositories/tenants';
import { readTenantSettings } from '../../domain/tenant-settings';
import type { Logger } from '../../logger';
import { signWebhookBody } from '../../meta/webhook-signature';
import type { SecretBox } from '../../secrets';
import { OUTBOUND_PROBLEMS, type OutboundPolicy, safePost } from '../safe-http';
import { createPoller } from './poller';

/** The header carrying `sha256=<hex HMAC-SHA256(raw body, tenant's escalation signing secret)>`. */
export const ESCALATION_SIGNATURE_HEADER = 'x-lifeline-signature-256';

const isoOrNull = (t: string | null) => (t ? new Date(t).toISOString() : null);

/** An escalation as the API shows it and the agent desk receives it (docs/conversations.md, "Escalation"). */
export function escalationView(e: EscalationRow) {
  const firstAnswerMs = e.firstAnsweredAt
    ? new Date(e.firstAnsweredAt).getTime() - new Date(e.createdAt).getTime()
    : null;
  return {
    id: e.id,
    waId: e.waId,
    phoneNumberId: e.phoneNumberId,
    messageId: e.messageId,
    text: e.text,
    wamid: e.wamid,
    status: e.status,
    createdAt: new Date(e.createdAt).toISOString(),
    resolvedAt: isoOrNull(e.resolvedAt),
    keyword: e.keyword,
    language: e.language,
    context: e.context,
    acknowledgementMessageId: e.acknowledgementMessageId,
    answers: {
      count: e.answers,
      first: e.firstAnsweredAt ? { at: isoOrNull(e.firstAnsweredAt), by: e.firstAnsweredBy } : null,
      last: e.lastAnsweredAt ? { at: isoOrNull(e.lastAnsweredAt), by: e.lastAnsweredBy } : null,
    },
    /** Time to first human answer. */
    timeToFirstAnswerMs: firstAnswerMs,
    forwarding: {
      forwardedAt: e.forwardedAt ? new Date(e.forwardedAt).toISOString() : null,
      attempts: e.forwardAttempts,
      error: e.forwardError,
    },
  };
}

export interface ForwarderOptions {
  retryBaseMs?: number;
  maxAttempts?: number;
  pollMs?: number;
  timeoutMs?: number;
  /** Which receivers may be called; production's default admits public https addresses only. */
  outbound?: OutboundPolicy;
}

/**
 * Forwards new escalations to the tenant's `escalationWebhookUrl`, signed with the tenant's escalation signing
 * secret (GET /v1/escalations/signing-secret). Runs beside ingestion, never inside it: a slow or failing desk
 * delays only its own deliveries, retried with backoff and given up (error kept on the row) after maxAttempts.
 */
export function createEscalationForwarder(
  deps: { escalations: EscalationsRepo; tenants: TenantsRepo; secrets: SecretBox; log: Logger },
  opts: ForwarderOptions = {},
) {
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const maxAttempts = opts.maxAttempts ?? 10;
  const timeoutMs = opts.timeoutMs ?? 5000;

  async function forward(e: EscalationRow): Promise<void> {
    const tenant = await deps.tenants.get(e.tenantId);
    const url = tenant ? readTenantSettings(tenant.settings).escalationWebhookUrl : undefined;
    if (!url) return deps.escalations.markForwardFailed(e.id, 'no escalationWebhookUrl configured', undefined);
    const body = JSON.stringify({ type: 'escalation.created', tenantId: e.tenantId, escalation: escalationView(e) });
    const secret = await deps.escalations.signingSecret(e.tenantId, deps.secrets);
    const outcome = await safePost(
      url,
      body,
      {
        'content-type': 'application/json',
        [ESCALATION_SIGNATURE_HEADER]: signWebhookBody(body, secret),
        'x-lifeline-event-id': e.id,
      },
      { timeoutMs, ...opts.outbound },
    );
    if (outcome.ok) return deps.escalations.markForwarded(e.id);
    // The tenant sees the generic outcome (and the receiver's status); the socket-level detail stays in our logs.
    const problem = outcome.status ? `${outcome.problem} (HTTP ${outcome.status})` : outcome.problem;
    deps.log.debug({ escalationId: e.id, detail: outcome.detail }, 'escalation forward failed');
    const attempts = e.forwardAttempts + 1;
    const permanent = outcome.problem === OUTBOUND_PROBLEMS.refusedUrl;
    const retryIn =
      permanent || attempts >= maxAttempts ? undefined : Math.min(retryBaseMs * 2 ** (attempts - 1), 600_000);
    if (retryIn === undefined) deps.log.warn({ escalationId: e.id, problem }, 'escalation forwarding given up');
    await deps.escalations.markForwardFailed(e.id, problem, retryIn);
  }

  async function drain(stopped: () => boolean): Promise<void> {
    for (
      let rows = await deps.escalations.leaseForwards(10);
      rows.length > 0;
      rows = await deps.escalations.leaseForwards(10)
    ) {
      await Promise.all(
        rows.map((row) =>
          forward(row).catch((err: unknown) =>
            deps.log.error({ err, escalationId: row.id }, 'escalation forward failed'),
          ),
        ),
      );
      if (stopped()) return;
    }
  }

  return createPoller(drain, {
    pollMs: opts.pollMs ?? 1000,
    onError: (err) => deps.log.error({ err }, 'escalation forwarding failed'),
  });
}

export type EscalationForwarder = ReturnType<typeof createEscalationForwarder>;
