import type { SimulatorControl } from '../simulator/control-client';
import { runBroadcast, type BroadcastOutcome } from './broadcast';

/** The parts of `GET /v1/messages/:id` the demo reports. */
export interface MessageView {
  status: string;
  to: string;
  attempts?: { kind: string; outcome: string; errorCode: number | null }[];
  cost?: { total: number };
  deliveredVia?: { wabaId: string; phoneNumberId: string; kind: string };
  failure?: { reason: string; code?: number };
}

export interface DemoMessage {
  label: string;
  id: string;
  view?: MessageView;
}

export interface CampaignOutcome {
  tenantId: string;
  apiKey: string;
  messages: DemoMessage[];
  /** The campaign sent through `POST /v1/campaigns` after the single messages. */
  broadcast: BroadcastOutcome;
}

const WABAS = ['200000000000011', '200000000000012', '200000000000021', '200000000000022', '200000000000031'];
const CUSTOMERS = {
  asha: '919800000001',
  bilal: '919800000002',
  esha: '919800000005',
  gita: '919800000007',
  hari: '919800000008',
  kavya: '919800000011',
  mohan: '919800000013',
};
const FINAL = ['delivered', 'read', 'failed', 'cancelled', 'declined', 'expired'];

/** A tiny JSON client over the demo's own API: the demo drives Lifeline exactly as a business would. */
function client(apiUrl: string, key: string) {
  // The demo reads a few known fields of its own API's answers.
  return async <T = { id: string; apiKey: string }>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as T };
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The demo campaign: a festive offer to a few dozen customers while the simulator bans the primary WABA, pauses
 * a template and makes a number fail — then waits until every message has settled — and then a broadcast to a
 * few hundred through the campaign API, on the registry as those faults left it.
 */
export async function runCampaign(opts: {
  apiUrl: string;
  adminKey: string;
  control: SimulatorControl;
  say: (line: string) => void;
}): Promise<CampaignOutcome> {
  const { say, control } = opts;
  const admin = client(opts.apiUrl, opts.adminKey);
  const tenant = await admin('POST', '/v1/tenants', {
    name: 'Diwali Retail (demo)',
    settings: {
      timing: { statusTimeout: '60s', noneBackoff: '1s', maxWait: '5s', deadline: '10m' },
      smartUtilityFallback: { enabled: true, consentTemplate: 'offer_consent', waitFor: '60s' },
    },
  });
  if (tenant.status !== 201) throw new Error(`could not create the demo tenant: ${JSON.stringify(tenant.body)}`);
  const api = client(opts.apiUrl, tenant.body.apiKey);
  say(`✔ tenant ${tenant.body.id} created`);

  for (const id of WABAS) {
    const r = await api('POST', '/v1/wabas', { id, accessToken: `EAAG-festive-waba-${id.slice(-2)}` });
    if (r.status !== 201) throw new Error(`registering WABA ${id} failed: ${JSON.stringify(r.body)}`);
  }
  say(`✔ registered ${WABAS.length} WABAs with their numbers and templates (3 business portfolios)`);

  const crowd = Array.from({ length: 24 }, (_, i) => `9199000${String(i).padStart(5, '0')}`);
  for (const waId of [...Object.values(CUSTOMERS), ...crowd]) {
    await api('POST', `/v1/contacts/+${waId}/opt-in`, { source: 'demo: website checkbox' });
  }

  const messages: DemoMessage[] = [];
  const send = async (
    label: string,
    to: string,
    template = 'festive_text',
    parameters: object = { body: ['friend', '20%'] },
  ) => {
    const r = await api('POST', '/v1/messages', {
      to: `+${to}`,
      template,
      language: 'en_US',
      parameters,
      smartUtilityFallback: { enabled: true, consentParameters: { body: ['friend', 'your festive offer'] } },
      campaignId: 'diwali-demo',
      idempotencyKey: `demo-${label}-${to}`,
    });
    if (r.status !== 202) throw new Error(`send failed: ${JSON.stringify(r.body)}`);
    messages.push({ label, id: r.body.id });
  };

  say('\n▶ wave 1: 8 messages, every resource healthy');
  for (const to of crowd.slice(0, 8)) await send('healthy', to);
  await sleep(1500);

  say('▶ fault: the simulator bans WABA 200000000000011 (the primary); wave 2: 8 messages');
  await control.banWaba(WABAS[0]!);
  for (const to of crowd.slice(8, 16)) await send('after-ban', to);
  await sleep(1500);

  say(
    '▶ fault: template festive_text is paused in WABA 200000000000012; number …211 answers 131048; wave 3: 8 messages',
  );
  await control.pauseTemplate('40000000001202');
  await control.injectErrors({ scope: { phoneNumberId: '300000000000211' }, code: 131048, mode: 'sync' });
  for (const to of crowd.slice(16, 24)) await send('after-pause', to);

  say('▶ customers Meta will refuse: Gita is not on WhatsApp (131026), Hari stopped marketing (131050)');
  await send('not-on-whatsapp', CUSTOMERS.gita);
  await send('stopped-marketing', CUSTOMERS.hari);

  say("▶ Smart Utility Fallback: Esha and Mohan have hit Meta's per-user marketing limit (131049)");
  const offer = {
    header: { type: 'image', link: 'https://cdn.example.com/festive.jpg' },
    body: ['Esha', '20%'],
    buttons: [
      { index: 0, payload: 'SHOP_NOW' },
      { index: 1, payload: 'NOT_INTERESTED' },
    ],
  };
  await send('fallback-yes', CUSTOMERS.esha, 'festive_offer', offer);
  await send('fallback-no', CUSTOMERS.mohan, 'festive_offer', { ...offer, body: ['Mohan', '20%'] });

  say('… waiting for every message to settle');
  // Poll every unsettled message each round, so one slow message never hides the others.
  const deadline = Date.now() + 180_000;
  for (let open = messages; open.length > 0 && Date.now() < deadline;) {
    for (const m of open) m.view = (await api<MessageView>('GET', `/v1/messages/${m.id}`)).body;
    open = open.filter((m) => !FINAL.includes(m.view?.status ?? ''));
    if (open.length) await sleep(500);
  }
  const broadcast = await runBroadcast({ api, say });
  return { tenantId: tenant.body.id, apiKey: tenant.body.apiKey, messages, broadcast };
}
