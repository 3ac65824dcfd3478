import crypto from 'node:crypto';

/** `sha256=<hex>` of the raw bytes, as Meta signs them (X-Hub-Signature-256). */
export function signWebhookBody(raw: Buffer | string, appSecret: string): string {
  return `sha256=${crypto.createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/**
 * Verifies over the raw bytes (never re-serialised JSON: Meta escapes non-ASCII as \uXXXX) with a constant-time
 * compare. Several secrets allow per-tenant apps next to the global one.
 */
export function verifyWebhookSignature(
  raw: Buffer,
  header: string | undefined,
  appSecrets: readonly string[],
): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const given = Buffer.from(header.slice('sha256='.length).toLowerCase(), 'hex');
  return appSecrets.some((secret) => {
    const expected = crypto.createHmac('sha256', secret).update(raw).digest();
    return crypto.timingSafeEqual(expected, given);
  });
}
