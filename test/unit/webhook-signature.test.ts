import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureDigest, signWebhookBody, verifyWebhookSignature } from '../../src/meta/webhook-signature';

describe('webhook signature', () => {
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}],"x":"caf\\u00e9"}');
  const verify = (body: Buffer, header: string | undefined, secret: string) => {
    const digest = signatureDigest(header);
    return digest !== undefined && verifyWebhookSignature(body, digest, secret);
  };

  it('when the body is signed with the app secret, then it verifies', () => {
    assert.equal(verify(raw, signWebhookBody(raw, 'secret-1'), 'secret-1'), true);
    assert.equal(
      verify(raw, signWebhookBody(raw, 'secret-1').toUpperCase().replace('SHA256', 'sha256'), 'secret-1'),
      true,
    );
  });

  it('when the body, the secret or the header is wrong, then it is refused', () => {
    const sig = signWebhookBody(raw, 'secret-1');
    assert.equal(verify(Buffer.concat([raw, Buffer.from(' ')]), sig, 'secret-1'), false);
    assert.equal(verify(raw, sig, 'secret-2'), false);
  });

  it('when the header does not have the sha256=<64 hex> format, then no digest is read from it', () => {
    const sig = signWebhookBody(raw, 'secret-1');
    for (const header of [
      undefined,
      '',
      'sha256=abc',
      sig.replace('sha256=', 'sha1='),
      `${sig}0`,
      `${sig.slice(0, -1)}g`,
      ` ${sig}`,
    ]) {
      assert.equal(signatureDigest(header), undefined, String(header));
    }
  });

  it('when the JSON is re-serialised (escapes lost), then the signature no longer matches', () => {
    const sig = signWebhookBody(raw, 's3cret-key');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    assert.notDeepEqual(reserialised, raw);
    assert.equal(verify(reserialised, sig, 's3cret-key'), false);
  });
});
