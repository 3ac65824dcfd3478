/** The console's calls: same origin, the session cookie, and the CSRF token on every change (docs/console.md). */
let csrfToken = '';

export function setCsrf(token: string): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, parsed);
  return parsed as T;
}

/** An API error's message, for showing (as text) to the operator. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const e = (err.body as { error?: { message?: string } } | undefined)?.error;
    return `${err.status}: ${e?.message ?? 'request failed'}`;
  }
  return err instanceof Error ? err.message : String(err);
}
