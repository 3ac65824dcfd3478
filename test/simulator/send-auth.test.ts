import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ID, startSim, templateBody, type TestSim, textBody, TOKEN_A, TOKEN_B, WA, wamidOf } from './support';

describe('send endpoint: auth, objects and account state', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim();
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  it('when a template is accepted, then the answer is Meta success body with wamid and message_status', async () => {
    const res = await t.send(ID.phoneA1, templateBody('+44 7700 900001'));
    assert.equal(res.status, 200);
    assert.equal(res.body.messaging_product, 'whatsapp');
    assert.deepEqual(res.body.contacts, [{ input: '+44 7700 900001', wa_id: WA.yes }]);
    const [message] = res.body.messages as { id: string; message_status: string }[];
    assert.match(message?.id ?? '', /^wamid\.HBg[A-Za-z0-9+/=]+$/);
    assert.equal(message?.message_status, 'accepted');
    assert.equal(t.sim.state.sends()[0]?.wamid, message?.id);
  });

  it('when a free-form message is accepted, then messages[] carries no message_status', async () => {
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    const res = await t.send(ID.phoneA1, textBody(WA.quiet));
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys((res.body.messages as object[])[0] ?? {}), ['id']);
  });

  it('when the bearer token is missing or unknown, then 401 with code 190', async () => {
    for (const token of [undefined, 'not-a-token']) {
      const res = await fetch(`${t.url}/v23.0/${ID.phoneA1}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(templateBody(WA.yes)),
      });
      const body = (await res.json()) as { error: { code: number; type: string; fbtrace_id: string } };
      assert.equal(res.status, 401);
      assert.equal(body.error.code, 190);
      assert.equal(body.error.type, 'OAuthException');
      assert.ok(body.error.fbtrace_id);
    }
  });

  it('when the token has expired, then 401 with code 190 and subcode 463', async () => {
    await t.control.expireToken(ID.wabaA);
    const res = await t.send(ID.phoneA1, templateBody(WA.yes));
    assert.equal(res.status, 401);
    assert.equal(res.body.error?.code, 190);
    assert.equal(res.body.error?.error_subcode, 463);
  });

  it('when the phone number id does not exist, then 400 with code 100 and subcode 33', async () => {
    const res = await t.send('399999999999999', templateBody(WA.yes));
    assert.equal(res.status, 400);
    assert.equal(res.body.error?.code, 100);
    assert.equal(res.body.error?.error_subcode, 33);
    assert.equal(res.body.error?.type, 'GraphMethodException');
  });

  it('when the token belongs to another WABA, then the number is invisible (100/33)', async () => {
    const res = await t.send(ID.phoneA1, templateBody(WA.yes), TOKEN_B);
    assert.equal(res.body.error?.code, 100);
    assert.equal(res.body.error?.error_subcode, 33);
  });

  it('when the number is not registered (disconnected), then 400 with code 133010', async () => {
    await t.control.setPhoneStatus(ID.phoneA1, 'DISCONNECTED');
    const res = await t.send(ID.phoneA1, templateBody(WA.yes));
    assert.equal(res.status, 400);
    assert.equal(res.body.error?.code, 133010);
  });

  it('when the WABA is banned, then 403 with code 131031', async () => {
    await t.control.banWaba(ID.wabaA);
    const res = await t.send(ID.phoneA1, templateBody(WA.yes));
    assert.equal(res.status, 403);
    assert.equal(res.body.error?.code, 131031);
  });

  it('when business-initiated messaging is restricted, then templates answer 403/368 but replies in the window pass', async () => {
    await t.control.restrictWaba(ID.wabaA);
    const blocked = await t.send(ID.phoneA1, templateBody(WA.yes));
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error?.code, 368);
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hi', phoneNumberId: ID.phoneA1 });
    assert.equal((await t.send(ID.phoneA1, textBody(WA.quiet))).status, 200);
  });

  it('when the number is restricted for spam, then 400 with code 131048', async () => {
    await t.control.setPhoneStatus(ID.phoneA1, 'RESTRICTED');
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.yes))).body.error?.code, 131048);
  });

  it('when any vNN.0 version prefix is used, then the path works; a bad prefix is an unknown path (2500)', async () => {
    for (const version of ['v20.0', 'v25.0', 'v26.0']) {
      const res = await fetch(`${t.url}/${version}/${ID.phoneA1}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
        body: JSON.stringify(templateBody(WA.yes)),
      });
      assert.equal(res.status, 200, version);
    }
    const bad = await fetch(`${t.url}/latest/${ID.phoneA1}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}` },
    });
    assert.equal(((await bad.json()) as { error: { code: number } }).error.code, 2500);
  });

  it('when the body is not JSON, then 400 with code 100', async () => {
    const res = await fetch(`${t.url}/v23.0/${ID.phoneA1}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN_A}`, 'content-type': 'application/json' },
      body: '{"messaging_product":',
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { code: number } }).error.code, 100);
  });

  it('when biz_opaque_callback_data is given, then it is not echoed in the send response', async () => {
    const res = await t.send(ID.phoneA1, { ...templateBody(WA.yes), biz_opaque_callback_data: 'attempt-1' });
    assert.ok(!JSON.stringify(res.body).includes('attempt-1'));
    assert.equal(t.sim.state.sends()[0]?.bizOpaqueCallbackData, 'attempt-1');
    assert.ok(wamidOf(res));
  });
});
