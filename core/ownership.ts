/**
 * The ownership index: who owns which (name, type), built from a registry snapshot. The webhook
 * keeps one in memory (refreshed in the background) and `zoneguard validate` builds one per run, so
 * the ownership rule never calls a provider itself.
 *
 * Laid out for a long-lived heap: one Map from name to its first row, and the rows (a record set, or
 * an ownership record whose record is gone) as columns of typed arrays whose strings are interned in
 * one table. 100,000 names are then ~100,000 heap objects (the names themselves) instead of eight
 * per name, so the garbage collector's full pauses in the webhook do not grow with the zone.
 */
import { LabelKey, sameRecordSet as sameSet, type Endpoint } from './model/endpoint.js';
import type { OwnershipClaim, RegistrySnapshot } from './registry/registry.js';

/** What stands in the way of publishing a name; see OwnershipIndex.blockerFor. */
export interface Blocker {
  owner: string;
  recordType: string;
  setIdentifier?: string;
  resource?: string;
  /** An ownership record whose record is gone. */
  orphan: boolean;
}

/** String table slot 0: no value (a missing resource label). */
const NONE = 0;
/** Row flag: an ownership record whose record is missing (type '' = old format, every type). */
const ORPHAN = 1;
const END = -1;

export class OwnershipIndex {
  /** name → its first row */
  private readonly names = new Map<string, number>();
  /** interned strings (types, set identifiers, owners, resources); [0] is NONE */
  private readonly strings: (string | undefined)[] = [undefined];
  private readonly stringIds = new Map<string, number>();
  private rows = 0;
  private type = new Uint32Array(0);
  private set = new Uint32Array(0);
  private owner = new Uint32Array(0);
  private resource = new Uint32Array(0);
  private flags = new Uint8Array(0);
  private next = new Int32Array(0);
  readonly loadedAt: number;

  constructor(snapshot: RegistrySnapshot, loadedAt = Date.now()) {
    this.loadedAt = loadedAt;
    this.reserve(snapshot);
    this.addAll(snapshot, 0, snapshot.records.length, 0, snapshot.claims.length);
  }

