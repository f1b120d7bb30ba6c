/**
 * TXT ownership registry (external-dns's TXTRegistry, registry/txt/registry.go at v0.22): wraps a
 * Provider, reads ownership labels from TXT records into the records they own, and writes/updates/
 * deletes the TXT ownership records together with the records this owner changes. Changes to
 * records of other owners are dropped here too, as a second line of defence behind the plan.
 *
 * As external-dns v0.22 (docs/registry/txt.md, registry/txt/registry_test.go):
 * - a Route 53 alias A record is owned through "a-<name>"; the "cname-<name>" external-dns wrote
 *   before #2903 still gives ownership, and the "a-" one is written on the next sync (force-update
 *   while it is missing, TestTXTRegistryAliasARecordForceUpdateOnMigration);
 * - with an AES key values are read decrypted (plain ones still read), and with encryption on they
 *   are written encrypted, a record's nonce kept so its value does not change (txt-crypto.ts);
 * - --migrate-from-txt-owner: records whose ownership names the old owner id are read as this
 *   owner's, and their ownership records rewritten with this owner id on the next sync.
 * Beyond it, so a takeover never churns: a stored ownership value is kept whenever its labels are
 * what would be written (whatever its bytes: encrypted with another gzip stream, or zoneguard's old
 * "dnsendpoint/" resource label), and an old "cname-" record of ours is deleted with its alias.
 */
import {
  cloneEndpoint,
  endpointKey,
  newEndpoint,
  type Endpoint,
  type Labels,
  LabelKey,
} from '../model/endpoint.js';
import type { ApplyOptions, Provider } from '../providers/provider.js';
import type { Changes } from '../model/changes.js';
import { canonicalResourceLabel } from '../kinds.js';
import { serializeLabels, tryParseLabels } from './txt-labels.js';
import { NONCE_LABEL, TxtEncryption } from './txt-crypto.js';
import { TxtNameMapper, type TxtNameOptions } from './txt-names.js';
import type { OwnershipClaim, Registry, RegistrySnapshot } from './registry.js';

/** The provider-specific property that makes the plan update a record whose ownership record must be (re)written. */
export const FORCE_UPDATE = 'txt/force-update';

export interface RegistryOptions extends TxtNameOptions {
  ownerId: string;
  /**
   * --txt-encrypt-aes-key (32 bytes): values this key opens are read decrypted; with `encrypt`
   * (--txt-encrypt-enabled) every value written is encrypted.
   */
  aesKey?: Buffer;
  encrypt?: boolean;
  /** --migrate-from-txt-owner: an owner id whose records this owner takes over. */
  migrateFromOwner?: string;
}

