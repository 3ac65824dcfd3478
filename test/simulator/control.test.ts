import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { type ActionResult } from '../../src/simulator';
import { type SimulatorControl } from '../../src/simulator/control-client';
import { ID, startSim, templateBody, type TestSim, WA } from './support';

describe('control API: faults and the webhooks they emit', () => {
  let t: TestSim;
  before(async () => {
    t = await startSim();
  });
  after(() => t.close());
  beforeEach(() => t.sim.reset());

  /** The emitted webhooks of an action result: [WABA id, field, value]. */
  const emitted = (result: ActionResult) =>
    result.webhooks.map((id) => {
      const record = t.sim.state.webhooks().find((w) => w.id === id);
      const change = record?.payload.entry[0]?.changes[0];
      return [record?.payload.entry[0]?.id, change?.field, change?.value] as const;
    });

  const cases: [string, (c: SimulatorControl) => Promise<ActionResult>, [string, string, Record<string, unknown>][]][] =
    [
      ['banWaba', (c) => c.banWaba(ID.wabaA), [[ID.wabaA, 'account_update', { event: 'DISABLED_UPDATE' }]]],
      [
        'restrictWaba',
        (c) => c.restrictWaba(ID.wabaA),
        [[ID.wabaA, 'account_update', { event: 'ACCOUNT_RESTRICTION' }]],
      ],
      [
        'setPhoneQuality RED',
        (c) => c.setPhoneQuality(ID.phoneA1, 'RED'),
        [
          [
            ID.wabaA,
            'phone_number_quality_update',
            { event: 'FLAGGED', display_phone_number: '447700800001', current_limit: 'TIER_10K' },
          ],
        ],
      ],
      [
        'setPhoneStatus DISCONNECTED',
        (c) => c.setPhoneStatus(ID.phoneA2, 'DISCONNECTED'),
        [[ID.wabaA, 'account_alerts', { entity_type: 'PHONE_NUMBER', entity_id: ID.phoneA2 }]],
      ],
      [
        'pauseTemplate',
        (c) => c.pauseTemplate(ID.promo),
        [
          [
            ID.wabaA,
            'message_template_status_update',
            {
              event: 'PAUSED',
              message_template_id: Number(ID.promo),
              message_template_name: 'promo',
              message_template_language: 'en_US',
              reason: 'NONE',
              other_info: {
                title: 'FIRST_PAUSE',
                description: 'Your message template has been paused for 3 hours due to low quality.',
              },
            },
          ],
        ],
      ],
      [
        'disableTemplate',
        (c) => c.disableTemplate(ID.promo),
        [[ID.wabaA, 'message_template_status_update', { event: 'DISABLED' }]],
      ],
      [
        'setTemplateQuality',
        (c) => c.setTemplateQuality(ID.promo, 'YELLOW'),
        [
          [
            ID.wabaA,
            'message_template_quality_update',
            { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', message_template_id: Number(ID.promo) },
          ],
        ],
      ],
      [
        'setTemplateCategory',
        (c) => c.setTemplateCategory(ID.consent, 'MARKETING'),
        [[ID.wabaA, 'template_category_update', { previous_category: 'UTILITY', new_category: 'MARKETING' }]],
      ],
      [
        'setPortfolioTier',
        (c) => c.setPortfolioTier(ID.portfolio, 'TIER_100K'),
        [
          [ID.wabaA, 'business_capability_update', { max_daily_conversations_per_business: 'TIER_100K' }],
          [ID.wabaB, 'business_capability_update', { max_daily_conversations_per_business: 'TIER_100K' }],
        ],
      ],
    ];
  for (const [name, act, expected] of cases) {
    it(`when ${name} is applied, then the matching webhook is emitted`, async () => {
      const got = emitted(await act(t.control));
      assert.equal(got.length, expected.length);
      expected.forEach(([waba, field, subset], i) => {
        assert.equal(got[i]?.[0], waba);
        assert.equal(got[i]?.[1], field);
        for (const [key, value] of Object.entries(subset))
          assert.deepEqual((got[i]?.[2] as Record<string, unknown>)[key], value, key);
      });
    });
  }

  it('when a WABA is reinstated after a ban or a restriction, then DISABLED_UPDATE/REINSTATE or an empty restriction_info goes out', async () => {
    await t.control.banWaba(ID.wabaA);
    const [[, , ban]] = emitted(await t.control.reinstateWaba(ID.wabaA)) as [
      readonly [string, string, { ban_info: { waba_ban_state: string } }],
    ];
    assert.equal(ban.ban_info.waba_ban_state, 'REINSTATE');
    await t.control.restrictWaba(ID.wabaA);
    const [[, , restriction]] = emitted(await t.control.reinstateWaba(ID.wabaA)) as [
      readonly [string, string, { restriction_info: unknown[] }],
    ];
    assert.deepEqual(restriction.restriction_info, []);
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).status, 200);
  });

  it('when a template is paused three times, then FIRST_PAUSE, SECOND_PAUSE, then DISABLED; reinstating unpauses', async () => {
    const events: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const [[, , value]] = emitted(await t.control.pauseTemplate(ID.promo)) as [
        readonly [string, string, { event: string; other_info: { title: string } }],
      ];
      events.push([value.event, value.other_info.title]);
      if (i < 2) await t.control.reinstateTemplate(ID.promo);
    }
    assert.deepEqual(events, [
      ['PAUSED', 'FIRST_PAUSE'],
      ['PAUSED', 'SECOND_PAUSE'],
      ['DISABLED', 'DISABLED'],
    ]);
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).body.error?.code, 132016);
  });

  it('when a paused template is reinstated, then REINSTATED with UNPAUSE goes out and sends pass again', async () => {
    await t.control.pauseTemplate(ID.promo);
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).body.error?.code, 132015);
    const [[, , value]] = emitted(await t.control.reinstateTemplate(ID.promo)) as [
      readonly [string, string, { event: string; other_info: { title: string } }],
    ];
    assert.deepEqual([value.event, value.other_info.title], ['REINSTATED', 'UNPAUSE']);
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).status, 200);
  });

  it('when quality goes from RED back to GREEN, then UNFLAGGED goes out; GREEN to YELLOW sends nothing', async () => {
    await t.control.setPhoneQuality(ID.phoneA1, 'RED');
    assert.equal(t.sim.state.phoneNumbers.get(ID.phoneA1)?.status, 'FLAGGED');
    const [[, , value]] = emitted(await t.control.setPhoneQuality(ID.phoneA1, 'GREEN')) as [
      readonly [string, string, { event: string }],
    ];
    assert.equal(value.event, 'UNFLAGGED');
    assert.equal(t.sim.state.phoneNumbers.get(ID.phoneA1)?.status, 'CONNECTED');
    assert.deepEqual((await t.control.setPhoneQuality(ID.phoneA1, 'YELLOW')).webhooks, []);
  });

  it('when the API is taken down, then every Meta path answers 5xx with Meta envelope until it comes back', async () => {
    await t.control.setDown(true);
    const down = await t.send(ID.phoneA1, templateBody(WA.quiet));
    assert.deepEqual([down.status, down.body.error?.code], [503, 131016]);
    assert.equal((await t.get(ID.phoneA1)).status, 503);
    await t.control.setDown(true, { httpStatus: 500, code: 131000 });
    assert.deepEqual([(await t.send(ID.phoneA1, templateBody(WA.quiet))).status], [500]);
    await t.control.setDown(false);
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).status, 200);
  });

  it('when latency is added, then answers are delayed by about that much', async () => {
    await t.control.setLatency(120);
    const started = Date.now();
    await t.send(ID.phoneA1, templateBody(WA.quiet));
    assert.ok(Date.now() - started >= 110, `took ${Date.now() - started} ms`);
  });

  it('when faults are cleared, then error rules, latency and down are gone', async () => {
    await t.control.injectErrors({ code: 131000 });
    await t.control.setLatency(50);
    await t.control.clearFaults();
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).status, 200);
    assert.deepEqual((await t.control.state()).faults, { rules: [], latencyMs: 0, latencyByPhone: {}, down: null });
  });

  it('when reset, then sends, inboxes, faults and account changes are back to the scenario', async () => {
    await t.send(ID.phoneA1, templateBody(WA.quiet));
    await t.control.banWaba(ID.wabaB);
    await t.control.injectErrors({ code: 131000 });
    await t.control.reset();
    assert.deepEqual(await t.control.sends(), []);
    assert.equal(t.sim.state.wabas.get(ID.wabaB)?.status, 'ACTIVE');
    assert.equal((await t.send(ID.phoneA1, templateBody(WA.quiet))).status, 200);
    assert.equal((await t.control.stats()).accepted, 1);
  });

  it('when a control body is invalid, then 400 names the field; an unknown id is 404', async () => {
    const res = await fetch(`${t.url}/_control/phone-numbers/${ID.phoneA1}/quality`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ quality: 'PURPLE' }),
    });
    const body = (await res.json()) as { error: { field: string; message: string } };
    assert.deepEqual([res.status, body.error.field], [400, 'quality']);
    await assert.rejects(
      t.control.injectErrors({ code: 131000, rate: 2 }),
      (err: { status: number; body: { error: { field: string } } }) =>
        err.status === 400 && err.body.error.field === 'rate',
    );
    await assert.rejects(t.control.banWaba('999'), { status: 404 });
  });

  it('when the generic actions endpoint gets an action, then it is applied like its own endpoint', async () => {
    const result = await t.control.apply({ type: 'setTemplateQuality', templateId: ID.promo, quality: 'RED' });
    assert.equal(emitted(result)[0]?.[1], 'message_template_quality_update');
    assert.equal(t.sim.state.templates.get(ID.promo)?.qualityScore, 'RED');
  });
});
