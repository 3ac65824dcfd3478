import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { buildScenario, ID, startSim, templateBody, type TestSim, textBody, WA } from './support';

const imageHeader = {
  type: 'header',
  parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/a.jpg' } }],
};
const urlButton = { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'ann' }] };
const copyButton = {
  type: 'button',
  sub_type: 'copy_code',
  index: 1,
  parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }],
};

describe('send endpoint: templates and the service window', () => {
  let t: TestSim;
  before(async () => {
    const scenario = buildScenario();
    scenario.templates?.push({
      id: '400000000000099',
      wabaId: ID.wabaA,
      name: 'paced',
      language: 'en_US',
      category: 'MARKETING',
      pacing: true,
      components: [{ type: 'BODY', text: 'New {{1}}' }],
    });
    t = await startSim({ scenario });
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  const codeOf = async (body: unknown) => (await t.send(ID.phoneA1, body)).body.error?.code;

  it('when a media-header template gets its image, URL and copy-code parameters, then it is accepted', async () => {
    const res = await t.send(
      ID.phoneA1,
      templateBody(WA.yes, 'promo_image', ['Ann'], [imageHeader, urlButton, copyButton]),
    );
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(t.sim.state.sends()[0]?.rendered?.buttons, ['Open', 'Copy offer code']);
  });

  it('when the template name or language is not approved in the WABA, then 404 with code 132001', async () => {
    for (const body of [
      templateBody(WA.yes, 'nope'),
      { ...templateBody(WA.yes), template: { ...templateBody(WA.yes).template, language: { code: 'pt_BR' } } },
      templateBody(WA.yes, 'pending_tpl', []),
    ]) {
      const res = await t.send(ID.phoneA1, body);
      assert.equal(res.status, 404);
      assert.equal(res.body.error?.code, 132001);
    }
  });

  it('when a template of another WABA is named, then it does not exist for this number (132001)', async () => {
    assert.equal(
      (await t.send(ID.phoneB1, templateBody(WA.yes, 'consent', ['Ann']), 'token-waba-b')).body.error?.code,
      132001,
    );
  });

  it('when the template is paused, then 400 with code 132015', async () => {
    assert.equal(await codeOf(templateBody(WA.yes, 'paused_tpl', [])), 132015);
  });

  it('when the template is disabled, then 400 with code 132016', async () => {
    assert.equal(await codeOf(templateBody(WA.yes, 'disabled_tpl', [])), 132016);
  });

  it('when the body parameter count differs from the template, then 400 with code 132000', async () => {
    const res = await t.send(ID.phoneA1, templateBody(WA.yes, 'consent', ['Ann', 'extra']));
    assert.equal(res.body.error?.code, 132000);
    assert.match(
      JSON.stringify(res.body),
      /number of localizable_params \(2\) does not match the expected number of params \(1\)/,
    );
  });

  it('when a dynamic URL or copy-code button gets no parameter, then 132000', async () => {
    assert.equal(await codeOf(templateBody(WA.yes, 'promo_image', ['Ann'], [imageHeader, copyButton])), 132000);
    assert.equal(await codeOf(templateBody(WA.yes, 'promo_image', ['Ann'], [imageHeader, urlButton])), 132000);
  });

  it('when the header media type differs from the template, then 132012', async () => {
    const video = { type: 'header', parameters: [{ type: 'video', video: { link: 'https://cdn.example.com/a.mp4' } }] };
    assert.equal(await codeOf(templateBody(WA.yes, 'promo_image', ['Ann'], [video, urlButton, copyButton])), 132012);
  });

  it('when a body parameter contains a new line, then 132012', async () => {
    assert.equal(await codeOf(templateBody(WA.yes, 'consent', ['Ann\nSmith'])), 132012);
  });

  it('when the hydrated body exceeds 1024 characters, then 132005', async () => {
    assert.equal(await codeOf(templateBody(WA.yes, 'consent', ['x'.repeat(1020)])), 132005);
  });

  it('when a button index does not exist, then 131009', async () => {
    const bad = {
      type: 'button',
      sub_type: 'quick_reply',
      index: '5',
      parameters: [{ type: 'payload', payload: 'p' }],
    };
    assert.equal(await codeOf(templateBody(WA.yes, 'consent', ['Ann'], [bad])), 131009);
  });

  it('when a template is under pacing, then it is accepted as held_for_quality_assessment', async () => {
    const res = await t.send(ID.phoneA1, templateBody(WA.yes, 'paced', ['x']));
    assert.equal((res.body.messages as { message_status: string }[])[0]?.message_status, 'held_for_quality_assessment');
  });

  it('when free-form is sent with no customer message in 24 h, then 400 with code 131047', async () => {
    const res = await t.send(ID.phoneA1, textBody(WA.quiet));
    assert.equal(res.status, 400);
    assert.equal(res.body.error?.code, 131047);
  });

  it('when the customer wrote, then free-form is allowed for 24 h on that number only, and refused after', async () => {
    await t.control.customerReply(WA.quiet, { type: 'text', text: 'hello', phoneNumberId: ID.phoneA1 });
    assert.equal((await t.send(ID.phoneA1, textBody(WA.quiet))).status, 200);
    assert.equal(await codeOf(textBody(WA.quiet)), undefined);
    assert.equal((await t.send(ID.phoneA2, textBody(WA.quiet))).body.error?.code, 131047);
    await t.control.advanceClock(24 * 60 * 60 * 1000 + 1000);
    assert.equal(await codeOf(textBody(WA.quiet)), 131047);
  });

  it('when the recipient is the sending number itself, then 131021', async () => {
    assert.equal(await codeOf(templateBody('+44 7700 800001', 'consent', ['Ann'])), 131021);
  });
});
