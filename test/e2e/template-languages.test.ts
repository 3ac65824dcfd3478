import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { httpClient, waitFor } from '../helpers/http';
import { startStack, TEST_APP_SECRET, type Stack } from '../helpers/stack';
const FAST_TIMING = { statusTimeout: '15s', noneBackoff: '200ms', maxWait: '1s', deadline: '60s' };

const [W11, W12, W21] = FESTIVE.wabas as [string, string, string];
const ASHA = FESTIVE.customers.asha;

const autumnSale = (language: string, text: string, category = 'MARKETING') => ({
  name: 'autumn_sale',
  language,
  category,
  components: [
    { type: 'BODY', text, example: { body_text: [['Asha', '20%']] } },
    { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: language === 'es' ? 'Ver' : 'Show me' }] },
  ],
});
const ENGLISH = 'Hi {{1}}, {{2}} off everything this autumn.';
const SPANISH = 'Hola {{1}}, {{2}} de descuento en todo este otoño.';

interface MemberView {
  wabaId: string;
  templateId: string;
  status: string;
  revision: number;
}
interface LanguageView {
  language: string;
  revision: number;
  components: { text?: string }[];
  members: MemberView[];
  group: { members: string[] };
}

describe('templates: one logical template in several languages', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ tenantSettings: { timing: FAST_TIMING } });
    await registerWabas(stack, [W11, W12, W21]);
    await optIn(stack, ASHA);
    await stack.control.setTemplateReview({
      delayMs: 150,
      rules: [
        { wabaId: W12, name: 'autumn_sale', language: 'es', outcome: 'REJECTED', reason: 'INVALID_FORMAT', count: 1 },
      ],
    });
  });
  after(() => stack.stop());

  const view = async (query = '') => (await stack.api('GET', `/v1/templates/autumn_sale${query}`)).body;
  const variant = (v: { languages: LanguageView[] }, language: string) =>
    v.languages.find((l) => l.language === language)!;
  const status = (v: { languages: LanguageView[] }, language: string, wabaId: string) =>
    variant(v, language)?.members.find((m) => m.wabaId === wabaId)?.status;
  const settled = (wanted: [string, string, string][]) =>
    waitFor(
      async () => {
        const v = await view();
        return wanted.every(([language, wabaId, s]) => status(v, language, wabaId) === s) ? v : undefined;
      },
      `members ${JSON.stringify(wanted)}`,
    );

  it('when a second language is added to a key, then it goes to the key’s WABAs and each language is reviewed on its own', async () => {
    const first = await stack.api('POST', '/v1/templates', { ...autumnSale('en_US', ENGLISH), wabaIds: [W11, W12] });
    assert.equal(first.status, 202, JSON.stringify(first.body));
    await settled([
      ['en_US', W11, 'APPROVED'],
      ['en_US', W12, 'APPROVED'],
    ]);

    const second = await stack.api('POST', '/v1/templates', autumnSale('es', SPANISH));
    assert.equal(second.status, 202, JSON.stringify(second.body));
    assert.equal(second.headers.get('location'), '/v1/templates/autumn_sale');
    assert.deepEqual(second.body, {
      key: 'autumn_sale',
      language: 'es',
      members: [W11, W12].map((wabaId) => ({ wabaId, status: 'PENDING' })),
    });

    const v = await settled([
      ['es', W11, 'APPROVED'],
      ['es', W12, 'REJECTED'],
    ]);
    assert.deepEqual(
      v.languages.map((l: LanguageView) => l.language),
      ['en_US', 'es'],
    );
    assert.deepEqual(variant(v, 'en_US').group.members, [W11, W12], 'the other language is untouched');
    assert.deepEqual(variant(v, 'es').group.members, [W11]);
    // Compatibility: the top level is the first language.
    assert.equal(v.language, 'en_US');
    assert.deepEqual(v.group.members, [W11, W12]);
    assert.equal(v.members.length, 2);
    const es = await view('?language=es');
    assert.equal(es.language, 'es');
    assert.match(es.components[0].text, /otoño/);
    assert.deepEqual(es.group.members, [W11]);
    const ids = new Set(v.languages.flatMap((l: LanguageView) => l.members.map((m) => m.templateId)));
    assert.equal(ids.size, 4, 'one Meta template per (WABA, language)');
  });

  it('when the rejected language is fixed, then only that language is resubmitted and both are sendable', async () => {
    const { name: _n, language: _l, ...content } = autumnSale('es', 'Hola {{1}}, ahorra {{2}} este otoño.');
    const ambiguous = await stack.api('PUT', '/v1/templates/autumn_sale', content);
    assert.equal(ambiguous.status, 400, JSON.stringify(ambiguous.body));
    assert.equal(ambiguous.body.error.code, 'language_required');
    assert.equal(ambiguous.body.error.details[0].field, 'query.language');
    const badLanguage = await stack.api('PUT', '/v1/templates/autumn_sale?language=es-ES', content);
    assert.equal(badLanguage.status, 400);
    assert.equal(badLanguage.body.error.details[0].field, 'query.language');
    assert.equal((await stack.api('PUT', '/v1/templates/autumn_sale?language=fr', content)).status, 404);

    const res = await stack.api('PUT', '/v1/templates/autumn_sale?language=es', content);
    assert.equal(res.status, 202, JSON.stringify(res.body));
    assert.deepEqual(res.body, {
      key: 'autumn_sale',
      language: 'es',
      revision: 2,
      members: [{ wabaId: W12, status: 'PENDING' }],
    });
    const v = await settled([['es', W12, 'APPROVED']]);
    assert.deepEqual(variant(v, 'es').group.members, [W11, W12]);
    assert.equal(variant(v, 'en_US').revision, 1, 'the edit is one language’s');
    assert.equal(variant(v, 'es').revision, 2);

    const spanish = await sendAndSettle(stack, {
      to: `+${ASHA}`,
      template: 'autumn_sale',
      language: 'es',
      parameters: { body: ['Asha', '20%'] },
      idempotencyKey: 'autumn-es',
    });
    assert.ok(['delivered', 'read'].includes(spanish.status), JSON.stringify(spanish.failure));
    const esAtW11 = variant(v, 'es').members.find((m) => m.wabaId === W11)!;
    assert.equal(spanish.deliveredVia.templateId, esAtW11.templateId, 'sent as the Spanish template');
    const english = await sendAndSettle(stack, {
      to: `+${ASHA}`,
      template: 'autumn_sale',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
      idempotencyKey: 'autumn-en',
    });
    assert.ok(['delivered', 'read'].includes(english.status), JSON.stringify(english.failure));
    const received = (await stack.control.inbox(ASHA)).filter((m) => m.templateName === 'autumn_sale');
    assert.deepEqual(received.map((m) => m.templateLanguage).sort(), ['en_US', 'es']);
    const rendered = (language: string) => received.find((m) => m.templateLanguage === language)!.rendered!.body;
    // W11 carries the Spanish content it approved (the edit went to W12 only).
    assert.match(rendered('es'), /^Hola \W*Asha\W*, \W*20%\W* de descuento en todo este otoño\./);
    assert.match(rendered('en_US'), /^Hi \W*Asha\W*, \W*20%\W* off everything this autumn\./);
  });

  it('when the sync disables one language’s member, then only that language’s member and group change', async () => {
    const esAtW12 = variant(await view(), 'es').members.find((m) => m.wabaId === W12)!;
    await stack.control.configureWebhook({ url: null });
    try {
      await stack.control.disableTemplate(esAtW12.templateId);
      await stack.control.disableTemplate(esAtW12.templateId);
      assert.equal((await stack.api('POST', `/v1/wabas/${W12}/sync`)).status, 200);
      const v = await view();
      assert.equal(status(v, 'es', W12), 'DISABLED');
      assert.equal(status(v, 'en_US', W12), 'APPROVED');
      assert.deepEqual(variant(v, 'es').group.members, [W11]);
      assert.deepEqual(variant(v, 'en_US').group.members, [W11, W12]);
    } finally {
      await stack.control.configureWebhook({ url: `${stack.apiUrl}/webhooks/whatsapp`, appSecret: TEST_APP_SECRET });
    }
  });

  it('when the same name and language, or another category, is authored, then 409 names the field', async () => {
    const again = await stack.api('POST', '/v1/templates', autumnSale('es', SPANISH));
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'template_exists');
    assert.equal(again.body.error.details[0].field, 'body.language');

    const utility = await stack.api('POST', '/v1/templates', autumnSale('fr', 'Bonjour {{1}}, {{2}}.', 'UTILITY'));
    assert.equal(utility.status, 409, JSON.stringify(utility.body));
    assert.equal(utility.body.error.code, 'category_mismatch');
    assert.equal(utility.body.error.details[0].field, 'body.category');
    assert.equal((await view('?language=fr')).error.code, 'not_found', 'nothing was recorded');

    const { name: _n, language: _l, ...content } = autumnSale('es', SPANISH, 'UTILITY');
    const edit = await stack.api('PUT', '/v1/templates/autumn_sale?language=es', { ...content, wabaIds: [W11, W12] });
    assert.equal(edit.status, 409, JSON.stringify(edit.body));
    assert.equal(edit.body.error.details[0].field, 'body.category');
  });

  it('when another tenant asks for the key, then every operation is 404', async () => {
    const other = await stack.admin('POST', '/v1/tenants', { name: 'other tenant' });
    const otherApi = httpClient(stack.apiUrl, other.body.apiKey as string);
    const { name: _n, language: _l, ...content } = autumnSale('es', SPANISH);
    assert.equal((await otherApi('GET', '/v1/templates/autumn_sale')).status, 404);
    assert.equal((await otherApi('GET', '/v1/templates/autumn_sale?language=es')).status, 404);
    assert.equal((await otherApi('PUT', '/v1/templates/autumn_sale?language=es', content)).status, 404);
    assert.equal((await otherApi('DELETE', '/v1/templates/autumn_sale?language=es')).status, 404);
    assert.equal((await otherApi('DELETE', '/v1/templates/autumn_sale')).status, 404);
    assert.equal((await view()).languages.length, 2);
  });

  it('when one language is deleted, then Meta keeps the other and the key goes with its last language', async () => {
    const ambiguous = await stack.api('DELETE', '/v1/templates/autumn_sale');
    assert.equal(ambiguous.status, 400);
    assert.equal(ambiguous.body.error.details[0].field, 'query.language');
    assert.equal((await stack.api('DELETE', '/v1/templates/autumn_sale?language=fr')).status, 404);

    assert.equal((await stack.api('DELETE', '/v1/templates/autumn_sale?language=es')).status, 204);
    const v = await view();
    assert.deepEqual(
      v.languages.map((l: LanguageView) => l.language),
      ['en_US'],
    );
    assert.deepEqual(v.group.members, [W11, W12]);
    const inSim = (await stack.control.state()) as { templates: { name: string; language: string }[] };
    assert.deepEqual(
      inSim.templates.filter((t) => t.name === 'autumn_sale').map((t) => t.language),
      ['en_US', 'en_US'],
    );
    const english = await sendAndSettle(stack, {
      to: `+${ASHA}`,
      template: 'autumn_sale',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
      idempotencyKey: 'autumn-en-2',
    });
    assert.ok(['delivered', 'read'].includes(english.status), JSON.stringify(english.failure));

    assert.equal((await stack.api('DELETE', '/v1/templates/autumn_sale')).status, 204, 'the only language');
    assert.equal((await stack.api('GET', '/v1/templates/autumn_sale')).status, 404);
    const after = (await stack.control.state()) as { templates: { name: string }[] };
    assert.equal(after.templates.filter((t) => t.name === 'autumn_sale').length, 0);
  });
});
