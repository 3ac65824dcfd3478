import { Agent, request } from 'undici';

/** One Graph API exchange as the client reads it: the status, the headers it classifies by, the body's text. */
export interface GraphResponse {
  status: number;
  header(name: string): string | undefined;
  text: string;
}

export interface GraphRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sends one request to the Graph API; rejects only when no answer came (network, timeout). */
export type GraphTransport = (req: GraphRequest) => Promise<GraphResponse>;

/**
 * The production transport: undici's `request` on the client's own keep-alive pool. `fetch` builds WHATWG Request,
 * Response and stream objects per call, which cost a campaign worker about 0.3 ms of CPU per send more than this
 * (measured side by side: docs/campaigns.md, "Measured"). Each phase — connecting, waiting for the answer's
 * headers, reading its body — is bounded by `timeoutMs`.
 */
export function undiciTransport(timeoutMs: number): GraphTransport {
  const agent = new Agent({ connect: { timeout: timeoutMs }, keepAliveTimeout: 30_000 });
  return async ({ method, url, headers, body }) => {
    const res = await request(url, {
      method,
      headers,
      body,
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await res.body.text();
    return {
      status: res.statusCode,
      header: (name) => {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      text,
    };
  };
}

/** A transport over a `fetch` function (tests inject one to see exactly what is sent). */
export function fetchTransport(doFetch: typeof fetch, timeoutMs: number): GraphTransport {
  return async ({ method, url, headers, body }) => {
    const res = await doFetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    return { status: res.status, header: (name) => res.headers.get(name) ?? undefined, text };
  };
}
