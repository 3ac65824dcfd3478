import { createServer, type IncomingHttpHeaders } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator';
import { SimulatorControl } from '../../src/simulator/control-client';
import { buildScenario, SECRET, TOKEN_A } from './fixtures';

export { buildScenario, ID, SECRET, TOKEN_A, TOKEN_B, WA } from './fixtures';

/** `promo` (or any body-only template) addressed to `to`. */
export function templateBody(to: string, name = 'promo', params: string[] = ['Ann', '20%'], extra: object[] = []) {
  const components: object[] = [{ type: 'body', parameters: params.map((text) => ({ type: 'text', text })) }, ...extra];
  if (name === 'promo') components.unshift({ type: 'header', parameters: [{ type: 'text', text: params[0] ?? 'x' }] });
  return {
    messaging_product: 'whatsapp',
    to,
    type: 'template',
    template: { name, language: { code: 'en_US' }, components },
  };
}

export const textBody = (to: string, body = 'Hello') => ({
  messaging_product: 'whatsapp',
  to,
  type: 'text',
  text: { body },
});

export interface GraphResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { error?: { code: number; error_subcode?: number; message: string; type: string } };
}

export interface TestSim {
  sim: Simulator;
  url: string;
  control: SimulatorControl;
  send(phoneNumberId: string, body: unknown, token?: string): Promise<GraphResponse>;
  get(path: string, token?: string): Promise<GraphResponse>;
  close(): Promise<void>;
}

/** A simulator in-process on a random loopback port, with fast statuses; the test scenario by default. */
export async function startSim(options: Partial<SimulatorOptions> = {}): Promise<TestSim> {
  const sim = createSimulator({ appSecret: SECRET, scenario: buildScenario(), statusDelayMs: 5, seed: 7, ...options });
  const server = await sim.listen(0);
  const request = async (
    method: string,
    path: string,
    token: string | undefined,
    body?: unknown,
  ): Promise<GraphResponse> => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as GraphResponse['body'] };
  };
  return {
    sim,
    url: server.url,
    control: new SimulatorControl(server.url),
    send: (phoneNumberId, body, token = TOKEN_A) => request('POST', `/v23.0/${phoneNumberId}/messages`, token, body),
    get: (path, token = TOKEN_A) => request('GET', `/v23.0/${path}`, token),
    close: () => server.close(),
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: {
    entry: {
      id: string;
      changes: {
        field: string;
        value: Record<string, unknown> & { statuses?: Record<string, unknown>[]; messages?: Record<string, unknown>[] };
      }[];
    }[];
  };
}

export const VERIFY_TOKEN = 'verify-me';

/** A loopback HTTP receiver for webhooks; `status` decides each answer. */
export async function startReceiver(status: (n: number) => number = () => 200) {
  const received: ReceivedWebhook[] = [];
  let count = 0;
  const server = createServer((req, res) => {
    if (req.method === 'GET') {
      // Meta's verification handshake: echo hub.challenge when the verify token matches.
      const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
      const ok = query.get('hub.mode') === 'subscribe' && query.get('hub.verify_token') === VERIFY_TOKEN;
      res.statusCode = ok ? 200 : 403;
      res.end(ok ? (query.get('hub.challenge') ?? '') : '');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count += 1;
      const code = status(count);
      const raw = Buffer.concat(chunks);
      if (code < 300)
        received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['body'] });
      res.statusCode = code;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    received,
    attempts: () => count,
    /** Accepted webhooks of `field`, flattened to their change values. */
    values: (field: string) =>
      received.flatMap((w) =>
        w.body.entry.flatMap((e) => e.changes.filter((c) => c.field === field).map((c) => c.value)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Polls until `check` returns a truthy value (or fails after `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  timeoutMs = 3000,
  what = 'condition',
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The wamid of a 200 answer. */
export function wamidOf(res: GraphResponse): string {
  const messages = res.body.messages as { id: string }[] | undefined;
  if (!messages?.[0]) throw new Error(`not accepted: ${JSON.stringify(res.body)}`);
  return messages[0].id;
}

/** Status webhooks recorded for a wamid, in emission order: `status` and the error code of failures. */
export function statusesOf(sim: Simulator, wamid: string): { status: string; code?: number }[] {
  return sim.state
    .webhooks()
    .filter((w) => w.field === 'messages')
    .flatMap((w) => w.payload.entry.flatMap((e) => e.changes))
    .flatMap(
      (c) => (c.value as { statuses?: { id: string; status: string; errors?: { code: number }[] }[] }).statuses ?? [],
    )
    .filter((s) => s.id === wamid)
    .map((s) => ({ status: s.status, ...(s.errors?.[0] ? { code: s.errors[0].code } : {}) }));
}

/** Waits until the message reached a final status (read, failed, or delivered for customers without receipts). */
export function settled(sim: Simulator, wamid: string, final: string[] = ['read', 'failed']) {
  return waitFor(
    () => {
      const list = statusesOf(sim, wamid);
      return list.some((s) => final.includes(s.status)) ? list : undefined;
    },
    // The ladder's timers run on the simulator's event loop: a loaded CI machine delays them by seconds.
    15_000,
    `final status of ${wamid}`,
  );
}
