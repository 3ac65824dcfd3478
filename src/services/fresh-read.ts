import { LRUCache } from 'lru-cache';

/** Keys a long-running worker keeps reads for (campaigns, tenants): the least recently read go first. */
const MAX_KEYS = 10_000;

/**
 * Shares one read of a flag or snapshot among many callers for `ttlMs`, and never answers with a read that began
 * more than `maxAgeMs` before it resolved: under contention a slow read may predate a command acknowledged while
 * it waited (a pause, a ban), so its answer is replaced by a read that began after it (docs/campaigns.md, "The
 * batch activity"). At most `maxKeys` keys are kept, so a worker that runs campaign after campaign does not grow.
 */
export function freshRead<K extends NonNullable<unknown>, V>(
  ttlMs: number,
  maxAgeMs: number,
  load: (key: K) => Promise<V>,
  now: () => number = Date.now,
  maxKeys = MAX_KEYS,
) {
  const cache = new LRUCache<K, { at: number; value: Promise<V> }>({ max: maxKeys });
  const read = (key: K) => {
    const entry = { at: now(), value: load(key) };
    cache.set(key, entry);
    entry.value.catch(() => {
      if (cache.peek(key) === entry) cache.delete(key);
    });
    return entry;
  };
  return async (key: K): Promise<V> => {
    const hit = cache.get(key);
    const entry = hit && now() - hit.at < ttlMs ? hit : read(key);
    const value = await entry.value;
    if (now() - entry.at <= maxAgeMs) return value;
    const newer = cache.peek(key);
    return (newer && newer.at > entry.at ? newer : read(key)).value;
  };
}
