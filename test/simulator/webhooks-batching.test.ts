import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ID, startReceiver, startSim, templateBody, type TestSim, WA, waitFor, wamidOf } from './support';

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const statusesIn = (r: Receiver) =>
  r.received.map(
    (h) => (h.body.entry[0]?.changes[0]?.value.statuses as { id: string; status: string }[] | undefined) ?? [],
  );

describe('webhooks: several statuses per POST, as Meta sends them under load', () => {
  let t: TestSim;
  let rx: Receiver;
  afterEach(async () => {
    await t.close();
    await rx.close();
  });

  it('when status batching is on, then statuses of one number share POSTs of at most maxStatuses, and none is lost', async () => {
    rx = await startReceiver();
    t = await startSim({ webhookUrl: rx.url, webhookStatusBatch: { maxStatuses: 4, maxWaitMs: 30 }, statusDelayMs: 5 });
    const wamids: string[] = [];
    for (let i = 0; i < 6; i++) wamids.push(wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet))));
    // Each wamid climbs sent → delivered → read: 18 statuses in all.
    // A loaded machine (the whole suite runs two files at once) can take seconds over what is 100 ms when idle.
    await waitFor(() => (statusesIn(rx).flat().length >= 18 ? true : undefined), 20_000, 'all 18 statuses');
    const posts = statusesIn(rx).filter((s) => s.length > 0);
    assert.ok(
      posts.every((s) => s.length <= 4),
      JSON.stringify(posts.map((s) => s.length)),
    );
    assert.ok(
      posts.some((s) => s.length > 1),
      'some POSTs carry several statuses',
    );
    const all = posts.flat();
    for (const wamid of wamids) {
      assert.deepEqual(
        all
          .filter((s) => s.id === wamid)
          .map((s) => s.status)
          .sort(),
        ['delivered', 'read', 'sent'],
        wamid,
      );
    }
  });

  it('when batching is switched on through the control API, then it applies; maxStatuses 1 is one status per POST', async () => {
    rx = await startReceiver();
    t = await startSim({ statusDelayMs: 5 });
    const ok = await t.control.configureWebhook({ url: rx.url, statusBatch: { maxStatuses: 1, maxWaitMs: 0 } });
    assert.equal(ok.ok, true);
    wamidOf(await t.send(ID.phoneA1, templateBody(WA.quiet)));
    await waitFor(() => (statusesIn(rx).flat().length >= 3 ? true : undefined));
    assert.ok(statusesIn(rx).every((s) => s.length <= 1));
    const bad = await fetch(`${t.url}/_control/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: rx.url, statusBatch: { maxStatuses: 0, maxWaitMs: 0 } }),
    });
    assert.equal(bad.status, 400);
  });
});