  /** Sizes the columns for every row a snapshot can make (one per record and per claim). */
  private reserve(snapshot: RegistrySnapshot): void {
    const capacity = snapshot.records.length + snapshot.claims.length;
    this.type = new Uint32Array(capacity);
    this.set = new Uint32Array(capacity);
    this.owner = new Uint32Array(capacity);
    this.resource = new Uint32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /**
   * The same index, built in slices with a yield to the event loop between them, so that a server
   * refreshing a large index keeps answering meanwhile.
   */
  static async build(
    snapshot: RegistrySnapshot,
    loadedAt = Date.now(),
    slice = 2000,
  ): Promise<OwnershipIndex> {
    const index = new OwnershipIndex({ records: [], claims: [] }, loadedAt);
    index.reserve(snapshot);
    const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
    const { records, claims } = snapshot;
    for (let i = 0; i < records.length; i += slice) {
      index.addAll(snapshot, i, Math.min(records.length, i + slice), 0, 0);
      await pause();
    }
    for (let i = 0; i < claims.length; i += slice) {
      index.addAll(snapshot, 0, 0, i, Math.min(claims.length, i + slice));
      await pause();
    }
    return index;
  }

  static empty(): OwnershipIndex {
    return new OwnershipIndex({ records: [], claims: [] });
  }

  private addAll(snapshot: RegistrySnapshot, r0: number, r1: number, c0: number, c1: number): void {
    for (let i = r0; i < r1; i++) this.addRecord(snapshot.records[i]!);
    for (let i = c0; i < c1; i++) this.addClaim(snapshot.claims[i]!);
  }

  private intern(s: string | undefined): number {
    if (s === undefined) return NONE;
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /** The row of `name` with this type and set identifier and this orphan flag, or END. */
  private find(name: string, type: number, set: number, flag: number): number {
    for (let r = this.names.get(name) ?? END; r !== END; r = this.next[r]!)
      if (this.flags[r] === flag && this.type[r] === type && this.set[r] === set) return r;
    return END;
  }

  /** Writes a row (the existing one of the same key keeps its place, as a Map entry would). */
  private put(name: string, type: number, set: number, flag: number, owner: number, resource: number): void {
    let r = this.find(name, type, set, flag);
    if (r === END) {
      r = this.rows++;
      this.type[r] = type;
      this.set[r] = set;
      this.flags[r] = flag;
      this.next[r] = END;
      const first = this.names.get(name);
      if (first === undefined) this.names.set(name, r);
      else {
        let last = first;
        while (this.next[last] !== END) last = this.next[last]!;
        this.next[last] = r;
      }
    }
    this.owner[r] = owner;
    this.resource[r] = resource;
  }

  private addRecord(ep: Endpoint): void {
    this.put(
      ep.dnsName,
      this.intern(ep.recordType),
      this.intern(ep.setIdentifier ?? ''),
      0,
      this.intern(ep.labels[LabelKey.owner] ?? ''),
      this.intern(ep.labels[LabelKey.resource]),
    );
  }

  private addClaim(c: OwnershipClaim): void {
    const type = this.intern(c.recordType);
    const set = this.intern(c.setIdentifier ?? '');
    const ownerLabel = c.labels[LabelKey.owner];
    const owner = this.intern(ownerLabel ?? '');
    if (c.recordType !== '') {
      // the record it claims exists: its owner is already that record's
      if (this.find(c.dnsName, type, set, 0) !== END) return;
    } else if (ownerLabel !== undefined) {
      // an old-format claim on every type, already carried by a record of that owner
      for (let r = this.names.get(c.dnsName) ?? END; r !== END; r = this.next[r]!)
        if (this.flags[r] === 0 && this.owner[r] === owner && this.set[r] === set) return;
    }
    this.put(c.dnsName, type, set, ORPHAN, owner, this.intern(c.labels[LabelKey.resource]));
  }

  get size(): number {
    return this.names.size;
  }

  /**
   * Who stands in the way of `ownerId` publishing (name, type): an existing record of that type
   * (or any type when a CNAME is involved) owned by someone else or by nobody, or an ownership
   * record of another owner whose record is gone.
   */
  blockerFor(name: string, type: string, ownerId: string, setIdentifier = ''): Blocker | undefined {
    const first = this.names.get(name);
    if (first === undefined) return undefined;
    // records first, then ownership records whose record is gone
    const r = this.clash(first, 0, type, ownerId, setIdentifier);
    return r === END
      ? this.blocker(this.clash(first, ORPHAN, type, ownerId, setIdentifier), type)
      : this.blocker(r, type);
  }

  private clash(first: number, flag: number, type: string, ownerId: string, setIdentifier: string): number {
    for (let r = first; r !== END; r = this.next[r]!) {
      if (this.flags[r] !== flag) continue;
      const t = this.strings[this.type[r]!]!;
      const typeClash = t === type || t === 'CNAME' || type === 'CNAME' || (flag === ORPHAN && t === '');
      if (!typeClash || !sameSet(this.strings[this.set[r]!], setIdentifier)) continue;
      if (this.strings[this.owner[r]!] === ownerId) continue;
      if (flag === ORPHAN || isManagedClashType(t)) return r;
    }
    return END;
  }

  private blocker(r: number, type: string): Blocker | undefined {
    if (r === END) return undefined;
    const set = this.strings[this.set[r]!];
    return {
      owner: this.strings[this.owner[r]!]!,
      recordType: this.strings[this.type[r]!] || type,
      ...(set ? { setIdentifier: set } : {}),
      resource: this.strings[this.resource[r]!],
      orphan: this.flags[r] === ORPHAN,
    };
  }
}

/** Types whose presence at a name blocks a managed record there (TXT/MX etc. can coexist with A). */
function isManagedClashType(t: string): boolean {
  return t === 'A' || t === 'AAAA' || t === 'CNAME';
}
