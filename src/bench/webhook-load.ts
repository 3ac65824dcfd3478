import { Agent, request } from 'node:http';
import { signWebhookBody } from '../meta/webhook-signature';
import { BENCH_APP_SECRET, BENCH_PHONE, BENCH_WABA } from './webhook-intake-env';

export interface StatusEvent {
  wamid: string;
  status: 'sent' | 'delivered' | 'read';
}

/** A signed `messages` body carrying these statuses, as Meta batches them. */
export function statusBody(events: readonly StatusEvent[], time: number): { raw: string; signature: string } {
  const value = {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '15550000801', phone_number_id: BENCH_PHONE },
    statuses: events.map((e) => ({
      id: e.wamid,
      status: e.status,
      timestamp: String(time),
      recipient_id: '447700900001',
    })),
  };
  const raw = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{ id: BENCH_WABA, time, changes: [{ field: 'messages', value }] }],
  });
  return { raw, signature: signWebhookBody(raw, BENCH_APP_SECRET) };
}

/** For each wamid: sent, delivered, read; grouped `perPost` to a body (pre-signed, so signing costs no load time). */
export function ladderBodies(wamids: readonly string[], perPost: number) {
  const events: StatusEvent[] = (['sent', 'delivered', 'read'] as const).flatMap((status) =>
    wamids.map((wamid) => ({ wamid, status })),
  );
  const bodies: { raw: string; signature: string; events: StatusEvent[] }[] = [];
  for (let i = 0; i < events.length; i += perPost) {
    const chunk = events.slice(i, i + perPost);
    bodies.push({ ...statusBody(chunk, 1767225600 + i), events: chunk });
  }
  return bodies;
}

/**
 * Posts bodies with at most `concurrency` in flight (keep-alive), optionally paced to `ratePerSecond` bodies;
 * `onAccepted` runs when a 200 arrives. Returns the count, the seconds and per-request latencies.
 */
export async function postAll<T extends { raw: string; signature: string }>(
  url: string,
  bodies: readonly T[],
  o: { concurrency: number; ratePerSecond?: number; deadline: number; onAccepted?: (b: T, at: number) => void },
) {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const target = new URL(url);
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const post = (b: T) =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          agent,
          host: target.hostname,
          port: target.port,
          path: target.pathname,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': b.signature,
            'content-length': Buffer.byteLength(b.raw),
          },
        },
        (res) => {
          res.resume();
          res.on('end', () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`webhook answered ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(b.raw);
    });
  const lane = async () => {
    for (let i = next++; i < bodies.length && Date.now() < o.deadline; i = next++) {
      if (o.ratePerSecond) {
        const wait = started + (i * 1000) / o.ratePerSecond - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const t = performance.now();
      await post(bodies[i]!);
      latencies.push(performance.now() - t);
      o.onAccepted?.(bodies[i]!, Date.now());
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  agent.destroy();
  return { done: latencies.length, seconds: (performance.now() - started) / 1000, latencies };
}
