import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createCampaign,
  campaignReaches,
  campaignStack,
  digits,
  recipients,
  TEST_CAMPAIGN_SETTINGS,
} from '../helpers/campaigns';
import { waitFor } from '../helpers/http';
import type { Stack } from '../helpers/stack';

describe('campaigns: a batch writes its outcomes chunk by chunk', () => {
  let stack: Stack;
  before(async () => {
    // One batch for the whole list (three chunks: 50, 50, 20), and statuses held back 20 s: while the batch sends,
    // only its own writes can move a recipient out of `sending`.
    stack = await campaignStack({
      statusDelayMs: 20_000,
      settings: { campaigns: { ...TEST_CAMPAIGN_SETTINGS, batchSize: 200, window: 1 } },
    });
    await stack.control.setLatency(150);
  });
  after(() => stack.stop());

  it('when a batch is still sending, then the recipients of its finished chunks are already written as sent', async () => {
    const list = recipients(120, '4477015');
    const created = await createCampaign(stack, {
      name: 'chunk writes',
      template: 'hello_offer',
      language: 'en_US',
      recipients: list,
    });
    await waitFor(
      async (note) => {
        // `firstSending`: still in the first batch (a recipient handed back and claimed again is on attempt 2).
        const r = await stack.db.pool.query<{ sent: number; firstSending: number }>(
          `SELECT count(*) FILTER (WHERE campaign_queue = 'sent')::int AS sent,
                  count(*) FILTER (WHERE campaign_queue = 'sending' AND campaign_attempt = 1)::int AS "firstSending"
             FROM messages WHERE campaign_id = $1`,
          [created.body.id],
        );
        const counts = r.rows[0]!;
        note(counts);
        return counts.sent >= 50 && counts.firstSending > 0 ? counts : undefined;
      },
      'a finished chunk written while the batch still sends',
      60_000,
    );
    await stack.control.setLatency(0);
    // Statuses come 20 s late, after the campaign's status wait: it completes with its recipients sent.
    const done = await campaignReaches(stack, created.body.id, ['completed'], 120_000);
    assert.equal(done.counts.failed, 0, JSON.stringify(done.counts));
    const waIds = new Set(list.map((r) => digits(r.to)));
    const sends = stack.sim.state.sends().filter((s) => waIds.has(s.recipient));
    assert.equal(sends.length, 120, 'one send per recipient');
    assert.equal(new Set(sends.map((s) => s.recipient)).size, 120);
  });
});
