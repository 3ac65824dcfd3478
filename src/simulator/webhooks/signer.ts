import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex HMAC-SHA256 of the raw body, keyed by the app secret>` (§5.2). */
export function signatureOf(rawBody: string | Buffer, appSecret: string): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(rawBody).digest('hex');
}

/** The legacy `X-Hub-Signature` (sha1) Meta still sends alongside. */
export function legacySignatureOf(rawBody: string | Buffer, appSecret: string): string {
  return 'sha1=' + createHmac('sha1', appSecret).update(rawBody).digest('hex');
}

/** Constant-time check of an `X-Hub-Signature-256` header against the raw bytes received. */
export function verifySignature(rawBody: string | Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(signatureOf(rawBody, appSecret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
