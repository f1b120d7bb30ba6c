/**
 * TXT ownership registry (external-dns's TXTRegistry): wraps a Provider, reads ownership labels from
 * TXT records into the records they own, and writes/updates/deletes the TXT ownership records
 * together with the records this owner changes. Changes to records of other owners are dropped here
 * too, as a second line of defence behind the plan.
 */
import {
  cloneEndpoint,
  endpointKey,
  newEndpoint,
  type Endpoint,
  type Labels,
  LabelKey,
} from '../model/endpoint.js';
import type { Provider } from '../providers/provider.js';
import type { Changes } from '../model/changes.js';
import { serializeLabels, tryParseLabels } from './txt-labels.js';
import { TxtNameMapper, type TxtNameOptions } from './txt-names.js';
import type { OwnershipClaim, Registry, RegistrySnapshot } from './registry.js';

export interface RegistryOptions extends TxtNameOptions {
  ownerId: string;
}

export class TxtRegistry implements Registry {
  readonly ownerId: string;
  readonly mapper: TxtNameMapper;
  /** TXT ownership records present at the last read: txt name|setIdentifier → stored value. */
  private existingTxt = new Map<string, string>();
  /** Their TTLs as read: a delete must name the record set as it is (Route 53 compares the TTL). */
  private existingTxtTtl = new Map<string, number>();

  constructor(
    readonly provider: Provider,
    opts: RegistryOptions,
  ) {
    if (!opts.ownerId) throw new Error('owner id cannot be empty');
    this.ownerId = opts.ownerId;
    this.mapper = new TxtNameMapper(opts);
  }

  async records(): Promise<Endpoint[]> {
    return (await this.snapshot()).records;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const all = await this.provider.records();
    return this.interpret(all);
  }

  /** Splits raw provider records into owned records and ownership claims (pure; no provider call). */
  interpret(all: readonly Endpoint[]): RegistrySnapshot {
    const existing = new Map<string, string>();
    const ttls = new Map<string, number>();
    const labelMap = new Map<string, Labels>();
    const claims: OwnershipClaim[] = [];
    const records: Endpoint[] = [];
    for (const rec of all) {
      if (rec.recordType !== 'TXT' || rec.targets.length === 0) {
        records.push(cloneEndpoint(rec));
        continue;
      }
      const labels = tryParseLabels(rec.targets[0]);
      if (!labels) {
        // a TXT record that is not ours to interpret: an ordinary record with no owner
        records.push(cloneEndpoint(rec));
        continue;
      }
      const { dnsName, recordType } = this.mapper.endpointFor(rec.dnsName);
      labelMap.set(endpointKey({ dnsName, recordType, setIdentifier: rec.setIdentifier }), labels);
      existing.set(txtKey(rec.dnsName, rec.setIdentifier), rec.targets[0]);
      if (rec.ttl !== undefined) ttls.set(txtKey(rec.dnsName, rec.setIdentifier), rec.ttl);
      claims.push({ dnsName, recordType, setIdentifier: rec.setIdentifier, labels, txtName: rec.dnsName });
    }
    for (const ep of records) {
      const parts = ep.dnsName.split('.');
      if (this.mapper.wildcardReplacement && parts[0] === '*') parts[0] = this.mapper.wildcardReplacement;
      const lookupName = parts.join('.');
      let labels = labelMap.get(
        endpointKey({ dnsName: lookupName, recordType: ownershipType(ep), setIdentifier: ep.setIdentifier }),
      );
      // old format (no type in the name) is read for every type but AAAA, as external-dns does
      if (!labels && ep.recordType !== 'AAAA') {
        labels = labelMap.get(
          endpointKey({ dnsName: lookupName, recordType: '', setIdentifier: ep.setIdentifier }),
        );
      }
      if (labels) Object.assign(ep.labels, labels);
    }
    this.existingTxt = existing;
    this.existingTxtTtl = ttls;
    return { records, claims };
  }

  /** The TXT ownership record for an endpoint, as this owner writes it. */
  ownershipRecordFor(ep: Endpoint): Endpoint {
    const labels: Labels = { ...ep.labels, [LabelKey.owner]: this.ownerId };
    delete labels[LabelKey.ownedRecord];
    const txt = newEndpoint(
      this.mapper.txtNameFor(ep.dnsName, ownershipType(ep)),
      'TXT',
      [serializeLabels(labels, false)],
      ep.ttl,
      {
        [LabelKey.ownedRecord]: ep.dnsName,
      },
    );
    if (ep.setIdentifier) txt.setIdentifier = ep.setIdentifier;
    // the record's routing policy (Route 53 weight, region...) goes with it, as external-dns does:
    // a record set with a SetIdentifier must have one
    if (ep.providerSpecific) txt.providerSpecific = { ...ep.providerSpecific };
    return txt;
  }

  private storedTtl(name: string, setIdentifier: string | undefined): { ttl?: number } {
    const ttl = this.existingTxtTtl.get(txtKey(name, setIdentifier));
    return ttl === undefined ? {} : { ttl };
  }

