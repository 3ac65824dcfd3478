import dns from 'node:dns';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { isPublicAddress, outboundUrlProblem } from '../domain/outbound-url';

/**
 * The one way to call a URL a tenant controls (docs/security.md, "Outbound calls"): https only; every address the
 * name resolves to must be public, checked inside the connection's own DNS lookup (so the address checked is the
 * address dialled — no DNS-rebinding window) and again on the connected socket; redirects are never followed;
 * the response is read up to a bound and then dropped; the caller learns a generic outcome, never the socket
 * error (which would make the tenant's URL a port scanner).
 */
export interface OutboundPolicy {
  /** Which addresses may be dialled. Production: public ones only. Tests inject a wider one in code. */
  allowAddress?: (address: string) => boolean;
  /** Name resolution (tests map their own names to loopback). */
  lookup?: typeof dns.lookup;
  /** Extra trusted CA certificates (tests' self-signed receivers). */
  ca?: string | Buffer;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** What the tenant may be told: the receiver's HTTP status, or one of a few generic failures. */
export type OutboundOutcome =
  { ok: true; status: number } | { ok: false; status?: number; problem: string; detail: string };

export const OUTBOUND_PROBLEMS = {
  refusedUrl: 'the URL is not allowed (https and public addresses only)',
  refusedAddress: 'the URL resolves to an address that is not allowed',
  redirect: 'the receiver answered with a redirect, which is not followed',
  status: 'the receiver answered with an error status',
  unreachable: 'the receiver could not be reached',
} as const;

class RefusedAddress extends Error {}

function guardedLookup(allow: (a: string) => boolean, base: typeof dns.lookup): net.LookupFunction {
  return (hostname, options, callback) => {
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const list = addresses as unknown as dns.LookupAddress[];
      // Any disallowed answer refuses the name: a mix of public and private answers is a rebinding attempt.
      if (list.length === 0 || list.some((a) => !allow(a.address))) {
        return callback(new RefusedAddress(`refused address for ${hostname}`), '', 0);
      }
      if ((options as { all?: boolean }).all)
        return (callback as (e: null, a: dns.LookupAddress[]) => void)(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** POSTs `body` to `url` under the outbound policy; never throws, never follows a redirect. */
export function safePost(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: OutboundPolicy = {},
): Promise<OutboundOutcome> {
  const allow = policy.allowAddress ?? isPublicAddress;
  const urlProblem = outboundUrlProblem(url);
  if (urlProblem) return Promise.resolve({ ok: false, problem: OUTBOUND_PROBLEMS.refusedUrl, detail: urlProblem });
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // net.connect skips the lookup for an address literal: check it here.
  if (net.isIP(host) && !allow(host)) {
    return Promise.resolve({ ok: false, problem: OUTBOUND_PROBLEMS.refusedAddress, detail: host });
  }
  const timeoutMs = policy.timeoutMs ?? 5000;
  const maxBytes = policy.maxResponseBytes ?? 64 * 1024;

  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: OutboundOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(outcome);
    };
    const req = https.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(allow, policy.lookup ?? dns.lookup),
        ca: policy.ca,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > maxBytes) res.destroy(); // bounded: the rest is never read
        });
        const done = () => {
          if (status >= 200 && status < 300) finish({ ok: true, status });
          else if (status >= 300 && status < 400) {
            finish({ ok: false, status, problem: OUTBOUND_PROBLEMS.redirect, detail: `HTTP ${status}` });
          } else finish({ ok: false, status, problem: OUTBOUND_PROBLEMS.status, detail: `HTTP ${status}` });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', done);
      },
    );
    req.on('socket', (socket) => {
      socket.once('secureConnect', () => {
        const remote = (socket as TLSSocket).remoteAddress;
        if (!remote || !allow(remote)) {
          finish({ ok: false, problem: OUTBOUND_PROBLEMS.refusedAddress, detail: `connected to ${remote}` });
        }
      });
    });
    req.on('error', (err) => {
      const refused = err instanceof RefusedAddress || (err as { cause?: unknown }).cause instanceof RefusedAddress;
      finish({
        ok: false,
        problem: refused ? OUTBOUND_PROBLEMS.refusedAddress : OUTBOUND_PROBLEMS.unreachable,
        detail: err.message,
      });
    });
    const timer = setTimeout(
      () => finish({ ok: false, problem: OUTBOUND_PROBLEMS.unreachable, detail: `timed out after ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.end(body);
  });
}
