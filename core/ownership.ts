/**
 * The ownership index: who owns which (name, type), built from a registry snapshot. The webhook
 * keeps one in memory (refreshed in the background) and `zoneguard validate` builds one per run, so
 * the ownership rule never calls a provider itself.
 */
import { LabelKey, type Endpoint } from './endpoint.js';
import type { RegistrySnapshot } from './registry/txt-registry.js';

export interface NameOwnership {
  /** Record type → owner id ('' when the record exists with no ownership record). */
  records: Map<string, { owner: string; resource?: string; targets: string[] }>;
  /** Ownership TXT records whose record is missing: type ('' = old format) → owner. */
  orphanClaims: Map<string, { owner: string; resource?: string }>;
}

export class OwnershipIndex {
  private readonly names = new Map<string, NameOwnership>();
  readonly loadedAt: number;

  constructor(snapshot: RegistrySnapshot, loadedAt = Date.now()) {
    this.loadedAt = loadedAt;
    for (const ep of snapshot.records) this.addRecord(ep);
    for (const c of snapshot.claims) this.addClaim(c);
  }

  /**
   * The same index, built in slices with a yield to the event loop between them, so that a server
   * refreshing a large index (the webhook: 100,000 names take ~90 ms) keeps answering meanwhile.
   */
  static async build(snapshot: RegistrySnapshot, loadedAt = Date.now(), slice = 2000): Promise<OwnershipIndex> {
    const index = new OwnershipIndex({ records: [], claims: [] }, loadedAt);
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < snapshot.records.length; i += slice) {
      for (const ep of snapshot.records.slice(i, i + slice)) index.addRecord(ep);
      await pause();
    }
    for (let i = 0; i < snapshot.claims.length; i += slice) {
      for (const c of snapshot.claims.slice(i, i + slice)) index.addClaim(c);
      await pause();
    }
    return index;
  }

  private addClaim(c: RegistrySnapshot['claims'][number]): void {
    const entry = this.entry(c.dnsName);
    if (c.recordType !== '' && entry.records.has(c.recordType)) return;
    if (c.recordType === '' && [...entry.records.values()].some((r) => r.owner === c.labels[LabelKey.owner])) return;
    entry.orphanClaims.set(c.recordType, { owner: c.labels[LabelKey.owner] ?? '', resource: c.labels[LabelKey.resource] });
  }

  static empty(): OwnershipIndex {
    return new OwnershipIndex({ records: [], claims: [] });
  }

  private entry(name: string): NameOwnership {
    let e = this.names.get(name);
    if (!e) {
      e = { records: new Map(), orphanClaims: new Map() };
      this.names.set(name, e);
    }
    return e;
  }

  private addRecord(ep: Endpoint): void {
    this.entry(ep.dnsName).records.set(ep.recordType, {
      owner: ep.labels[LabelKey.owner] ?? '',
      resource: ep.labels[LabelKey.resource],
      targets: ep.targets,
    });
  }

  get size(): number {
    return this.names.size;
  }

  lookup(name: string): NameOwnership | undefined {
    return this.names.get(name);
  }

  /**
   * Who stands in the way of `ownerId` publishing (name, type): an existing record of that type
   * (or any type when a CNAME is involved) owned by someone else or by nobody, or an ownership
   * record of another owner whose record is gone.
   */
  blockerFor(name: string, type: string, ownerId: string): { owner: string; recordType: string; resource?: string; orphan: boolean } | undefined {
    const e = this.names.get(name);
    if (!e) return undefined;
    for (const [t, r] of e.records) {
      const clash = t === type || t === 'CNAME' || type === 'CNAME';
      if (clash && r.owner !== ownerId && isManagedClashType(t)) return { owner: r.owner, recordType: t, resource: r.resource, orphan: false };
    }
    for (const [t, c] of e.orphanClaims) {
      const clash = t === type || t === '' || t === 'CNAME' || type === 'CNAME';
      if (clash && c.owner !== ownerId) return { owner: c.owner, recordType: t || type, resource: c.resource, orphan: true };
    }
    return undefined;
  }
}

/** Types whose presence at a name blocks a managed record there (TXT/MX etc. can coexist with A). */
function isManagedClashType(t: string): boolean {
  return t === 'A' || t === 'AAAA' || t === 'CNAME';
}
