// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers read bodies loosely, as a user of the API would
export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client for Lifeline's API (tests, benchmarks and the demo drive it over HTTP like a user). */
export function httpClient(baseUrl: string, defaultKey?: string) {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  return async function call<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { key?: string | null; headers?: Record<string, string>; raw?: string | Buffer } = {},
  ): Promise<HttpResult<T>> {
    const key = opts.key === undefined ? defaultKey : opts.key;
    const send = () =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined || opts.raw !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...opts.headers,
        },
        body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
    let res: Response;
    try {
      res = await send();
    } catch (err) {
      // A pooled keep-alive socket the server closed just as it was reused fails the request before any answer
      // (seen as "fetch failed" by a poll on a loaded machine): a read is safe to send once more, a write is not.
      if (method !== 'GET' && method !== 'HEAD') throw explained(err, method, path);
      res = await send().catch((again: unknown) => {
        throw explained(again, method, path);
      });
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
}

/** fetch says only "fetch failed": name the request and the socket's own error (its code and message). */
function explained(err: unknown, method: string, path: string): Error {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause ? ` (${[cause.code, cause.message].filter(Boolean).join(': ')})` : '';
  return new Error(`${(err as Error).message}${why} calling ${method} ${path}`, { cause: err });
}
