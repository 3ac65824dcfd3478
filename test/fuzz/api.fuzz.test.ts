import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack';
import { requests, WABA, type Req } from './requests';

/**
 * The fuzz suite (docs/security.md, "Fuzzing"): FUZZ_REQUESTS (default 10,000) generated requests — bodies, headers
 * and path params — across every route and the webhook (validly signed, so the processor runs on them). It asserts
 * no answer ≥ 500, the process alive and answering, and no webhook event retried without bound; it prints counts.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const CONCURRENCY = 12;
const MAX_ATTEMPTS = 3;

describe(`fuzz: ${TOTAL} generated requests across every route and the webhook`, () => {
  let stack: Stack;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);
  before(async () => {
    process.on('unhandledRejection', onCrash);
    process.on('uncaughtExceptionMonitor', onCrash);
    stack = await startStack({
      scenario: 'minimal',
      withoutWorker: true,
      // The in-memory rate-limit store keeps the database for the routes under test (limits: test/security/access.test.ts).
      app: {
        processor: { retryBaseMs: 20, pollMs: 20, maxAttempts: MAX_ATTEMPTS },
        rateLimit: { requests: 1_000_000, windowMs: 10_000, store: 'memory' },
      },
    });
    assert.equal((await stack.api('POST', '/v1/wabas', { id: WABA, accessToken: 'EAAG-minimal' })).status, 201);
  });
  after(async () => {
    process.off('unhandledRejection', onCrash);
    process.off('uncaughtExceptionMonitor', onCrash);
    await stack.stop();
  });

  it(
    'then no answer is ≥ 500, nothing crashes, and every webhook event ends processed',
    { timeout: 600_000 },
    async () => {
      const started = Date.now();
      const reqs = requests(stack.tenant.apiKey, TOTAL, SEED);
      const byStatus = new Map<number, number>();
      const byRoute = new Map<string, number>();
      const failures: { req: Req; status: number; body: string }[] = [];
      let clientRefused = 0;
      let next = 0;
      const worker = async () => {
        while (next < reqs.length) {
          const r = reqs[next++]!;
          let res: Response;
          try {
            res = await fetch(`${stack.apiUrl}${r.path}`, { method: r.method, headers: r.headers, body: r.body });
          } catch {
            clientRefused += 1; // the client itself could not send it (an invalid URL or header): nothing reached us
            continue;
          }
          const text = await res.text();
          byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
          byRoute.set(r.route, (byRoute.get(r.route) ?? 0) + 1);
          if (res.status >= 500 && failures.length < 20)
            failures.push({ req: r, status: res.status, body: text.slice(0, 300) });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      const sentMs = Date.now() - started;

      // Let the processor finish what was stored: every row must end processed (applied, ignored or given up).
      const pendingOf = async () =>
        (
          await stack.db.pool.query(
            `SELECT count(*)::int AS pending, count(*) FILTER (WHERE attempts >= $1)::int AS stuck,
                (SELECT count(*)::int FROM webhook_inbox) AS stored,
                (SELECT count(*)::int FROM webhook_inbox WHERE last_error LIKE 'gave up%') AS gaveUp
           FROM webhook_inbox WHERE processed_at IS NULL`,
            [MAX_ATTEMPTS],
          )
        ).rows[0] as { pending: number; stuck: number; stored: number; gaveup: number };
      const drainDeadline = Date.now() + 30_000;
      let inbox = await pendingOf();
      while (inbox.pending > 0 && Date.now() < drainDeadline) {
        await new Promise((r) => setTimeout(r, 200));
        inbox = await pendingOf();
      }
      const alive = (await fetch(`${stack.apiUrl}/healthz`)).status;
      const fivexx = [...byStatus].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
      console.log(
        JSON.stringify({
          fuzz: {
            requests: reqs.length,
            answered: reqs.length - clientRefused,
            clientRefused,
            sentInMs: sentMs,
            totalMs: Date.now() - started,
            byStatus: Object.fromEntries([...byStatus].sort(([a], [b]) => a - b)),
            responses5xx: fivexx,
            crashes: crashes.length,
            webhookRowsStored: inbox.stored,
            webhookRowsPending: inbox.pending,
            webhookRowsStuckBeyondMaxAttempts: inbox.stuck,
            webhookRowsGivenUp: inbox.gaveup,
            routes: byRoute.size,
          },
        }),
      );
      assert.deepEqual(failures, [], 'no answer ≥ 500');
      assert.equal(crashes.length, 0, `crashes: ${crashes.map(String).join('; ')}`);
      assert.equal(alive, 200, 'the API still answers');
      assert.equal(inbox.pending, 0, 'every stored webhook body ends processed (no event retried forever)');
      assert.ok(byRoute.size >= 25, `every route was exercised (${byRoute.size})`);
      assert.ok(reqs.length - clientRefused >= TOTAL * 0.95, 'almost every generated request reached the API');
    },
  );
});
