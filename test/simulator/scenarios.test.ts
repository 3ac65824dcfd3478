import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stringify } from 'yaml';
import { createSimulator, loadScenario, ScenarioError } from '../../src/simulator';
import { parseCliConfig } from '../../src/simulator/main';
import { buildScenario, ID, SECRET, settled, startSim, templateBody, WA, waitFor, wamidOf } from './support';

describe('scenarios, timeline and the standalone entry', () => {
  it('when festive-campaign loads, then it has 3 portfolios, 5 WABAs, 12 numbers and equivalent templates in every WABA', () => {
    const s = loadScenario('festive-campaign');
    assert.deepEqual([s.portfolios.length, s.wabas.length, s.phoneNumbers.length], [3, 5, 12]);
    for (const waba of s.wabas) {
      const names = s.templates.filter((t) => t.wabaId === waba.id && t.language === 'en_US').map((t) => t.name);
      assert.ok(
        names.includes('festive_offer') && names.includes('festive_text') && names.includes('festive_link'),
        waba.id,
      );
      const consent = s.templates.find((t) => t.wabaId === waba.id && t.name === 'offer_consent');
      assert.equal(consent?.category, 'UTILITY');
      const buttons = consent?.components.flatMap((c) => (c.type === 'BUTTONS' ? c.buttons.map((b) => b.text) : []));
      assert.deepEqual(buttons, ['Yes', 'No']);
    }
    const header = s.templates.find((t) => t.name === 'festive_offer')!.components.find((c) => c.type === 'HEADER');
    assert.equal(header?.type === 'HEADER' ? header.format : undefined, 'IMAGE');
    const link = s.templates
      .find((t) => t.name === 'festive_link')!
      .components.flatMap((c) => (c.type === 'BUTTONS' ? c.buttons : []));
    assert.deepEqual(
      link.map((b) => b.type),
      ['URL'],
    );
    const menu = s.templates.find((t) => t.name === 'festive_menu')!;
    assert.ok(
      menu.components.some(
        (c) => c.type === 'BUTTONS' && c.buttons.filter((b) => b.type === 'QUICK_REPLY').length >= 4,
      ),
    );
    assert.ok(s.customers.some((c) => c.marketingCap === 0) && s.customers.some((c) => !c.onWhatsApp));
  });

  it('when festive-campaign serves a capped customer, then marketing fails with 131049 and the consent prompt gets a Yes', async () => {
    const t = await startSim({ scenario: 'festive-campaign' });
    const offer = { ...templateBody('919800000005', 'festive_offer', ['Esha', '20%']) };
    offer.template.components = [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/a.jpg' } }] },
      {
        type: 'body',
        parameters: [
          { type: 'text', text: 'Esha' },
          { type: 'text', text: '20%' },
        ],
      },
    ];
    const marketing = wamidOf(await t.send('300000000000111', offer, 'EAAG-festive-waba-11'));
    assert.deepEqual(await settled(t.sim, marketing), [{ status: 'failed', code: 131049 }]);
    const consent = wamidOf(
      await t.send(
        '300000000000111',
        templateBody('919800000005', 'offer_consent', ['Esha', 'our festive offer']),
        'EAAG-festive-waba-11',
      ),
    );
    const reply = await waitFor(() => t.sim.state.inbound().find((m) => m.contextId === consent), 3000);
    assert.deepEqual(reply.message.button, { payload: 'Yes', text: 'Yes' });
    await t.close();
  });

  it('when fault-storm runs (sped up), then every timeline action applies and emits its webhooks', async () => {
    const t = await startSim({ scenario: 'fault-storm', timelineSpeed: 1000 });
    const log = await waitFor(() => (t.sim.state.timeline().length === 17 ? t.sim.state.timeline() : undefined), 3000);
    assert.deepEqual(
      log.filter((e) => e.error),
      [],
    );
    const fields = new Set(t.sim.state.webhooks().map((w) => w.field));
    for (const field of [
      'account_update',
      'phone_number_quality_update',
      'message_template_status_update',
      'message_template_quality_update',
      'business_capability_update',
      'account_alerts',
    ]) {
      assert.ok(fields.has(field), field);
    }
    assert.equal(t.sim.state.wabas.get('200000000000012')?.status, 'ACTIVE', 'reinstated at the end');
    assert.equal(t.sim.state.portfolios.get('100000000000003')?.tier, 'TIER_2K');
    await t.close();
  });

  it('when a scenario references an unknown WABA or repeats a template, then loading fails naming it', () => {
    const bad = buildScenario();
    bad.phoneNumbers!.push({
      id: '300000000000777',
      wabaId: '299',
      displayPhoneNumber: '+44 7700 800777',
      verifiedName: 'x',
    });
    assert.throws(
      () => loadScenario(bad),
      (err: Error) => err instanceof ScenarioError && /phoneNumbers\.3\.wabaId: unknown WABA 299/.test(err.message),
    );
    const dup = buildScenario();
    dup.templates!.push({ ...dup.templates![0]!, id: '400000000000777' });
    assert.throws(() => loadScenario(dup), /duplicate template promo/);
  });

  it('when a scenario is a YAML or JSON file that extends a built-in, then it loads with both', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-scenario-'));
    const own = {
      name: 'mine',
      extends: 'minimal',
      customers: [{ waId: '447700911111', name: 'Zed' }],
      limits: { usMarketingBlocked: false },
    };
    writeFileSync(join(dir, 's.yaml'), stringify(own));
    writeFileSync(join(dir, 's.json'), JSON.stringify(own));
    for (const file of ['s.yaml', 's.json']) {
      const s = loadScenario(join(dir, file));
      assert.equal(s.name, 'mine');
      assert.equal(s.wabas.length, 1);
      assert.deepEqual(
        s.customers.map((c) => c.waId),
        ['447700900001', '447700900002', '447700911111'],
      );
      assert.equal(s.limits.usMarketingBlocked, false);
    }
    assert.throws(() => loadScenario('no-such-scenario'), /neither a built-in/);
  });

  it('when two simulators run in one process, then they share no state', async () => {
    const a = await startSim();
    const b = await startSim();
    await a.send(ID.phoneA1, templateBody(WA.quiet));
    await a.control.banWaba(ID.wabaB);
    assert.equal(a.sim.state.sends().length, 1);
    assert.equal(b.sim.state.sends().length, 0);
    assert.equal(b.sim.state.wabas.get(ID.wabaB)?.status, 'ACTIVE');
    await Promise.all([a.close(), b.close()]);
    assert.equal(a.sim.state.pendingTimers(), 0, 'close() clears every timer');
  });

  it('when options are invalid, then createSimulator throws naming the option', () => {
    assert.throws(() => createSimulator({ appSecret: '' }), /appSecret/);
    assert.throws(() => createSimulator({ appSecret: SECRET, webhookUrl: 'not a url' }), /webhookUrl/);
  });

  it('when the CLI is given flags and env, then flags win and bad values are named', () => {
    const config = parseCliConfig(['--scenario', 'minimal', '--port', '0'], {
      META_APP_SECRET: 's3',
      SIM_WEBHOOK_URL: 'http://127.0.0.1:9/hook',
      SIM_PORT: '5000',
    });
    assert.deepEqual(
      [config.scenario, config.port, config.appSecret, config.webhookUrl],
      ['minimal', 0, 's3', 'http://127.0.0.1:9/hook'],
    );
    assert.equal(parseCliConfig([], {}).port, 4010);
    assert.throws(() => parseCliConfig(['--port', 'abc'], {}), /port/);
  });

  it('when main.ts is started with a scenario, then it prints its URL, serves, and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/simulator/main.ts', '--scenario', 'minimal', '--port', '0', '--log-level', 'silent'],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, META_APP_SECRET: SECRET },
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await waitFor(() => /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1], 10_000, 'the printed URL');
    const res = await fetch(`${url}/v23.0/300000000000901?fields=id`, {
      headers: { authorization: 'Bearer EAAG-minimal' },
    });
    assert.deepEqual(await res.json(), { id: '300000000000901' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
