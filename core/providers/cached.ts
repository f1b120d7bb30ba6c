/**
 * --provider-cache-time (external-dns provider/cached_provider.go): the provider's record list is
 * kept for this long, so the syncs in between (events, --interval, the webhook's ownership
 * refresh) do not list every zone again. A change set with changes drops the cache first, so the
 * read after a write lists the zone; a failed read caches nothing. 0 (the default): no cache.
 */
import type { Changes } from '../model/changes.js';
import { cloneEndpoint, type Endpoint } from '../model/endpoint.js';
import type { Logger } from '../log.js';
import type { ApplyOptions, Provider } from './provider.js';

export function cachedProvider(
  inner: Provider,
  ttlMs: number,
  logger: Logger,
  now: () => number = Date.now,
): Provider {
  if (ttlMs <= 0) return inner;
  let cache: { at: number; records: Endpoint[] } | undefined;
  const wrapped: Provider = {
    name: inner.name,
    zones: () => inner.zones(),
    async records() {
      if (cache && now() - cache.at < ttlMs) {
        logger.debug({ provider: inner.name, ageMs: now() - cache.at }, 'records from the provider cache');
        return cache.records.map(cloneEndpoint);
      }
      cache = undefined;
      const records = await inner.records();
      cache = { at: now(), records: records.map(cloneEndpoint) };
      return records;
    },
    async applyChanges(changes: Changes, apply?: ApplyOptions) {
      if (changes.create.length + changes.updateNew.length + changes.delete.length === 0) return;
      cache = undefined;
      await inner.applyChanges(changes, apply);
    },
  };
  if (inner.adjustEndpoints) wrapped.adjustEndpoints = (eps) => inner.adjustEndpoints!(eps);
  if (inner.domainFilter) wrapped.domainFilter = () => inner.domainFilter!();
  if (inner.close) wrapped.close = () => inner.close!();
  return wrapped;
}
