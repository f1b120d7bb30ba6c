/**
 * Which objects claim which names: built from the input files (validate) or kept up to date from a
 * watch cache (webhook, reconciler). Two objects claiming one name and type is the duplicate rule.
 */
import { sameRecordSet } from './model/endpoint.js';
import { describeRef, sameRef, type ObjectRef } from './model/objects.js';
import type { Extraction } from './model/verdict.js';

interface Entry {
  /** The object's key (kind, namespace, name). */
  key: string;
  ref: ObjectRef;
  /**
   * The record sets it claims at the name: type (undefined: no target yet, may become any type) and
   * set identifier ('' for none: record sets with distinct set identifiers share a name by design).
   */
  sets: { type: string | undefined; setIdentifier: string }[];
}

/**
 * Memory: a name is nearly always claimed by one object, so a name maps to that object's entry
 * itself, and to a list only when several claim it (a Map per name made the index 1.3 KB per
 * Ingress of two names: 125 MB at 100,000 objects; ≈ 0.4 KB now). Lists keep the order objects were
 * set in, as the Map did.
 */
export class ClaimIndex {
  private readonly byName = new Map<string, Entry | Entry[]>();
  private readonly byObject = new Map<string, string[]>();

  private static key(ref: ObjectRef): string {
    return `${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
  }

  /** Adds or replaces an object's claims. */
  set(x: Extraction): void {
    const k = ClaimIndex.key(x.ref);
    this.removeKey(k);
    if (x.skipped) return;
    const names: string[] = [];
    const entries: Entry[] = [];
    // this object's entry at a name (a Map only for objects with many claims)
    const many = x.claims.length > 16 ? new Map<string, Entry>() : undefined;
    for (const c of x.claims) {
      const set = { type: c.recordType, setIdentifier: c.setIdentifier ?? '' };
      const at = many ? -1 : names.indexOf(c.hostname);
      const e = many ? many.get(c.hostname) : at === -1 ? undefined : entries[at];
      if (e) {
        e.sets.push(set);
        continue;
      }
      const entry: Entry = { key: k, ref: x.ref, sets: [set] };
      names.push(c.hostname);
      entries.push(entry);
      many?.set(c.hostname, entry);
      const cur = this.byName.get(c.hostname);
      if (!cur) this.byName.set(c.hostname, entry);
      else if (Array.isArray(cur)) cur.push(entry);
      else this.byName.set(c.hostname, [cur, entry]);
    }
    this.byObject.set(k, names.length <= 16 ? names.slice() : names);
  }

  remove(ref: ObjectRef): void {
    this.removeKey(ClaimIndex.key(ref));
  }

  private removeKey(k: string): void {
    const names = this.byObject.get(k);
    if (!names) return;
    for (const name of names) {
      const cur = this.byName.get(name);
      if (!cur) continue;
      if (!Array.isArray(cur)) {
        if (cur.key === k) this.byName.delete(name);
        continue;
      }
      const i = cur.findIndex((e) => e.key === k);
      if (i !== -1) cur.splice(i, 1);
      if (cur.length === 1) this.byName.set(name, cur[0]);
      else if (cur.length === 0) this.byName.delete(name);
    }
    this.byObject.delete(k);
  }

  get objects(): number {
    return this.byObject.size;
  }

  /**
   * Other objects that claim (name, type); CNAME (or an unknown type) clashes with any type. Two
   * record sets with different set identifiers (both set) do not clash.
   */
  claimants(name: string, type: string | undefined, self: ObjectRef, setIdentifier = ''): ObjectRef[] {
    const cur = this.byName.get(name);
    if (!cur) return [];
    if (!Array.isArray(cur)) return clashes(cur, type, self, setIdentifier) ? [cur.ref] : [];
    const out: ObjectRef[] = [];
    for (const e of cur) if (clashes(e, type, self, setIdentifier)) out.push(e.ref);
    return out.sort((a, b) => describeRef(a).localeCompare(describeRef(b)));
  }
}

/** Another object's record sets at a name clash with (type, set identifier). */
function clashes(e: Entry, type: string | undefined, self: ObjectRef, setIdentifier: string): boolean {
  if (sameRef(e.ref, self)) return false;
  return e.sets.some(
    ({ type: t, setIdentifier: s }) =>
      (t === type || t === undefined || type === undefined || t === 'CNAME' || type === 'CNAME') &&
      sameRecordSet(s, setIdentifier),
  );
}
