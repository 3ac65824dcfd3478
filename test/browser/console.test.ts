import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { campaignStack, MINIMAL, recipients } from '../helpers/campaigns';
import { launchChromium, screenshot } from '../helpers/browser';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

/** The progress bar's value of a campaign, as the page shows it. */
const progressOf = (page: Page, id: string) =>
  page.locator(`article[data-campaign="${id}"] progress`).evaluate((p) => (p as unknown as { value: number }).value);

describe('console: in headless Chromium', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  before(async () => {
    stack = await campaignStack();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await stack.stop();
  });

  it('when an operator signs in with the tenant API key, then the console opens on an HttpOnly, SameSite=Strict, expiring session cookie', async () => {
    await page.goto(`${stack.apiUrl}/console`);
    await page.fill('#api-key', 'not-a-key-at-all');
    await page.click('#sign-in button');
    await page.locator('#sign-in .error').filter({ hasText: '401' }).waitFor();
    await page.fill('#api-key', stack.tenant.apiKey);
    await page.click('#sign-in button');
    await page.locator('table[data-kind="phone-numbers"]').waitFor();
    const [cookie] = await page.context().cookies();
    assert.equal(cookie?.name, 'lifeline_console');
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, 'Strict');
    assert.ok(cookie!.expires > Date.now() / 1000, 'the cookie expires');
    assert.ok(!cookie!.value.includes(stack.tenant.apiKey), 'the cookie is not the API key');
    await screenshot(page, 'console-signed-in');
  });

  it('when a change is sent with the session cookie but without its CSRF token, then it is refused', async () => {
    const [cookie] = await page.context().cookies();
    const res = await fetch(`${stack.apiUrl}/v1/phone-numbers/${MINIMAL.phones[0]}`, {
      method: 'PATCH',
      headers: { cookie: `lifeline_console=${cookie!.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ priority: 5 }),
    });
    assert.equal(res.status, 403);
  });

  it('when a campaign is started from the console and then paused, then its progress bar moves, and stops', async () => {
    const created = await stack.api('POST', '/v1/campaigns', {
      name: 'Console <img src=x onerror="window.__xss=1">',
      template: 'hello_offer',
      language: 'en_US',
      maxPerSecond: 10,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.id as string;
    const added = await stack.api('POST', `/v1/campaigns/${id}/recipients`, { recipients: recipients(400, '4477031') });
    assert.equal(added.body.added, 400);
    await page.click('nav a[data-page="campaigns"]');
    const card = page.locator(`article[data-campaign="${id}"]`);
    await card.locator('button[data-action="start"]').click();
    await card.locator('.status', { hasText: 'running' }).waitFor();
    const early = await waitFor(async () => (await progressOf(page, id)) > 0 && progressOf(page, id), 'progress');
    await waitFor(async () => (await progressOf(page, id)) > early + 10, 'the bar moving on');
    await screenshot(page, 'console-campaign-running');
    await card.locator('button[data-action="pause"]').click();
    await card.locator('.status', { hasText: 'paused' }).waitFor();
    await new Promise((r) => setTimeout(r, 1500)); // statuses of sends already with Meta still arrive
    const paused = await progressOf(page, id);
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(await progressOf(page, id), paused, 'the bar stopped');
    assert.ok(paused < 400, `paused before the end (${paused})`);
    assert.equal(await card.locator('button[data-action="resume"]').count(), 1);
    assert.ok((await card.locator('h2').textContent())!.includes('<img src=x'), 'the name is shown as text');
    assert.equal(await page.evaluate(() => (globalThis as { __xss?: number }).__xss), undefined);
    await screenshot(page, 'console-campaign-paused');
    await card.locator('button[data-action="cancel"]').click();
    await card.locator('.status', { hasText: 'cancelled' }).waitFor();
  });

  it("when a message's story is opened, then it shows its attempts, the resolver's decision and a link to its workflow", async () => {
    const sent = await stack.api('POST', '/v1/messages', {
      to: '+447703299999',
      template: 'hello_offer',
      language: 'en_US',
      parameters: { body: ['Asha', '20%'] },
      idempotencyKey: 'console-story',
    });
    assert.equal(sent.status, 202);
    const id = sent.body.id as string;
    const message = await waitFor(async () => {
      const m = await stack.api('GET', `/v1/messages/${id}`);
      return ['delivered', 'read'].includes(m.body.status as string) && m.body;
    }, 'delivered');
    await page.click('nav a[data-page="messages"]');
    await page.fill('#message-id', id);
    await page.click('form.lookup button');
    await page.locator(`.story[data-message="${id}"]`).waitFor();
    assert.equal(await page.locator('#attempts tbody tr').count(), 1);
    assert.match((await page.locator('#timeline').textContent())!, /resolved .*chose WABA 200000000000900/s);
    const href = await page.locator('#workflow-link').getAttribute('href');
    assert.ok(href!.startsWith('http://localhost:8233/namespaces/default/workflows/'), href!);
    assert.ok(href!.endsWith(`/${encodeURIComponent(message.workflowId as string)}`), href!);
    await screenshot(page, 'console-message-story');
  });

  it('when the analytics page is grouped by template, then its table counts the campaign’s recipients and the single message', async () => {
    await page.click('nav a[data-page="analytics"]');
    await page.locator('#analytics tbody tr').first().waitFor();
    await page.selectOption('#group-by', 'template');
    await page.click('form.lookup button');
    const row = page.locator('#analytics tbody tr', { hasText: 'hello_offer' });
    await row.waitFor();
    const cells = await row.locator('td').allTextContents();
    // Group, Accepted, …: 400 campaign recipients (cancelled part-way) and the delivered single message.
    assert.equal(cells[0], 'hello_offer');
    assert.equal(Number(cells[1]), 401, cells.join(' | '));
    assert.ok(Number(cells[3]) >= 1, `delivered: ${cells.join(' | ')}`);
    assert.equal(await page.locator('#analytics thead th').count(), 12, 'every column of the funnel');
    await screenshot(page, 'console-analytics-template');
  });

  it('when the simulator lowers a number’s quality, then the health matrix shows it within 2 s', async () => {
    await page.click('nav a[data-page="health"]');
    const row = page.locator('table[data-kind="phone-numbers"] tr', { hasText: MINIMAL.phones[1]! });
    await row.locator('.verdict-healthy').waitFor();
    const faulted = Date.now();
    await stack.control.setPhoneQuality(MINIMAL.phones[1]!, 'RED');
    await row.locator('.verdict-unhealthy, .verdict-degraded').waitFor({ timeout: 2000 });
    const shownAfterMs = Date.now() - faulted;
    assert.ok((await row.textContent())!.includes('RED'), 'its quality');
    await screenshot(page, 'console-health-fault');
    assert.ok(shownAfterMs <= 2000, `shown after ${shownAfterMs} ms`);
  });

  it('when the operator signs out, then the session ends and the API refuses its cookie', async () => {
    const [cookie] = await page.context().cookies();
    await page.click('#logout');
    await page.locator('#sign-in').waitFor();
    const res = await fetch(`${stack.apiUrl}/v1/health`, { headers: { cookie: `lifeline_console=${cookie!.value}` } });
    assert.equal(res.status, 401);
  });
});
