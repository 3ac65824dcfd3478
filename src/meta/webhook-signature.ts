import crypto from 'node:crypto';

/** `sha256=<hex>` of the raw bytes, as Meta signs them (X-Hub-Signature-256). */
export function signWebhookBody(raw: Buffer | string, appSecret: string): string {
  return `sha256=${crypto.createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

const HEADER_FORMAT = /^sha256=[0-9a-f]{64}$/i;

/** The header's digest when it has Meta's format, else undefined: checked before any HMAC is computed. */
export function signatureDigest(header: string | undefined): Buffer | undefined {
  if (!header || header.length !== 71 || !HEADER_FORMAT.test(header)) return undefined;
  return Buffer.from(header.slice('sha256='.length), 'hex');
}

/**
 * Verifies over the raw bytes (never re-serialised JSON: Meta escapes non-ASCII as \uXXXX) with a constant-time
 * compare, against exactly one secret: the caller picks it from the path, so a request costs at most one HMAC.
 */
export function verifyWebhookSignature(raw: Buffer, digest: Buffer, appSecret: string): boolean {
  const expected = crypto.createHmac('sha256', appSecret).update(raw).digest();
  return crypto.timingSafeEqual(expected, digest);
}
