/**
 * --txt-cache-interval (external-dns): the registry's read of the zone is kept for this long, so
 * syncs in between (events, --interval) plan against it without listing the zone again. Unlike
 * external-dns, which patches its cache with what it wrote, a write here drops the cache: the next
 * read lists the zone, so a plan never rests on a guess about what the provider accepted.
 */
import type { Changes } from '../model/changes.js';
import type { Endpoint } from '../model/endpoint.js';
import { cloneEndpoint } from '../model/endpoint.js';
import type { Registry, RegistrySnapshot } from './registry.js';
import type { ApplyOptions } from '../providers/provider.js';

export class CachedRegistry implements Registry {
  private cached?: { at: number; snapshot: RegistrySnapshot };

  constructor(
    private readonly inner: Registry,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get ownerId(): string {
    return this.inner.ownerId;
  }

  get provider() {
    return this.inner.provider;
  }

  async records(): Promise<Endpoint[]> {
    return (await this.snapshot()).records;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const c = this.cached;
    if (c && this.now() - c.at < this.intervalMs) return copy(c.snapshot);
    const snapshot = await this.inner.snapshot();
    this.cached = { at: this.now(), snapshot: copy(snapshot) };
    return snapshot;
  }

  async applyChanges(changes: Changes, apply?: ApplyOptions): Promise<Changes> {
    try {
      return await this.inner.applyChanges(changes, apply);
    } finally {
      if (changes.create.length + changes.updateNew.length + changes.delete.length > 0)
        this.cached = undefined;
    }
  }
}

function copy(s: RegistrySnapshot): RegistrySnapshot {
  return {
    records: s.records.map(cloneEndpoint),
    claims: s.claims.map((c) => ({ ...c, labels: { ...c.labels } })),
  };
}
