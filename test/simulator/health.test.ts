import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { aggregateHealth, type HealthEntity, type HealthStatus } from '../../src/simulator';
import { buildScenario, ID, startSim, type TestSim, TOKEN_B } from './support';

const entity = (type: HealthEntity['entity_type'], can: HealthEntity['can_send_message']): HealthEntity => ({
  entity_type: type,
  id: '1',
  can_send_message: can,
});

describe('health: node reads and health_status', () => {
  let t: TestSim;
  before(async () => {
    const scenario = buildScenario();
    scenario.portfolios!.push({ id: '100000000000009', tier: 'TIER_250', verified: false });
    scenario.wabas!.push({
      id: '200000000000009',
      portfolioId: '100000000000009',
      name: 'Unverified',
      accessToken: 'token-9',
    });
    t = await startSim({ scenario });
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  const health = async (id: string, token?: string) =>
    (await t.get(`${id}?fields=health_status`, token)).body.health_status as HealthStatus;
  const of = (h: HealthStatus, type: HealthEntity['entity_type']) => h.entities.find((e) => e.entity_type === type);

  it("when the aggregation rule is applied, then BLOCKED beats LIMITED beats AVAILABLE (Meta's rule)", () => {
    assert.equal(
      aggregateHealth([entity('WABA', 'AVAILABLE'), entity('APP', 'AVAILABLE')]).can_send_message,
      'AVAILABLE',
    );
    assert.equal(aggregateHealth([entity('WABA', 'LIMITED'), entity('APP', 'AVAILABLE')]).can_send_message, 'LIMITED');
    assert.equal(
      aggregateHealth([entity('PHONE_NUMBER', 'LIMITED'), entity('WABA', 'BLOCKED')]).can_send_message,
      'BLOCKED',
    );
  });

  it('when a phone number is read with fields, then exactly those fields and id come back', async () => {
    const res = await t.get(
      `${ID.phoneA1}?fields=quality_rating,status,throughput,whatsapp_business_manager_messaging_limit,display_phone_number`,
    );
    assert.deepEqual(res.body, {
      quality_rating: 'GREEN',
      status: 'CONNECTED',
      throughput: { level: 'STANDARD' },
      whatsapp_business_manager_messaging_limit: 'TIER_10K',
      display_phone_number: '+44 7700 800001',
      id: ID.phoneA1,
    });
  });

  it("when no fields are asked, then Meta's default fields come back; an unknown field is 100", async () => {
    const res = await t.get(ID.phoneA1);
    assert.deepEqual(Object.keys(res.body).sort(), [
      'code_verification_status',
      'display_phone_number',
      'id',
      'platform_type',
      'quality_rating',
      'throughput',
      'verified_name',
    ]);
    const bad = await t.get(`${ID.phoneA1}?fields=colour`);
    assert.equal(bad.body.error?.code, 100);
    assert.match(bad.body.error?.message ?? '', /nonexisting field \(colour\)/);
  });

  it('when a node does not exist or belongs to another token, then 100 with subcode 33', async () => {
    assert.equal((await t.get('123456')).body.error?.error_subcode, 33);
    assert.equal((await t.get(ID.phoneA1, TOKEN_B)).body.error?.error_subcode, 33);
  });

  it('when everything is healthy, then a number reports AVAILABLE with PHONE_NUMBER, WABA, BUSINESS and APP entities', async () => {
    const h = await health(ID.phoneA1);
    assert.equal(h.can_send_message, 'AVAILABLE');
    assert.deepEqual(
      h.entities.map((e) => e.entity_type),
      ['PHONE_NUMBER', 'WABA', 'BUSINESS', 'APP'],
    );
  });

  it('when a number is flagged (quality RED), then its entity is LIMITED and so is the aggregate', async () => {
    await t.control.setPhoneQuality(ID.phoneA1, 'RED');
    const h = await health(ID.phoneA1);
    assert.equal(of(h, 'PHONE_NUMBER')?.can_send_message, 'LIMITED');
    assert.ok(of(h, 'PHONE_NUMBER')?.additional_info?.length);
    assert.equal(h.can_send_message, 'LIMITED');
  });

  it('when the WABA is banned, then its numbers aggregate to BLOCKED through the WABA entity (141014)', async () => {
    await t.control.banWaba(ID.wabaA);
    const h = await health(ID.phoneA2);
    assert.equal(of(h, 'PHONE_NUMBER')?.can_send_message, 'AVAILABLE');
    assert.equal(of(h, 'WABA')?.errors?.[0]?.error_code, 141014);
    assert.equal(h.can_send_message, 'BLOCKED');
    assert.equal((await health(ID.wabaA)).can_send_message, 'BLOCKED');
  });

  it('when a template is paused, then its health is BLOCKED (141002) while the WABA stays AVAILABLE', async () => {
    await t.control.pauseTemplate(ID.promo);
    const h = await health(ID.promo);
    assert.deepEqual(
      h.entities.map((e) => e.entity_type),
      ['MESSAGE_TEMPLATE', 'WABA', 'BUSINESS', 'APP'],
    );
    assert.equal(of(h, 'MESSAGE_TEMPLATE')?.errors?.[0]?.error_code, 141002);
    assert.equal(h.can_send_message, 'BLOCKED');
    assert.equal((await health(ID.wabaA)).can_send_message, 'AVAILABLE');
  });

  it('when the business portfolio is unverified, then the WABA is LIMITED through the BUSINESS entity', async () => {
    const h = await health('200000000000009', 'token-9');
    assert.equal(of(h, 'BUSINESS')?.can_send_message, 'LIMITED');
    assert.equal(h.can_send_message, 'LIMITED');
  });

  it('when a template is read, then it comes in management format with quality_score', async () => {
    const res = await t.get(`${ID.promo}?fields=name,language,status,category,quality_score,components`);
    assert.equal(res.body.name, 'promo');
    assert.equal((res.body.quality_score as { score: string }).score, 'GREEN');
    assert.deepEqual(
      (res.body.components as { type: string }[]).map((c) => c.type),
      ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'],
    );
  });

  it("when a WABA's phone numbers are listed one per page, then cursors page through them and next disappears at the end", async () => {
    const first = await t.get(`${ID.wabaA}/phone_numbers?fields=id,quality_rating&limit=1`);
    assert.deepEqual(first.body.data, [{ id: ID.phoneA1, quality_rating: 'GREEN' }]);
    const paging = first.body.paging as { next: string; cursors: { after: string } };
    assert.ok(paging.cursors.after);
    const second = await fetch(paging.next, { headers: { authorization: 'Bearer token-waba-a' } });
    const body = (await second.json()) as { data: { id: string }[]; paging: { next?: string } };
    assert.deepEqual(
      body.data.map((p) => p.id),
      [ID.phoneA2],
    );
    assert.equal(body.paging.next, undefined);
  });

  it("when a WABA's templates are listed with filters, then only matches come back", async () => {
    const res = await t.get(`${ID.wabaA}/message_templates?fields=name,status&status=PAUSED,DISABLED`);
    assert.deepEqual((res.body.data as { name: string }[]).map((d) => d.name).sort(), ['disabled_tpl', 'paused_tpl']);
    const byName = await t.get(`${ID.wabaA}/message_templates?name=consent`);
    assert.deepEqual(
      (byName.body.data as { id: string }[]).map((d) => d.id),
      [ID.consent],
    );
  });
});
