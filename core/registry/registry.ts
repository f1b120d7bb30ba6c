/**
 * The registry (external-dns's registry.Registry): a provider wrapped with ownership. It reads
 * records labelled with their owner and resource, and applies changes with the ownership records
 * they need. The TXT registry (txt-registry.ts) is the one zoneguard writes today.
 */
import type { Changes } from '../model/changes.js';
import type { Endpoint } from '../model/endpoint.js';
import type { ApplyOptions, Provider } from '../providers/provider.js';
import type { Labels } from '../model/endpoint.js';

/** An ownership record found in the zone: which owner claims (name, type). */
export interface OwnershipClaim {
  dnsName: string;
  /** '' for an old-format record that claims every type at the name. */
  recordType: string;
  setIdentifier?: string;
  labels: Labels;
  txtName: string;
}

export interface RegistrySnapshot {
  /** Records (ownership records excluded), with owner/resource labels from their ownership records. */
  records: Endpoint[];
  /** Every ownership record read, including those whose record is gone. */
  claims: OwnershipClaim[];
}

export interface Registry {
  /** This instance's owner id (--txt-owner-id). */
  readonly ownerId: string;
  readonly provider: Provider;
  /** Records with owner/resource labels. */
  records(): Promise<Endpoint[]>;
  /** Records and every ownership claim, for the ownership rule. */
  snapshot(): Promise<RegistrySnapshot>;
  /** Applies a change set with the ownership records it implies; returns what was sent. */
  applyChanges(changes: Changes, apply?: ApplyOptions): Promise<Changes>;
}
