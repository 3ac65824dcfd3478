/**
 * The demo's campaign: one template to a few hundred opted-in customers through `POST /v1/campaigns`, with a
 * progress bar drawn from `GET /v1/campaigns/:id`, a pause and a resume half-way — the way a business drives a
 * broadcast (docs/campaigns.md).
 */

interface CampaignView {
  id: string;
  status: string;
  statusReason?: string;
  counts: Record<string, number> & { total: number };
  failuresByReason: Record<string, number>;
  rate: number;
  eta: string | null;
  cost: { total: number; currency?: string };
}

export interface BroadcastOutcome {
  campaignId: string;
  view: CampaignView;
  seconds: number;
}

type Api = <T>(method: string, path: string, body?: unknown) => Promise<{ status: number; body: T }>;

const RECIPIENTS = 300;
const BAR = 30;
const FINAL = ['completed', 'cancelled', 'failed'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Messages that reached their end (delivered, read, failed, …) out of all. */
function settled(v: CampaignView): number {
  const c = v.counts;
  return (
    (c.delivered ?? 0) + (c.read ?? 0) + (c.failed ?? 0) + (c.cancelled ?? 0) + (c.declined ?? 0) + (c.expired ?? 0)
  );
}

export function progressLine(v: CampaignView): string {
  const total = v.counts.total || 1;
  const done = settled(v);
  const filled = Math.round((done / total) * BAR);
  const eta = v.eta ? `${Math.max(0, Math.round((Date.parse(v.eta) - Date.now()) / 1000))} s` : '–';
  return (
    `  [${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}] ${String(Math.floor((done / total) * 100)).padStart(3)} % ` +
    `${v.status.padEnd(9)} delivered ${(v.counts.delivered ?? 0) + (v.counts.read ?? 0)}/${v.counts.total}, ` +
    `failed ${v.counts.failed ?? 0}, ${v.rate.toFixed(0)} msg/s, eta ${eta}`
  );
}

export async function runBroadcast(opts: { api: Api; say: (line: string) => void }): Promise<BroadcastOutcome> {
  const { api, say } = opts;
  const list = Array.from({ length: RECIPIENTS }, (_, i) => `9199100${String(i).padStart(5, '0')}`);
  // Opt-in first: the demo tenant requires it, as WhatsApp's policy does for business-initiated messages.
  for (let i = 0; i < list.length; i += 20) {
    await Promise.all(
      list
        .slice(i, i + 20)
        .map((waId) => api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'demo: loyalty sign-up form' })),
    );
  }
  const created = await api<{ id: string }>('POST', '/v1/campaigns', {
    name: 'Diwali broadcast (demo)',
    template: 'festive_text',
    language: 'en_US',
    idempotencyKey: 'demo-diwali-broadcast',
    parameters: { body: ['friend', '20%'] },
    recipients: list.map((waId, i) => ({ to: `+${waId}`, ref: `loyalty-${i}` })),
    start: true,
  });
  if (created.status >= 300) throw new Error(`creating the campaign failed: ${JSON.stringify(created.body)}`);
  const id = created.body.id;
  say(`\n▶ campaign ${id}: festive_text to ${RECIPIENTS} customers (POST /v1/campaigns)`);

  const started = Date.now();
  const live = process.stdout.isTTY;
  let paused = false;
  let lastPrinted = 0;
  let view: CampaignView;
  for (;;) {
    view = (await api<CampaignView>('GET', `/v1/campaigns/${id}`)).body;
    // On a terminal the bar redraws in place; in a log it is printed every 2 s.
    if (live) process.stdout.write(`\r${progressLine(view)}`);
    else if (Date.now() - lastPrinted >= 2000) {
      say(progressLine(view));
      lastPrinted = Date.now();
    }
    // Paused once 40 % have left (sent or beyond), so most of the list is still waiting when it stops.
    const left = view.counts.total - (view.counts.accepted ?? 0) - (view.counts.sending ?? 0);
    if (!paused && left >= RECIPIENTS * 0.4) {
      paused = true;
      await api('POST', `/v1/campaigns/${id}/pause`);
      if (live) process.stdout.write('\n');
      say('  ⏸ paused with 40 % sent (POST …/pause): no send leaves after the pause is acknowledged');
      await sleep(2000);
      const held = (await api<CampaignView>('GET', `/v1/campaigns/${id}`)).body;
      say(progressLine(held));
      await api('POST', `/v1/campaigns/${id}/resume`);
      say('  ▶ resumed (POST …/resume): each remaining customer is sent to once');
    }
    if (FINAL.includes(view.status) && settled(view) >= view.counts.total) break;
    if (Date.now() - started > 180_000) {
      say('\n  the campaign did not finish within 3 minutes; see GET /v1/campaigns/' + id);
      break;
    }
    await sleep(500);
  }
  if (live) process.stdout.write('\n');
  return { campaignId: id, view, seconds: (Date.now() - started) / 1000 };
}
