/**
 * Which objects claim which names: built from the input files (validate) or kept up to date from a
 * watch cache (webhook, reconciler). Two objects claiming one name and type is the duplicate rule.
 */
import { sameRecordSet } from './model/endpoint.js';
import { describeRef, sameRef, type ObjectRef } from './model/objects.js';
import type { Extraction } from './model/verdict.js';

interface Entry {
  ref: ObjectRef;
  /**
   * The record sets it claims at the name: type (undefined: no target yet, may become any type) and
   * set identifier ('' for none: record sets with distinct set identifiers share a name by design).
   */
  sets: { type: string | undefined; setIdentifier: string }[];
}

export class ClaimIndex {
  private readonly byName = new Map<string, Map<string, Entry>>();
  private readonly byObject = new Map<string, string[]>();

  private static key(ref: ObjectRef): string {
    return `${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
  }

  /** Adds or replaces an object's claims. */
  set(x: Extraction): void {
    this.remove(x.ref);
    if (x.skipped) return;
    const k = ClaimIndex.key(x.ref);
    const names: string[] = [];
    for (const c of x.claims) {
      let m = this.byName.get(c.hostname);
      if (!m) {
        m = new Map();
        this.byName.set(c.hostname, m);
      }
      let e = m.get(k);
      if (!e) {
        e = { ref: x.ref, sets: [] };
        m.set(k, e);
        names.push(c.hostname);
      }
      e.sets.push({ type: c.recordType, setIdentifier: c.setIdentifier ?? '' });
    }
    this.byObject.set(k, names);
  }

  remove(ref: ObjectRef): void {
    const k = ClaimIndex.key(ref);
    for (const name of this.byObject.get(k) ?? []) {
      const m = this.byName.get(name);
      m?.delete(k);
      if (m && m.size === 0) this.byName.delete(name);
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
    const m = this.byName.get(name);
    if (!m) return [];
    const out: ObjectRef[] = [];
    for (const e of m.values()) {
      if (sameRef(e.ref, self)) continue;
      const clash = e.sets.some(
        ({ type: t, setIdentifier: s }) =>
          (t === type || t === undefined || type === undefined || t === 'CNAME' || type === 'CNAME') &&
          sameRecordSet(s, setIdentifier),
      );
      if (clash) out.push(e.ref);
    }
    return out.sort((a, b) => describeRef(a).localeCompare(describeRef(b)));
  }
}
