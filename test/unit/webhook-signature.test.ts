import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signWebhookBody, verifyWebhookSignature } from '../../src/meta/webhook-signature';

describe('webhook signature', () => {
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[]}],"x":"caf\\u00e9"}');

  it('when the body is signed with the app secret, then it verifies', () => {
    assert.equal(verifyWebhookSignature(raw, signWebhookBody(raw, 'secret-1'), ['secret-1']), true);
  });

  it('when any one of several secrets signed it, then it verifies', () => {
    assert.equal(verifyWebhookSignature(raw, signWebhookBody(raw, 'tenant-secret'), ['global', 'tenant-secret']), true);
  });

  it('when the body, the secret or the header is wrong, then it is refused', () => {
    const sig = signWebhookBody(raw, 'secret-1');
    assert.equal(verifyWebhookSignature(Buffer.concat([raw, Buffer.from(' ')]), sig, ['secret-1']), false);
    assert.equal(verifyWebhookSignature(raw, sig, ['secret-2']), false);
    assert.equal(verifyWebhookSignature(raw, undefined, ['secret-1']), false);
    assert.equal(verifyWebhookSignature(raw, 'sha256=abc', ['secret-1']), false);
    assert.equal(verifyWebhookSignature(raw, sig.replace('sha256=', 'sha1='), ['secret-1']), false);
  });

  it('when the JSON is re-serialised (escapes lost), then the signature no longer matches', () => {
    const sig = signWebhookBody(raw, 's3cret-key');
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(raw.toString())));
    assert.notDeepEqual(reserialised, raw);
    assert.equal(verifyWebhookSignature(reserialised, sig, ['s3cret-key']), false);
  });
});
