/**
 * The ownership index: who owns which (name, type), built from a registry snapshot. The webhook
 * keeps one in memory (refreshed in the background) and `zoneguard validate` builds one per run, so
 * the ownership rule never calls a provider itself.
 */
import { LabelKey, sameRecordSet as sameSet, type Endpoint } from './model/endpoint.js';
import type { RegistrySnapshot } from './registry/registry.js';

export interface NameOwnership {
  /**
   * "type|setIdentifier" → the record set's owner id ('' when it exists with no ownership record).
   * Several clusters may share one name through record sets with distinct set identifiers (Route 53
   * weighted, latency, failover or geolocation routing), each owning its own.
   */
  records: Map<
    string,
    { recordType: string; setIdentifier: string; owner: string; resource?: string; targets: string[] }
  >;
  /** Ownership TXT records whose record is missing, keyed the same way (type '' = old format). */
  orphanClaims: Map<string, { recordType: string; setIdentifier: string; owner: string; resource?: string }>;
}

const setKey = (type: string, setIdentifier: string | undefined) => `${type}|${setIdentifier ?? ''}`;

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
  static async build(
    snapshot: RegistrySnapshot,
    loadedAt = Date.now(),
    slice = 2000,
  ): Promise<OwnershipIndex> {
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
    const setIdentifier = c.setIdentifier ?? '';
    if (c.recordType !== '' && entry.records.has(setKey(c.recordType, setIdentifier))) return;
    if (
      c.recordType === '' &&
      [...entry.records.values()].some(
        (r) => r.owner === c.labels[LabelKey.owner] && r.setIdentifier === setIdentifier,
      )
    )
      return;
    entry.orphanClaims.set(setKey(c.recordType, setIdentifier), {
      recordType: c.recordType,
      setIdentifier,
      owner: c.labels[LabelKey.owner] ?? '',
      resource: c.labels[LabelKey.resource],
    });
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
    this.entry(ep.dnsName).records.set(setKey(ep.recordType, ep.setIdentifier), {
      recordType: ep.recordType,
      setIdentifier: ep.setIdentifier ?? '',
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
  blockerFor(
    name: string,
    type: string,
    ownerId: string,
    setIdentifier = '',
  ):
    | { owner: string; recordType: string; setIdentifier?: string; resource?: string; orphan: boolean }
    | undefined {
    const e = this.names.get(name);
    if (!e) return undefined;
    for (const r of e.records.values()) {
      const t = r.recordType;
      const clash =
        (t === type || t === 'CNAME' || type === 'CNAME') && sameSet(r.setIdentifier, setIdentifier);
      if (clash && r.owner !== ownerId && isManagedClashType(t))
        return {
          owner: r.owner,
          recordType: t,
          ...(r.setIdentifier ? { setIdentifier: r.setIdentifier } : {}),
          resource: r.resource,
          orphan: false,
        };
    }
    for (const c of e.orphanClaims.values()) {
      const t = c.recordType;
      const clash =
        (t === type || t === '' || t === 'CNAME' || type === 'CNAME') &&
        sameSet(c.setIdentifier, setIdentifier);
      if (clash && c.owner !== ownerId)
        return {
          owner: c.owner,
          recordType: t || type,
          ...(c.setIdentifier ? { setIdentifier: c.setIdentifier } : {}),
          resource: c.resource,
          orphan: true,
        };
    }
    return undefined;
  }
}

/** Types whose presence at a name blocks a managed record there (TXT/MX etc. can coexist with A). */
function isManagedClashType(t: string): boolean {
  return t === 'A' || t === 'AAAA' || t === 'CNAME';
}
