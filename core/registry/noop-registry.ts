/**
 * The noop registry (external-dns --registry=noop): no ownership records are read or written. As in
 * external-dns, whose noop registry has no owner, every record the provider lists (of the managed
 * types, inside the domain filter — the plan applies those) counts as this instance's: the plan may
 * update and, with --policy=sync, delete it. Chosen on purpose by whoever runs one controller per
 * zone; the reconciler says so in a warning at start.
 */
import { cloneEndpoint, LabelKey, type Endpoint } from '../model/endpoint.js';
import type { Changes } from '../model/changes.js';
import type { ApplyOptions, Provider } from '../providers/provider.js';
import type { Registry, RegistrySnapshot } from './registry.js';

export class NoopRegistry implements Registry {
  constructor(
    readonly provider: Provider,
    readonly ownerId: string,
  ) {}

  async records(): Promise<Endpoint[]> {
    return (await this.snapshot()).records;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const records = (await this.provider.records()).map((rec) => {
      const ep = cloneEndpoint(rec);
      ep.labels[LabelKey.owner] = this.ownerId;
      return ep;
    });
    return { records, claims: [] };
  }

  async applyChanges(changes: Changes, apply?: ApplyOptions): Promise<Changes> {
    if (changes.create.length + changes.updateNew.length + changes.delete.length === 0) return changes;
    await this.provider.applyChanges(changes, apply);
    return changes;
  }
}
