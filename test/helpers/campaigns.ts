import assert from 'node:assert/strict';
import { loadScenario } from '../../src/simulator';
import { waitFor } from './http';
import { startStack, type Stack, type StackOptions } from './stack';

/** Campaign tuning for tests: small batches, short waits, frequent continue-as-new. */
export const TEST_CAMPAIGN_SETTINGS = {
  batchSize: 100,
  window: 4,
  unknownAfter: '45s',
  statusTimeout: '15s',
  settlePoll: '200ms',
  deferBackoff: '300ms',
  capacityRecheck: '500ms',
  maxHistoryEvents: 300,
};

export const MINIMAL = {
  waba: '200000000000900',
  token: 'EAAG-minimal',
  phones: ['300000000000901', '300000000000902'],
};

/** A stack with the `minimal` scenario registered and campaign settings for tests (no opt-in needed). */
export async function campaignStack(opts: StackOptions & { settings?: Record<string, unknown> } = {}): Promise<Stack> {
  const stack = await startStack({
    scenario: opts.scenario ?? 'minimal',
    withoutWorker: opts.withoutWorker,
    workerMetrics: opts.workerMetrics,
    statusDelayMs: opts.statusDelayMs,
    inlineWebhookProcessor: opts.inlineWebhookProcessor,
    tenantSettings: {
      requireOptIn: false,
      timing: { statusTimeout: '15s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' },
      campaigns: TEST_CAMPAIGN_SETTINGS,
      ...opts.settings,
    },
  });
  if (!opts.scenario || opts.scenario === 'minimal') {
    const r = await stack.api('POST', '/v1/wabas', { id: MINIMAL.waba, accessToken: MINIMAL.token });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  return stack;
}

/** n distinct recipients that no scenario declares (default customers: on WhatsApp, read everything). */
export function recipients(n: number, prefix = '4477009'): { to: string; parameters: { body: string[] } }[] {
  return Array.from({ length: n }, (_, i) => ({
    to: `+${prefix}${String(10_000 + i).padStart(5, '0')}`,
    parameters: { body: [`Customer ${i}`, '20%'] },
  }));
}

/** Creates a campaign through the API (the call every campaign test starts with); a refusal fails the test. */
export async function createCampaign(stack: Stack, body: Record<string, unknown>) {
  const created = await stack.api('POST', '/v1/campaigns', body);
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created;
}

export const FINAL_STATUSES = ['delivered', 'read', 'failed', 'cancelled', 'declined', 'expired'];

export async function campaignView(stack: Stack, id: string) {
  const r = await stack.api('GET', `/v1/campaigns/${id}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Waits until the campaign reached one of `statuses` (completed by default). */
export async function campaignReaches(stack: Stack, id: string, statuses = ['completed'], timeoutMs = 90_000) {
  let last: unknown;
  try {
    return await waitFor(
      async () => {
        const v = await campaignView(stack, id);
        last = v;
        return statuses.includes(v.status) ? v : undefined;
      },
      `campaign ${id} to reach ${statuses.join('|')}`,
      timeoutMs,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last view: ${JSON.stringify(last)}`);
  }
}

/** Every recipient of the campaign (all pages). */
export async function allRecipients(stack: Stack, id: string) {
  const out: { messageId: string; to: string; status: string; failure?: { reason: string; code?: number } }[] = [];
  let cursor: string | null = null;
  do {
    const r: { status: number; body: { data: typeof out; nextCursor: string | null } } = await stack.api(
      'GET',
      `/v1/campaigns/${id}/recipients?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.data);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

/** What customers received: template messages per recipient, from the simulator's inboxes. */
export function received(stack: Stack, waIds: readonly string[], templateName?: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const waId of waIds) {
    const inbox = stack.sim.state.inbox(waId).filter((m) => !templateName || m.templateName === templateName);
    counts.set(waId, inbox.length);
  }
  return counts;
}

export const digits = (to: string) => to.replace(/^\+/, '');

/** `portfolios` portfolios of `tier`, one WABA each with two numbers and the campaign's template. */
export function portfolioScenario(portfolios: number, tier: string) {
  const minimal = loadScenario('minimal');
  const [hello] = minimal.templates;
  const n = (i: number, base: number) => String(base + i);
  return {
    ...minimal,
    name: `capacity-${portfolios}x${tier}`,
    portfolios: Array.from({ length: portfolios }, (_, i) => ({
      id: n(i, 100000000000910),
      name: `Capacity Co ${i}`,
      tier,
    })),
    wabas: Array.from({ length: portfolios }, (_, i) => ({
      id: n(i, 200000000000910),
      portfolioId: n(i, 100000000000910),
      name: `Capacity WABA ${i}`,
      accessToken: `EAAG-capacity-${i}`,
    })),
    phoneNumbers: Array.from({ length: portfolios * 2 }, (_, j) => ({
      id: n(j, 300000000000910),
      wabaId: n(Math.floor(j / 2), 200000000000910),
      displayPhoneNumber: `+1 555-000-${String(910 + j)}`,
      verifiedName: `Capacity Co ${Math.floor(j / 2)}`,
    })),
    templates: Array.from({ length: portfolios }, (_, i) => ({
      ...hello!,
      id: n(i, 400000000000910),
      wabaId: n(i, 200000000000910),
    })),
    customers: [],
  };
}

/**
 * Why recipients are still `sent`, for a failed assertion's message: for a few of them, their attempts (as
 * Lifeline recorded them) and the simulator's status webhooks for their wamids (pending, delivered, given up); and
 * the webhook pipeline's backlog (unprocessed inbox rows, parked statuses, dead letters).
 */
export async function explainStuck(stack: Stack, campaignId: string): Promise<string> {
  const stuck = (await allRecipients(stack, campaignId)).filter((r) => r.status === 'sent').slice(0, 3);
  const hooks = stack.sim.state.webhooks().filter((w) => w.field === 'messages');
  const sample = await Promise.all(
    stuck.map(async (r) => {
      const m = (await stack.api('GET', `/v1/messages/${r.messageId}`)).body as {
        attempts: { attemptId: string; wamid?: string; outcome: string }[];
      };
      return {
        to: r.to,
        attempts: m.attempts.map((a) => ({
          ...a,
          webhooks: hooks
            .filter((w) => a.wamid && w.rawBody.includes(a.wamid))
            .map((w) => ({ status: w.status, attempts: w.attempts, http: w.lastHttpStatus, error: w.lastError })),
        })),
      };
    }),
  );
  const backlog = await stack.db.pool.query(
    `SELECT (SELECT count(*) FROM webhook_inbox WHERE processed_at IS NULL)::int AS unprocessed,
            (SELECT count(*) FROM webhook_waiting_statuses)::int AS parked,
            (SELECT count(*) FROM webhook_dead_letters)::int AS dead`,
  );
  return JSON.stringify({ stuck: sample, pipeline: backlog.rows[0] });
}
