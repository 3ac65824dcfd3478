import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, optIn, registerWabas, sendAndSettle } from '../helpers/festive';
import { waitFor } from '../helpers/http';
import { startStack, type Stack } from '../helpers/stack';

const [W11, W12] = FESTIVE.wabas as [string, string];
const DEV = '919800000004'; // ignores messages
const PORTFOLIO_1 = '100000000000001'; // owns WABAs 11 and 12

describe('health by webhook: simulator faults reach the registry and the next resolution', () => {
  let stack: Stack;
  const find = async (path: string, id: string) =>
    waitFor(async () => (await stack.api('GET', path)).body.data.find((r: { id: string }) => r.id === id), `${id}`);
  const until = <T>(path: string, id: string, ok: (r: any) => boolean, what: string) =>
    waitFor(async () => {
      const r = (await stack.api('GET', path)).body.data.find((x: { id: string }) => x.id === id);
      return r && ok(r) ? (r as T) : undefined;
    }, what);
  const webhookChanges = async (id: string) =>
    (
      await stack.db.pool.query(
        "SELECT count(*)::int AS n FROM health_changes WHERE source = 'webhook' AND resource_id = $1",
        [id],
      )
    ).rows[0].n as number;

  before(async () => {
    stack = await startStack();
    await registerWabas(stack, [W11, W12]);
    await optIn(stack, DEV);
  });
  after(() => stack.stop());

  it('when a template is paused by webhook, then the next message resolves to the equivalent template of another WABA', async () => {
    const body = { to: `+${DEV}`, template: 'festive_text', language: 'en_US', parameters: { body: ['Dev', '5%'] } };
    const first = await sendAndSettle(stack, body);
    assert.equal(first.deliveredVia.templateId, FESTIVE.template(W11, '02'), 'the primary, before the pause');

    await stack.control.pauseTemplate(FESTIVE.template(W11, '02'));
    const paused = await until('/v1/templates', FESTIVE.template(W11, '02'), (t) => t.status === 'PAUSED', 'paused');
    assert.equal((paused as any).health.verdict, 'unhealthy');

    const next = await sendAndSettle(stack, body);
    assert.ok(['delivered', 'read'].includes(next.status), JSON.stringify(next.failure));
    assert.equal(next.deliveredVia.wabaId, W12);
    assert.equal(next.deliveredVia.templateId, FESTIVE.template(W12, '02'));
    assert.equal(next.attempts.length, 1, 'avoided by resolution, not discovered by a failed send');

    await stack.control.reinstateTemplate(FESTIVE.template(W11, '02'));
    await until('/v1/templates', FESTIVE.template(W11, '02'), (t) => t.status === 'APPROVED', 'reinstated');
  });

  it('when a WABA is banned, then reinstated, then its ban state follows', async () => {
    await stack.control.banWaba(W12);
    const banned = await until('/v1/wabas', W12, (w) => w.banState === 'DISABLE', 'banned');
    assert.equal((banned as any).health.verdict, 'unhealthy');
    await stack.control.reinstateWaba(W12);
    await until('/v1/wabas', W12, (w) => w.banState === 'NONE' && w.health.verdict === 'healthy', 'reinstated');

    await stack.control.restrictWaba(W12, {
      restrictionType: 'RESTRICTED_BIZ_INITIATED_MESSAGING',
      durationMs: 3_600_000,
    });
    const restricted = await until('/v1/wabas', W12, (w) => w.restrictions.length === 1, 'restricted');
    assert.ok(Date.parse((restricted as any).restrictions[0].expiresAt) > Date.now());
  });

  it('when a number is flagged or disconnected, then its status and quality follow', async () => {
    const [, p112, p113] = FESTIVE.phones[W11]!;
    await stack.control.setPhoneQuality(p112!, 'RED');
    await until('/v1/phone-numbers', p112!, (p) => p.status === 'FLAGGED' && p.qualityRating === 'RED', 'flagged');
    await stack.control.setPhoneStatus(p113!, 'DISCONNECTED');
    const gone = await until('/v1/phone-numbers', p113!, (p) => p.status === 'DISCONNECTED', 'disconnected');
    assert.equal((gone as any).lastAlert.type, 'PHONE_NUMBER_DISCONNECTED');
    assert.equal((gone as any).health.verdict, 'unhealthy');
  });

  it('when template quality or category changes, then the registry follows', async () => {
    const link = FESTIVE.template(W11, '03');
    await stack.control.setTemplateQuality(link, 'YELLOW');
    await until('/v1/templates', link, (t) => t.qualityScore === 'YELLOW' && t.health.verdict === 'degraded', 'yellow');
    const consent = FESTIVE.template(W11, '09');
    assert.equal((await find('/v1/templates', consent)).category, 'UTILITY');
    await stack.control.setTemplateCategory(consent, 'MARKETING');
    await until('/v1/templates', consent, (t) => t.category === 'MARKETING', 'recategorised');
    // The category is stored a moment before the health path records the webhook's change: wait for that too.
    await waitFor(async (note) => {
      const n = await webhookChanges(consent);
      note(n);
      return n >= 1;
    }, 'the recategorisation recorded as a webhook change');
  });

  it("when the portfolio's messaging tier changes, then it is stored and the registry version moves", async () => {
    const version = async () =>
      (await stack.db.pool.query('SELECT version FROM registry_versions WHERE tenant_id = $1', [stack.tenant.id]))
        .rows[0].version as number;
    const tierOf = async () =>
      (
        await stack.db.pool.query('SELECT messaging_tier FROM portfolios WHERE tenant_id = $1 AND id = $2', [
          stack.tenant.id,
          PORTFOLIO_1,
        ])
      ).rows[0]?.messaging_tier as string | undefined;
    assert.equal(await tierOf(), 'TIER_10K');
    const before = await version();
    await stack.control.setPortfolioTier(PORTFOLIO_1, 'TIER_100K');
    await waitFor(async () => (await tierOf()) === 'TIER_100K', 'tier raised');
    assert.ok((await version()) > before);
  });
});
