/**
 * The inmemory provider (external-dns's --provider=inmemory): a full provider that keeps zones in
 * memory, optionally seeded from RFC 1035 master files. Changes are checked before any is applied,
 * so a bad change set leaves the zones as they were, like a transactional DNS API.
 */
import { readFileSync } from 'node:fs';
import {
  endpointKey,
  newEndpoint,
  normalizeDnsName,
  type Endpoint,
  cloneEndpoint,
  describeEndpoint,
} from '../../model/endpoint.js';
import { ProviderError, InputError } from '../../errors.js';
import type { DomainFilter } from '../../domain-filter.js';
import { zoneFor, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';
import { parseZoneFile } from './zonefile.js';

/** Types the inmemory provider keeps from a zone file; SOA and NS at the apex are the zone's own. */
const KEPT_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'NS', 'PTR', 'CAA', 'NAPTR']);

export interface InMemoryOptions {
  zones?: readonly string[];
  domainFilter?: DomainFilter;
}

export class InMemoryProvider implements Provider {
  readonly name = 'inmemory';
  private readonly store = new Map<string, Map<string, Endpoint>>();
  private filter?: DomainFilter;
  /** Count of applyChanges calls that changed something (tests assert steady state on it). */
  writes = 0;

  constructor(opts: InMemoryOptions = {}) {
    for (const z of opts.zones ?? []) this.addZone(z);
    this.filter = opts.domainFilter;
  }

  addZone(zone: string): void {
    const name = normalizeDnsName(zone);
    if (!this.store.has(name)) this.store.set(name, new Map());
  }

  /** Seeds a zone from master-file text (as `dig AXFR` prints it). */
  loadZoneFile(zone: string, text: string, file?: string): number {
    const apex = normalizeDnsName(zone);
    this.addZone(apex);
    const records = parseZoneFile(text, { origin: apex, file });
    const zoneMap = this.store.get(apex)!;
    let n = 0;
    for (const r of records) {
      if (!KEPT_TYPES.has(r.type)) continue;
      if (r.type === 'NS' && r.name === apex) continue;
      if (r.name !== apex && !r.name.endsWith(`.${apex}`)) {
        throw new InputError(`${file ?? 'zone file'}:${r.line}: ${r.name} is outside zone ${apex}`, {
          file,
          line: r.line,
        });
      }
      const key = endpointKey({ dnsName: r.name, recordType: r.type });
      const existing = zoneMap.get(key);
      if (existing) {
        if (!existing.targets.includes(r.data)) existing.targets.push(r.data);
      } else {
        zoneMap.set(key, newEndpoint(r.name, r.type, [r.data], r.ttl));
      }
      n++;
    }
    return n;
  }

  loadZoneFileFrom(zone: string, path: string): number {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read zone file ${path}: ${(e as Error).message}`, { file: path });
    }
    return this.loadZoneFile(zone, text, path);
  }

  domainFilter(): DomainFilter | undefined {
    return this.filter;
  }

  async zones(): Promise<Zone[]> {
    return [...this.store.keys()]
      .filter((z) => !this.filter || this.filter.matchZone(z))
      .map((z) => ({ id: z, name: z }));
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const z of await this.zones()) {
      for (const ep of this.store.get(z.name)!.values()) out.push(cloneEndpoint(ep));
    }
    return out;
  }

  async applyChanges(changes: Changes): Promise<void> {
    const zones = await this.zones();
    // validate everything first: the change set applies whole or not at all
    const staged = new Map<string, Map<string, Endpoint>>();
    for (const z of zones) staged.set(z.name, new Map(this.store.get(z.name)!));
    const zoneMap = (ep: Endpoint) => {
      const z = zoneFor(zones, ep.dnsName);
      if (!z) throw new ProviderError(this.name, `no zone for ${ep.dnsName}`, false);
      return staged.get(z.name)!;
    };
    for (const ep of changes.delete) {
      const m = zoneMap(ep);
      if (!m.delete(endpointKey(ep)))
        throw new ProviderError(this.name, `delete of missing record ${describeEndpoint(ep)}`, false);
    }
    for (const ep of changes.updateOld) {
      const m = zoneMap(ep);
      if (!m.delete(endpointKey(ep)))
        throw new ProviderError(this.name, `update of missing record ${describeEndpoint(ep)}`, false);
    }
    for (const ep of [...changes.create, ...changes.updateNew]) {
      const m = zoneMap(ep);
      const key = endpointKey(ep);
      if (m.has(key))
        throw new ProviderError(this.name, `record already exists: ${describeEndpoint(ep)}`, false);
      const stored = cloneEndpoint(ep);
      stored.labels = {};
      m.set(key, stored);
    }
    for (const [z, m] of staged) this.store.set(z, m);
    if (changes.create.length + changes.updateNew.length + changes.delete.length > 0) this.writes++;
  }
}