  private stored(txt: Endpoint): string | undefined {
    return this.existingTxt.get(txtKey(txt.dnsName, txt.setIdentifier));
  }

  /**
   * Adds the ownership TXT changes to a record change set. Only records owned by this owner are
   * updated or deleted; creates are labelled with this owner. Call after records()/snapshot().
   */
  withOwnership(changes: Changes): Changes {
    const owned = (ep: Endpoint) => ep.labels[LabelKey.owner] === this.ownerId;
    const out: Changes = { create: [], updateOld: [], updateNew: [], delete: [] };
    for (const ep of changes.create) {
      const rec = cloneEndpoint(ep);
      rec.labels[LabelKey.owner] = this.ownerId;
      out.create.push(rec);
      const txt = this.ownershipRecordFor(rec);
      const stored = this.stored(txt);
      if (stored === undefined) out.create.push(txt);
      else if (stored !== txt.targets[0]) {
        // a leftover ownership record: only ever replace one of our own
        const labels = tryParseLabels(stored);
        if (labels?.[LabelKey.owner] === this.ownerId) {
          out.updateOld.push({ ...txt, targets: [stored] });
          out.updateNew.push(txt);
        }
      }
    }
    for (let i = 0; i < changes.updateOld.length; i++) {
      const oldRec = changes.updateOld[i];
      const newRec = cloneEndpoint(changes.updateNew[i]);
      if (!owned(oldRec)) continue;
      newRec.labels[LabelKey.owner] = this.ownerId;
      out.updateOld.push(oldRec);
      out.updateNew.push(newRec);
      const txt = this.ownershipRecordFor(newRec);
      const stored = this.stored(txt);
      if (stored === undefined) out.create.push(txt);
      else if (stored !== txt.targets[0]) {
        out.updateOld.push({ ...txt, targets: [stored] });
        out.updateNew.push(txt);
      }
    }
    for (const ep of changes.delete) {
      if (!owned(ep)) continue;
      out.delete.push(ep);
      const txt = this.ownershipRecordFor(ep);
      const stored = this.stored(txt);
      if (stored !== undefined)
        out.delete.push({ ...txt, targets: [stored], ...this.storedTtl(txt.dnsName, txt.setIdentifier) });
      // external-dns also writes an old-format record (no type) by default: when it is ours it goes
      // too, or it would stay behind as an orphan claiming the name (AAAA never had one)
      const legacy = ep.recordType === 'AAAA' ? undefined : this.mapper.legacyTxtNameFor(ep.dnsName);
      const legacyValue =
        legacy === undefined ? undefined : this.existingTxt.get(txtKey(legacy, ep.setIdentifier));
      if (
        legacy !== undefined &&
        legacyValue !== undefined &&
        legacy !== txt.dnsName &&
        tryParseLabels(legacyValue)?.[LabelKey.owner] === this.ownerId
      ) {
        const old = newEndpoint(
          legacy,
          'TXT',
          [legacyValue],
          this.storedTtl(legacy, ep.setIdentifier).ttl ?? txt.ttl,
          { [LabelKey.ownedRecord]: ep.dnsName },
        );
        if (ep.setIdentifier) old.setIdentifier = ep.setIdentifier;
        if (txt.providerSpecific) old.providerSpecific = { ...txt.providerSpecific };
        out.delete.push(old);
      }
    }
    return out;
  }

  async applyChanges(changes: Changes): Promise<Changes> {
    const full = this.withOwnership(changes);
    // steady state: nothing to change costs no provider call at all
    if (full.create.length + full.updateNew.length + full.delete.length === 0) return full;
    await this.provider.applyChanges(full);
    // keep the view of existing TXT records in step with what was just written
    for (const t of [...full.create, ...full.updateNew]) {
      if (t.recordType === 'TXT' && t.labels[LabelKey.ownedRecord] !== undefined) {
        this.existingTxt.set(txtKey(t.dnsName, t.setIdentifier), t.targets[0]);
        if (t.ttl !== undefined) this.existingTxtTtl.set(txtKey(t.dnsName, t.setIdentifier), t.ttl);
        else this.existingTxtTtl.delete(txtKey(t.dnsName, t.setIdentifier));
      }
    }
    for (const t of full.delete) {
      if (t.recordType === 'TXT' && t.labels[LabelKey.ownedRecord] !== undefined) {
        this.existingTxt.delete(txtKey(t.dnsName, t.setIdentifier));
        this.existingTxtTtl.delete(txtKey(t.dnsName, t.setIdentifier));
      }
    }
    return full;
  }
}

/**
 * The record type an ownership record names: an alias A record (Route 53) is owned as a CNAME,
 * as external-dns writes it ("cname-<name>"), since it stands for the CNAME the user asked for.
 */
export function ownershipType(ep: Pick<Endpoint, 'recordType' | 'providerSpecific'>): string {
  return ep.recordType === 'A' && ep.providerSpecific?.alias === 'true' ? 'CNAME' : ep.recordType;
}

function txtKey(name: string, setIdentifier: string | undefined): string {
  return `${name}|${setIdentifier ?? ''}`;
}
