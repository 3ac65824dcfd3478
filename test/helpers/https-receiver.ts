import dns from 'node:dns';
import fs from 'node:fs';
import type { ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { isPublicAddress } from '../../src/domain/outbound-url';
import type { OutboundPolicy } from '../../src/services/safe-http';

const TLS_DIR = path.join(__dirname, '../fixtures/tls');
const cert = fs.readFileSync(path.join(TLS_DIR, 'cert.pem'));
const key = fs.readFileSync(path.join(TLS_DIR, 'key.pem'));

/** `*.test` names resolve to loopback, as a public name an attacker points at 127.0.0.1 would. */
export const testLookup = ((hostname: string, options: unknown, callback: unknown) => {
  const cb = (typeof options === 'function' ? options : callback) as (...a: unknown[]) => void;
  const opts = (typeof options === 'object' && options ? options : {}) as { all?: boolean };
  if (!hostname.endsWith('.test')) return dns.lookup(hostname, opts as dns.LookupOptions, cb as never);
  const answer = { address: '127.0.0.1', family: 4 };
  if (opts.all) cb(null, [answer]);
  else cb(null, answer.address, answer.family);
}) as unknown as typeof dns.lookup;

/** The production rule (public addresses only), with test names resolving to loopback: loopback stays refused. */
export const productionLikePolicy: OutboundPolicy = { lookup: testLookup, ca: cert };

/** A TEST-ONLY widening: loopback admitted so a local receiver can be reached. Never reachable from tenant input. */
export const loopbackAllowedPolicy: OutboundPolicy = {
  lookup: testLookup,
  ca: cert,
  allowAddress: (a) => a === '127.0.0.1' || isPublicAddress(a),
};

export interface Hit {
  path: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** An https receiver on 127.0.0.1 (certificate for desk.test); `respond` decides each answer. */
export async function startHttpsReceiver(respond: (hit: Hit, n: number, res: ServerResponse) => void) {
  const hits: Hit[] = [];
  const server = https.createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const hit = { path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8'), headers: req.headers };
      hits.push(hit);
      respond(hit, hits.length, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    hits,
    url: (p = '/desk', host = 'desk.test') => `https://${host}:${port}${p}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
