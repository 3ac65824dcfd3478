import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProcessMetrics } from '../../src/metrics/process-metrics';
import { listenMetrics } from '../../src/metrics/server';

describe("a process's own /metrics listener (worker, webhook processor)", () => {
  it('when scraped, then it serves the registry at /metrics only, and with a token only to its bearer', async () => {
    const { registry, observer } = createProcessMetrics();
    observer.failover('resource_waba');
    const open = await listenMetrics(registry, { port: 0, host: '127.0.0.1' });
    const locked = await listenMetrics(registry, { port: 0, host: '127.0.0.1', token: 'scrape-token-0123456789' });
    try {
      const body = await (await fetch(open.url)).text();
      assert.match(body, /lifeline_failovers_total\{reason="resource_waba"\} 1/);
      assert.match(body, /lifeline_fallback_total\{step="recovered"\} 0/);
      assert.equal((await fetch(open.url.replace('/metrics', '/other'))).status, 404);
      assert.equal((await fetch(locked.url)).status, 401);
      const wrong = await fetch(locked.url, { headers: { authorization: 'Bearer nope' } });
      assert.equal(wrong.status, 401);
      const right = await fetch(locked.url, { headers: { authorization: 'Bearer scrape-token-0123456789' } });
      assert.equal(right.status, 200);
    } finally {
      await open.close();
      await locked.close();
    }
  });
});
