/**
 * The one provider interface (external-dns's provider.Provider): list records, apply changes.
 * Registry (TXT ownership), plan and batching sit on top and are written once.
 */
import type { Endpoint } from '../model/endpoint.js';
import type { Changes } from '../model/changes.js';
import type { DomainFilter } from '../domain-filter.js';
import type { Logger } from '../log.js';

export interface Zone {
  /** Provider's identifier (hosted zone id, managed zone name, zone name for DNS servers). */
  id: string;
  /** Zone apex, normalized (lower-case, no trailing dot). */
  name: string;
  visibility?: 'public' | 'private';
}

/** How a change set is applied: the reconciler's stop signal. */
export interface ApplyOptions {
  signal?: AbortSignal;
}

export interface Provider {
  readonly name: string;
  /** Zones this provider manages after its domain/zone-id filters. */
  zones(): Promise<Zone[]>;
  /**
   * Every record in the managed zones, TXT ownership records included (TXT targets unquoted).
   * Records of types the provider cannot represent are left out.
   */
  records(): Promise<Endpoint[]>;
  /**
   * Applies a change set, batched at the provider's limit. Throws ProviderError, or StoppedError
   * when `signal` aborts (the batches sent stay sent; none is cut in the middle).
   */
  applyChanges(changes: Changes, opts?: ApplyOptions): Promise<void>;
  /** Lets a provider normalize desired endpoints (minimum TTL, proxied flag...) before planning. */
  adjustEndpoints?(endpoints: Endpoint[]): Endpoint[];
  /** The domain filter the provider uses to pick zones, if any. */
  domainFilter?(): DomainFilter | undefined;
  /** Releases sockets and timers. */
  close?(): Promise<void>;
}

/** The zone a name belongs to: the most specific zone whose apex is the name or a parent of it. */
export function zoneFor<Z extends Zone>(zones: readonly Z[], dnsName: string): Z | undefined {
  let best: Z | undefined;
  for (const z of zones) {
    if (dnsName === z.name || dnsName.endsWith(`.${z.name}`)) {
      if (!best || z.name.length > best.name.length) best = z;
    }
  }
  return best;
}

export interface ProviderDeps {
  logger: Logger;
  domainFilter: DomainFilter;
  /** Environment, for credential chains that read it (never logged). */
  env: Record<string, string | undefined>;
}

/** A provider folder's factory: its typed settings (a slice of the CLI's Settings) to a Provider. */
export type ProviderFactory<S> = (settings: S, deps: ProviderDeps) => Promise<Provider>;