export class TxtRegistry implements Registry {
  readonly ownerId: string;
  readonly mapper: TxtNameMapper;
  /** Reads (and, when `writeEncrypted`, writes) encrypted values; undefined without a key. */
  readonly encryption?: TxtEncryption;
  readonly writeEncrypted: boolean;
  readonly migrateFromOwner?: string;
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
    if (opts.aesKey) this.encryption = new TxtEncryption(opts.aesKey);
    if (opts.encrypt && !this.encryption)
      throw new Error('the AES encryption key must be set when TXT record encryption is enabled');
    this.writeEncrypted = opts.encrypt === true;
    if (opts.migrateFromOwner && opts.migrateFromOwner !== opts.ownerId)
      this.migrateFromOwner = opts.migrateFromOwner;
  }

  async records(): Promise<Endpoint[]> {
    return (await this.snapshot()).records;
  }

  async snapshot(): Promise<RegistrySnapshot> {
    const all = await this.provider.records();
    return this.interpret(all);
  }

  /** An ownership value's labels as read (decrypted when this key opens it), or undefined for a foreign TXT. */
  private parse(value: string): Labels | undefined {
    return tryParseLabels(value, this.encryption);
  }

  /** Whether an owner id read from a record is this owner's: itself, or the one it migrates from. */
  isOurs(owner: string | undefined): boolean {
    return owner === this.ownerId || (this.migrateFromOwner !== undefined && owner === this.migrateFromOwner);
  }

  /** Labels as the rest of zoneguard sees them: resource label in today's form, a migrated owner as this one. */
  private canonical(labels: Labels): Labels {
    const resource = labels[LabelKey.resource];
    if (resource !== undefined) labels[LabelKey.resource] = canonicalResourceLabel(resource);
    if (this.migrateFromOwner !== undefined && labels[LabelKey.owner] === this.migrateFromOwner)
      labels[LabelKey.owner] = this.ownerId;
    return labels;
  }

  /** Splits raw provider records into owned records and ownership claims (pure; no provider call). */
  interpret(all: readonly Endpoint[]): RegistrySnapshot {
    const existing = new Map<string, string>();
    /** txt name|setIdentifier → the owner id it names, as stored (before migration). */
    const storedOwner = new Map<string, string | undefined>();
    const ttls = new Map<string, number>();
    const labelMap = new Map<string, Labels>();
    const claims: OwnershipClaim[] = [];
    const records: Endpoint[] = [];
    for (const rec of all) {
      if (rec.recordType !== 'TXT' || rec.targets.length === 0) {
        records.push(cloneEndpoint(rec));
        continue;
      }
      const read = this.parse(rec.targets[0]);
      if (!read) {
        // a TXT record that is not ours to interpret: an ordinary record with no owner
        records.push(cloneEndpoint(rec));
        continue;
      }
      storedOwner.set(txtKey(rec.dnsName, rec.setIdentifier), read[LabelKey.owner]);
      const labels = this.canonical(read);
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
      const keyOf = (recordType: string) =>
        endpointKey({ dnsName: lookupName, recordType, setIdentifier: ep.setIdentifier });
      let labels = labelMap.get(keyOf(ep.recordType));
      // an alias A record external-dns owned as "cname-" before v0.22 (#2903) is still owned by it
      if (!labels && isAliasA(ep)) labels = labelMap.get(keyOf('CNAME'));
      // old format (no type in the name) is read for every type but AAAA, as external-dns does
      if (!labels && ep.recordType !== 'AAAA') labels = labelMap.get(keyOf(''));
      if (!labels) continue;
      Object.assign(ep.labels, labels);
      // ours, and its ownership record as written today missing (old format, alias "cname-") or
      // naming the owner we migrate from: the plan updates it and the update writes one
      // (external-dns's force-update in Records(); --migrate-from-txt-owner)
      if (
        ep.labels[LabelKey.owner] === this.ownerId &&
        storedOwner.get(txtKey(this.mapper.txtNameFor(ep.dnsName, ep.recordType), ep.setIdentifier)) !==
          this.ownerId
      )
        ep.providerSpecific = { ...(ep.providerSpecific ?? {}), [FORCE_UPDATE]: 'true' };
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
      this.mapper.txtNameFor(ep.dnsName, ep.recordType),
      'TXT',
      [serializeLabels(labels, false, this.writeEncrypted ? this.encryption : undefined)],
      ep.ttl,
      {
        [LabelKey.ownedRecord]: ep.dnsName,
      },
    );
    if (ep.setIdentifier) txt.setIdentifier = ep.setIdentifier;
    // the record's routing policy (Route 53 weight, region...) goes with it, as external-dns does:
    // a record set with a SetIdentifier must have one
    if (ep.providerSpecific) {
      txt.providerSpecific = { ...ep.providerSpecific };
      delete txt.providerSpecific[FORCE_UPDATE];
    }
    return txt;
  }

  /**
   * The ownership record to write for `ep`, or undefined when the stored one already says the same:
   * same labels once read (decrypted, resource label in today's form), encrypted exactly when
   * this registry encrypts. A value to write keeps the stored nonce, as external-dns does.
   */
  private toWrite(ep: Endpoint): { txt: Endpoint; stored?: string } | undefined {
    let txt = this.ownershipRecordFor(ep);
    const stored = this.stored(txt);
    if (stored === undefined) return { txt };
    const read = this.parse(stored);
    const storedEncrypted = read?.[NONCE_LABEL] !== undefined;
    if (read && storedEncrypted === this.writeEncrypted) {
      const { [NONCE_LABEL]: nonce, ...was } = read;
      const want: Labels = { ...ep.labels, [LabelKey.owner]: this.ownerId };
      delete want[LabelKey.ownedRecord];
      delete want[NONCE_LABEL];
      if (
        sameLabels(this.canonical({ ...was }), this.canonical({ ...want })) &&
        was[LabelKey.owner] === this.ownerId
      )
        return undefined;
      if (nonce !== undefined && ep.labels[NONCE_LABEL] !== nonce)
        txt = this.ownershipRecordFor({ ...ep, labels: { ...ep.labels, [NONCE_LABEL]: nonce } });
    }
    return { txt, stored };
  }

  private storedTtl(name: string, setIdentifier: string | undefined): { ttl?: number } {
    const ttl = this.existingTxtTtl.get(txtKey(name, setIdentifier));
    return ttl === undefined ? {} : { ttl };
  }

  private stored(txt: Endpoint): string | undefined {
    return this.existingTxt.get(txtKey(txt.dnsName, txt.setIdentifier));
  }

  /** A stored ownership record of ours under another name than today's (old format, alias "cname-"), to delete with its record. */
  private leftoverOf(ep: Endpoint, name: string | undefined, current: Endpoint): Endpoint | undefined {
    if (name === undefined || name === current.dnsName) return undefined;
    const value = this.existingTxt.get(txtKey(name, ep.setIdentifier));
    if (value === undefined || !this.isOurs(this.parse(value)?.[LabelKey.owner])) return undefined;
    const old = newEndpoint(name, 'TXT', [value], this.storedTtl(name, ep.setIdentifier).ttl ?? current.ttl, {
      [LabelKey.ownedRecord]: ep.dnsName,
    });
    if (ep.setIdentifier) old.setIdentifier = ep.setIdentifier;
    if (current.providerSpecific) old.providerSpecific = { ...current.providerSpecific };
    return old;
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
      const w = this.toWrite(rec);
      if (!w) continue;
      if (w.stored === undefined) out.create.push(w.txt);
      // a leftover ownership record: only ever replace one of our own
      else if (this.isOurs(this.parse(w.stored)?.[LabelKey.owner])) {
        out.updateOld.push({ ...w.txt, targets: [w.stored] });
        out.updateNew.push(w.txt);
      }
    }
    for (let i = 0; i < changes.updateOld.length; i++) {
      const oldRec = changes.updateOld[i];
      const newRec = cloneEndpoint(changes.updateNew[i]);
      if (!owned(oldRec)) continue;
      newRec.labels[LabelKey.owner] = this.ownerId;
      // the nonce of the record's current value: an unchanged value stays byte for byte
      if (oldRec.labels[NONCE_LABEL] !== undefined && newRec.labels[NONCE_LABEL] === undefined)
        newRec.labels[NONCE_LABEL] = oldRec.labels[NONCE_LABEL];
      out.updateOld.push(withoutForceUpdate(oldRec));
      out.updateNew.push(withoutForceUpdate(newRec));
      const w = this.toWrite(newRec);
      if (!w) continue;
      if (w.stored === undefined) out.create.push(w.txt);
      else {
        out.updateOld.push({ ...w.txt, targets: [w.stored] });
        out.updateNew.push(w.txt);
      }
    }
    for (const ep of changes.delete) {
      if (!owned(ep)) continue;
      out.delete.push(withoutForceUpdate(ep));
      const txt = this.ownershipRecordFor(ep);
      const stored = this.stored(txt);
      if (stored !== undefined)
        out.delete.push({ ...txt, targets: [stored], ...this.storedTtl(txt.dnsName, txt.setIdentifier) });
      // external-dns also wrote an old-format record (no type) and, for an alias A before v0.22, a
      // "cname-" one: when ours they go too, or they would stay behind as orphans claiming the name
      // (AAAA never had an old-format one)
      const legacy = ep.recordType === 'AAAA' ? undefined : this.mapper.legacyTxtNameFor(ep.dnsName);
      const aliasCname = isAliasA(ep) ? this.mapper.txtNameFor(ep.dnsName, 'CNAME') : undefined;
      for (const name of new Set([legacy, aliasCname])) {
        const old = this.leftoverOf(ep, name, txt);
        if (old) out.delete.push(old);
      }
    }
    return out;
  }

  async applyChanges(changes: Changes, apply?: ApplyOptions): Promise<Changes> {
    const full = this.withOwnership(changes);
    // steady state: nothing to change costs no provider call at all
    if (full.create.length + full.updateNew.length + full.delete.length === 0) return full;
    await this.provider.applyChanges(full, apply);
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

/** A Route 53 alias A record (external-dns's isAliasARecord). */
function isAliasA(ep: Pick<Endpoint, 'recordType' | 'providerSpecific'>): boolean {
  return ep.recordType === 'A' && ep.providerSpecific?.alias === 'true';
}

function withoutForceUpdate(ep: Endpoint): Endpoint {
  if (ep.providerSpecific?.[FORCE_UPDATE] === undefined) return ep;
  const c = cloneEndpoint(ep);
  delete c.providerSpecific![FORCE_UPDATE];
  return c;
}

function sameLabels(a: Labels, b: Labels): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => b[k] === a[k]);
}

function txtKey(name: string, setIdentifier: string | undefined): string {
  return `${name}|${setIdentifier ?? ''}`;
}
