import { LRUCache } from 'lru-cache';
import type { CampaignRow } from '../db/repositories/campaigns';
import { RUNNING } from './campaigns';

/** How old a running campaign's counts may be when shown (docs/campaigns.md, "API"). */
export const TALLY_TTL_MS = 1000;
/** Campaigns whose counts one API process keeps at once (least recently read go first). */
const MAX_TALLIES = 10_000;

type CampaignKey = Pick<CampaignRow, 'tenantId' | 'id' | 'status'>;

/**
 * What a campaign's view costs to compute (its counts and priced attempts: a scan of all its messages; its
 * capacity plan: the registry and the capacity rows). While it runs they change by the second and every progress
 * bar polls them, so each API process computes them at most once per `TALLY_TTL_MS` per campaign, however many
 * callers poll (concurrent reads share one load). A campaign that is not running (draft, paused, finished) is
 * computed afresh on every read: its counts are what a caller acts on after a pause, or reports when it ended.
 */
export function createCampaignTallies<C extends CampaignKey, T extends object>(load: (c: C) => Promise<T>) {
  const cache = new LRUCache<string, T, { campaign: CampaignKey }>({
    max: MAX_TALLIES,
    ttl: TALLY_TTL_MS,
    // The context is the campaign the caller passed (typed wider here: lru-cache's context types are not generic).
    fetchMethod: (_key, _stale, { context }) => load(context.campaign as C),
  });

  return async function tallyOf(c: C): Promise<T> {
    const key = `${c.tenantId}:${c.id}`;
    if (!RUNNING.includes(c.status)) {
      cache.delete(key);
      return load(c);
    }
    return (await cache.fetch(key, { context: { campaign: c } }))!;
  };
}
