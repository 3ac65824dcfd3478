export { httpClient, type HttpResult } from '../../src/tools/http-client';

/**
 * Polls until `check` returns a value (not undefined/false), or fails with the last value seen. A check that
 * returns nothing while waiting can `note` what it saw, so a timeout says where the wait was stuck.
 */
export async function waitFor<T>(
  check: (note: (seen: unknown) => void) => Promise<T | undefined | false>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let noted = false;
  const note = (seen: unknown): void => {
    noted = true;
    last = seen;
  };
  while (Date.now() < deadline) {
    const v = await check(note);
    if (v !== undefined && v !== false) return v;
    if (!noted) last = v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}
