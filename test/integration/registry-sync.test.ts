import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { FESTIVE, registerWabas } from '../helpers/festive';
import { httpClient, waitFor } from '../helpers/http';
import { startStack, TEST_ADMIN_KEY, TEST_APP_SECRET, type Stack } from '../helpers/stack';

const [W11, W12] = FESTIVE.wabas as [string, string];
const [P111, P112] = FESTIVE.phones[W11]! as [string, string, string];
const T_TEXT_11 = FESTIVE.template(W11, '02'); // festive_text

type Row = { type: string; id: string; verdict: string; reasons: { code: string; verdict: string }[] };

describe('registry sync from Meta: registration, faults and outages seen through a sync', () => {
  let stack: Stack;
  const health = async () => {
    const r = await stack.api('GET', '/v1/health');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const rows: Row[] = [...r.body.wabas, ...r.body.phoneNumbers, ...r.body.templates];
    return (id: string) => {
      const row = rows.find((x) => x.id === id);
      assert.ok(row, `${id} is in the health matrix`);
      return { verdict: row.verdict, codes: row.reasons.map((x) => x.code) };
    };
  };
  const sync = (wabaId: string) => stack.api('POST', `/v1/wabas/${wabaId}/sync`);

  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  it('when a WABA is registered, then its numbers and templates are pulled with the fields the simulator has', async () => {
    const reg = await stack.api('POST', '/v1/wabas', { id: W11, accessToken: FESTIVE.token(W11) });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));
    assert.equal(reg.headers.get('location'), `/v1/wabas/${W11}`);
    const simPhones = [...stack.sim.state.phoneNumbers.values()].filter((p) => p.wabaId === W11);
    const simTemplates = [...stack.sim.state.templates.values()].filter((t) => t.wabaId === W11);
    const simWaba = stack.sim.state.wabas.get(W11)!;
    assert.deepEqual(reg.body, {
      wabaId: W11,
      portfolioId: simWaba.portfolioId,
      phoneNumbers: simPhones.length,
      templates: simTemplates.length,
    });

    const wabas = (await stack.api('GET', '/v1/wabas')).body.data;
    assert.equal(wabas.length, 1);
    assert.equal(wabas[0].name, simWaba.name);
    assert.equal(wabas[0].portfolioId, simWaba.portfolioId);
    assert.equal(wabas[0].health.verdict, 'healthy');

    const phones = (await stack.api('GET', '/v1/phone-numbers')).body.data;
    assert.deepEqual(phones.map((p: { id: string }) => p.id).sort(), simPhones.map((p) => p.id).sort());
    for (const sim of simPhones) {
      const p = phones.find((x: { id: string }) => x.id === sim.id);
      assert.equal(p.wabaId, W11);
      assert.equal(p.displayPhoneNumber, sim.displayPhoneNumber);
      assert.equal(p.qualityRating, sim.qualityRating);
      assert.equal(p.status, sim.status);
      assert.equal(p.enabled, true);
      assert.equal(p.health.verdict, sim.qualityRating === 'GREEN' ? 'healthy' : 'degraded', sim.id);
    }
    const tier = (await stack.db.pool.query('SELECT messaging_tier FROM portfolios')).rows[0].messaging_tier;
    assert.equal(tier, stack.sim.state.portfolios.get(simWaba.portfolioId)!.tier);

    const templates = (await stack.api('GET', '/v1/templates')).body.data;
    assert.equal(templates.length, simTemplates.length);
    for (const sim of simTemplates) {
      const t = templates.find((x: { id: string }) => x.id === sim.id);
      assert.deepEqual(
        [t.name, t.language, t.category, t.status, t.qualityScore],
        [sim.name, sim.language, sim.category, sim.status, sim.qualityScore],
      );
      assert.deepEqual(t.components, sim.components);
    }
  });

  it('when a WABA is registered, then its access token is never returned and is stored only encrypted', async () => {
    const token = FESTIVE.token(W11);
    const again = await stack.api('POST', '/v1/wabas', { id: W11, accessToken: token });
    const sealed = (await stack.db.pool.query('SELECT access_token_enc FROM wabas WHERE id = $1', [W11])).rows[0]
      .access_token_enc as string;
    const answers = [again];
    for (const path of ['/v1/wabas', '/v1/phone-numbers', '/v1/templates', '/v1/health']) {
      answers.push(await stack.api('GET', path));
    }
    answers.push(await sync(W11));
    for (const a of answers) {
      assert.ok(a.status < 300, JSON.stringify(a.body));
      assert.ok(!JSON.stringify(a.body).includes(token), 'the token is not in the answer');
      assert.ok(!JSON.stringify(a.body).includes(sealed), 'nor its sealed form');
    }
    assert.match(sealed, /^v2\.[\w-]+\.[\w-]+\.[\w-]+\.[\w-]+$/, 'AES-GCM sealed');
    // No table holds it in clear, whatever column a future change might copy it into.
    const tables = await stack.db.pool.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    for (const { table_name } of tables.rows as { table_name: string }[]) {
      const hits = await stack.db.pool.query(
        `SELECT count(*)::int AS n FROM "${table_name}" t WHERE row_to_json(t)::text LIKE $1`,
        [`%${token}%`],
      );
      assert.equal(hits.rows[0].n, 0, `table ${table_name} holds the token in clear`);
    }
  });

  it('when Meta refuses the token or does not know the WABA, then registration answers 422 naming the field and stores nothing', async () => {
    const badToken = await stack.api('POST', '/v1/wabas', { id: W12, accessToken: 'EAAG-not-a-real-token' });
    assert.equal(badToken.status, 422, JSON.stringify(badToken.body));
    assert.equal(badToken.body.error.code, 'meta_rejected');
    assert.equal(badToken.body.error.details[0].field, 'body.accessToken');
    assert.ok(!JSON.stringify(badToken.body).includes('EAAG-not-a-real-token'));
    const unknown = await stack.api('POST', '/v1/wabas', { id: '200000000000999', accessToken: FESTIVE.token(W11) });
    assert.equal(unknown.status, 422, JSON.stringify(unknown.body));
    assert.equal(unknown.body.error.details[0].field, 'body.id');
    const count = await stack.db.pool.query('SELECT count(*)::int AS n FROM wabas WHERE id <> $1', [W11]);
    assert.equal(count.rows[0].n, 0);
  });

  it('when the simulator bans a WABA, flags a number RED and pauses a template, then the health matrix shows it after a sync', async () => {
    await registerWabas(stack, [W12]);
    // Webhooks off: only the sync can carry these facts to the registry.
    await stack.control.configureWebhook({ url: null });
    try {
      await stack.control.banWaba(W12);
      await stack.control.setPhoneQuality(P111, 'RED');
      await stack.control.pauseTemplate(T_TEXT_11);
      let h = await health();
      assert.equal(h(W12).verdict, 'healthy', 'not known before the sync');
      assert.equal(h(P111).verdict, 'healthy');
      assert.equal(h(T_TEXT_11).verdict, 'healthy');

      assert.equal((await sync(W11)).status, 200);
      assert.equal((await sync(W12)).status, 200);
      h = await health();
      assert.equal(h(W12).verdict, 'unhealthy');
      assert.ok(h(W12).codes.includes('waba_banned'), JSON.stringify(h(W12)));
      for (const phone of FESTIVE.phones[W12]!)
        assert.equal(h(phone).verdict, 'unhealthy', `${phone} of a banned WABA`);
      assert.equal(h(P111).verdict, 'unhealthy');
      assert.ok(h(P111).codes.includes('phone_quality_red'), JSON.stringify(h(P111)));
      assert.equal(h(T_TEXT_11).verdict, 'unhealthy');
      assert.ok(h(T_TEXT_11).codes.includes('template_paused'), JSON.stringify(h(T_TEXT_11)));
      assert.equal(h(P112).verdict, 'healthy', 'the rest of the WABA is untouched');
      assert.equal(h(W11).verdict, 'healthy');

      // Newest wins: once Meta reinstates them, the next sync makes them healthy again.
      await stack.control.reinstateWaba(W12);
      await stack.control.setPhoneQuality(P111, 'GREEN');
      await stack.control.reinstateTemplate(T_TEXT_11);
      await sync(W11);
      await sync(W12);
      h = await health();
      for (const id of [W12, P111, T_TEXT_11]) assert.equal(h(id).verdict, 'healthy', `${id}: ${h(id).codes}`);
    } finally {
      await stack.control.configureWebhook({ url: `${stack.apiUrl}/webhooks/whatsapp`, appSecret: TEST_APP_SECRET });
    }
  });

  it('when Meta is down during a sync, then it answers 503 and the WABA, its numbers and templates turn stale; the next good sync clears it', async () => {
    const versionBefore = await stack.db.pool.query('SELECT version FROM registry_versions');
    await stack.control.setDown(true);
    try {
      const down = await sync(W11);
      assert.equal(down.status, 503, JSON.stringify(down.body));
      assert.equal(down.body.error.code, 'meta_unavailable');
      // A second failure changes nothing more: no new change per resource per failed refresh.
      assert.equal((await sync(W11)).status, 503);
    } finally {
      await stack.control.setDown(false);
    }
    const h = await health();
    for (const id of [W11, P111, T_TEXT_11]) {
      assert.equal(h(id).verdict, 'degraded', `${id} is stale, not healthy`);
      assert.deepEqual(h(id).codes, ['stale']);
    }
    assert.equal(h(W12).verdict, 'healthy', 'another WABA is untouched');
    const stored = await stack.db.pool.query("SELECT health FROM wabas WHERE id = $1 AND fields->>'stale' = 'true'", [
      W11,
    ]);
    assert.equal(stored.rows[0].health.verdict, 'degraded', 'the stored verdict follows');
    const changes = await stack.db.pool.query(
      "SELECT count(*)::int AS n FROM health_changes WHERE change ? 'stale' AND verdict = 'degraded'",
    );
    const simTemplates = [...stack.sim.state.templates.values()].filter((t) => t.wabaId === W11);
    assert.equal(changes.rows[0].n, 1 + FESTIVE.phones[W11]!.length + simTemplates.length, 'one change per resource');
    const versionAfter = await stack.db.pool.query('SELECT version FROM registry_versions');
    assert.ok(versionAfter.rows[0].version > versionBefore.rows[0].version, 'workers re-read the registry');

    assert.equal((await sync(W11)).status, 200);
    const again = await health();
    for (const id of [W11, P111, T_TEXT_11]) assert.equal(again(id).verdict, 'healthy', id);
  });

  it('when the API process handles registrations, refusals and outages at trace level, then no token reaches its logs', async () => {
    const tokens = [FESTIVE.token(W11), 'EAAG-refused-by-meta-0000'];
    const api = await spawnApi(stack);
    try {
      const admin = httpClient(api.url, TEST_ADMIN_KEY);
      const tenant = await admin('POST', '/v1/tenants', { name: 'logged tenant' });
      assert.equal(tenant.status, 201, JSON.stringify(tenant.body));
      const call = httpClient(api.url, tenant.body.apiKey);
      assert.equal((await call('POST', '/v1/wabas', { id: W11, accessToken: tokens[0] })).status, 201);
      assert.equal((await call('POST', '/v1/wabas', { id: W12, accessToken: tokens[1] })).status, 422);
      await stack.control.setDown(true);
      try {
        assert.equal((await call('POST', `/v1/wabas/${W11}/sync`)).status, 503);
      } finally {
        await stack.control.setDown(false);
      }
    } finally {
      await api.stop();
    }
    assert.match(api.output(), /API listening/, 'the log was captured');
    for (const token of tokens) assert.ok(!api.output().includes(token), `${token} was logged`);
  });
});

/** The real API entry point (`npm run api`) against this stack's database, Temporal and simulator, output captured. */
async function spawnApi(stack: Stack) {
  const port = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
  const chunks: Buffer[] = [];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/api/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: stack.db.url,
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_TASK_QUEUE: stack.taskQueue,
      META_GRAPH_URL: stack.simUrl,
      PORT: String(port),
      ADMIN_API_KEY: TEST_ADMIN_KEY,
      ENCRYPTION_KEY: 'b'.repeat(64),
      META_APP_SECRET: TEST_APP_SECRET,
      LOG_LEVEL: 'trace',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => chunks.push(c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, 'the API to listen', 60_000);
  return {
    url,
    output: () => Buffer.concat(chunks).toString('utf8'),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
