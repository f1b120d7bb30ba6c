/**
 * Azure DNS (external-dns's --provider=azure, @azure/arm-dns) and Azure Private DNS
 * (--provider=azure-private-dns, @azure/arm-privatedns).
 * - ARM has no batch API: each record set is one PUT (replaced whole, so atomic per name and
 *   type) or one DELETE, as external-dns does; calls are changes + list pages.
 * - TXT values are stored as strings of at most 255 characters, joined back on read.
 */
import type { Agent } from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { DnsManagementClient } from '@azure/arm-dns';
import { PrivateDnsManagementClient } from '@azure/arm-privatedns';
import { cloneEndpoint, normalizeDnsName, normalizeTarget, type Endpoint } from '../../model/endpoint.js';
import type { DomainFilter } from '../../domain-filter.js';
import type { Logger } from '../../log.js';
import { flattenChanges, ZoneCache, type Change } from '../batch.js';
import { type RetryOptions } from '../../backoff.js';
import {
  callWithRetry,
  providerError,
  retryableStatus,
  selectZone,
  sendConcurrently,
  type ZoneSelection,
} from '../cloud.js';
import { zoneFor, type ApplyOptions, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';
import { txtStrings } from '../../txt-rdata.js';

/** external-dns's Azure default TTL. */
export const AZURE_DEFAULT_TTL = 300;
const TYPES = ['A', 'AAAA', 'CNAME', 'TXT'] as const;
/** Record-set calls in flight at once: well under ARM's write throttling, 8x a serial run. */
export const AZURE_DEFAULT_CONCURRENCY = 8;

export interface AzureOptions {
  private?: boolean;
  credential: TokenCredential;
  subscriptionId: string;
  /** Limit to one resource group (default: every zone of the subscription). */
  resourceGroup?: string;
  /** ARM endpoint (sovereign clouds, tests), default https://management.azure.com. */
  endpoint?: string;
  /** TLS agent (tests trust a local certificate through it). */
  agent?: Agent;
  selection?: ZoneSelection;
  pageSize?: number;
  /** Record-set calls in flight at once (--azure-concurrency, default 8). */
  concurrency?: number;
  cacheMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

interface AzureZone extends Zone {
  resourceGroup: string;
}

/** The SDK's flattened record set, the same shape in both packages. */
interface RecordSet {
  name?: string;
  type?: string;
  fqdn?: string;
  ttl?: number;
  aRecords?: { ipv4Address?: string }[];
  aaaaRecords?: { ipv6Address?: string }[];
  cnameRecord?: { cname?: string };
  txtRecords?: { value?: string[] }[];
}

interface Backend {
  zones(rg: string | undefined): AsyncIterable<{ id?: string; name?: string }[]>;
  recordSets(rg: string, zone: string, top: number | undefined): AsyncIterable<RecordSet[]>;
  /** `create`: If-None-Match: * — fails (412) rather than replace a record set someone else made meanwhile. */
  put(rg: string, zone: string, type: string, rel: string, rs: RecordSet, create: boolean): Promise<unknown>;
  delete(rg: string, zone: string, type: string, rel: string): Promise<unknown>;
}

export class AzureProvider implements Provider {
  readonly name: string;
  private readonly backend: Backend;
  private readonly zoneCache: ZoneCache<AzureZone>;
  lastBatches = 0;

  constructor(private readonly opts: AzureOptions) {
    this.name = opts.private ? 'azure-private-dns' : 'azure';
    const clientOpts = {
      ...(opts.endpoint ? { endpoint: opts.endpoint, $host: opts.endpoint } : {}),
      ...(opts.agent ? { agent: opts.agent } : {}),
      // retries are ours (withRetry per call), so a throttled run resumes at its change
      retryOptions: { maxRetries: 0 },
    };
    if (opts.private) {
      const c = new PrivateDnsManagementClient(opts.credential, opts.subscriptionId, clientOpts);
      this.backend = {
        zones: (rg) => (rg ? c.privateZones.listByResourceGroup(rg) : c.privateZones.list()).byPage(),
        recordSets: (rg, zone, top) => c.recordSets.list(rg, zone, top ? { top } : {}).byPage(),
        put: (rg, zone, type, rel, rs, create) =>
          c.recordSets.createOrUpdate(rg, zone, type as never, rel, rs, create ? { ifNoneMatch: '*' } : {}),
        delete: (rg, zone, type, rel) => c.recordSets.delete(rg, zone, type as never, rel),
      };
    } else {
      const c = new DnsManagementClient(opts.credential, opts.subscriptionId, clientOpts);
      this.backend = {
        zones: (rg) => (rg ? c.zones.listByResourceGroup(rg) : c.zones.list()).byPage(),
        recordSets: (rg, zone, top) => c.recordSets.listAllByDnsZone(rg, zone, top ? { top } : {}).byPage(),
        put: (rg, zone, type, rel, rs, create) =>
          c.recordSets.createOrUpdate(rg, zone, rel, type as never, rs, create ? { ifNoneMatch: '*' } : {}),
        delete: (rg, zone, type, rel) => c.recordSets.delete(rg, zone, rel, type as never),
      };
    }
    this.zoneCache = new ZoneCache(opts.cacheMs ?? 0);
  }

  domainFilter(): DomainFilter | undefined {
    return this.opts.selection?.domainFilter;
  }

  async zones(): Promise<AzureZone[]> {
    return this.zoneCache.get(async () => {
      const out: AzureZone[] = [];
      const pages = await this.call('list zones', async () => {
        const all: { id?: string; name?: string }[] = [];
        for await (const page of this.backend.zones(this.opts.resourceGroup)) all.push(...page);
        return all;
      });
      for (const z of pages) {
        const id = z.id ?? '';
        const rg = /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? this.opts.resourceGroup ?? '';
        const zone: AzureZone = {
          id,
          name: normalizeDnsName(z.name ?? ''),
          resourceGroup: rg,
          visibility: this.opts.private ? 'private' : 'public',
        };
        if (selectZone(this.opts.selection ?? {}, zone, [id, zone.name])) out.push(zone);
      }
      return out;
    });
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const zone of await this.zones()) {
      const sets = await this.call(`list record sets of ${zone.name}`, async () => {
        const all: RecordSet[] = [];
        for await (const page of this.backend.recordSets(zone.resourceGroup, zone.name, this.opts.pageSize))
          all.push(...page);
        return all;
      });
      for (const rs of sets) {
        const ep = endpointOf(rs, zone);
        if (ep) out.push(ep);
      }
    }
    return out;
  }

  adjustEndpoints(endpoints: Endpoint[]): Endpoint[] {
    return endpoints.map(cloneEndpoint);
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const zones = await this.zones();
    const deletes: { zone: AzureZone; change: Change }[] = [];
    const writes: { zone: AzureZone; change: Change }[] = [];
    for (const change of flattenChanges(changes)) {
      const zone = zoneFor(zones, change.record.dnsName);
      if (!zone) {
        this.opts.logger?.warn(
          { provider: this.name, hostname: change.record.dnsName },
          'no zone for record, skipped',
        );
        continue;
      }
      if (!(TYPES as readonly string[]).includes(change.record.recordType)) {
        this.opts.logger?.warn(
          { provider: this.name, hostname: change.record.dnsName, recordType: change.record.recordType },
          'record type not supported, skipped',
        );
        continue;
      }
      (change.action === 'delete' ? deletes : writes).push({ zone, change });
    }
    // one call per change, several in flight (each record set is its own resource); every delete
    // is done before any write, so a name can change type (A → CNAME) without a conflict
    const send = async ({ zone, change }: { zone: AzureZone; change: Change }) => {
      const ep = change.record;
      const rel = relativeName(ep.dnsName, zone.name);
      try {
        if (change.action === 'delete')
          await this.backend.delete(zone.resourceGroup, zone.name, ep.recordType, rel);
        else
          await this.backend.put(
            zone.resourceGroup,
            zone.name,
            ep.recordType,
            rel,
            recordSetOf(ep),
            change.action === 'create',
          );
      } catch (e) {
        throw this.error(`${change.action} ${ep.recordType} record set ${rel} in ${zone.name}`, e);
      }
    };
    const run = {
      provider: this.name,
      retry: this.opts.retry,
      logger: this.opts.logger,
      limit: this.opts.concurrency ?? AZURE_DEFAULT_CONCURRENCY,
      signal: apply.signal,
    };
    this.lastBatches =
      (await sendConcurrently(deletes, send, run)) + (await sendConcurrently(writes, send, run));
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(what, fn, (w: string, e: unknown) => this.error(w, e), {
      provider: this.name,
      retry: this.opts.retry,
      logger: this.opts.logger,
    });
  }

  private error(what: string, e: unknown) {
    const err = e as { statusCode?: number; code?: string; message?: string };
    // RestError carries the request (with its Authorization header); keep only code and status
    return providerError(
      this.name,
      what,
      { name: 'RestError', message: err.message, code: err.code, statusCode: err.statusCode },
      retryableStatus(err.statusCode),
    );
  }
}

function relativeName(dnsName: string, zone: string): string {
  return dnsName === zone ? '@' : dnsName.slice(0, -(zone.length + 1));
}

function recordSetOf(ep: Endpoint): RecordSet {
  const rs: RecordSet = { ttl: ep.ttl ?? AZURE_DEFAULT_TTL };
  switch (ep.recordType) {
    case 'A':
      rs.aRecords = ep.targets.map((t) => ({ ipv4Address: t }));
      break;
    case 'AAAA':
      rs.aaaaRecords = ep.targets.map((t) => ({ ipv6Address: t }));
      break;
    case 'CNAME':
      rs.cnameRecord = { cname: ep.targets[0] };
      break;
    case 'TXT':
      rs.txtRecords = ep.targets.map((t) => ({ value: txtStrings(t).map((b) => b.toString('utf8')) }));
      break;
  }
  return rs;
}

function endpointOf(rs: RecordSet, zone: AzureZone): Endpoint | undefined {
  const type = (rs.type ?? '').split('/').pop()?.toUpperCase() ?? '';
  const name = rs.fqdn ? normalizeDnsName(rs.fqdn) : rs.name === '@' ? zone.name : `${rs.name}.${zone.name}`;
  let targets: string[];
  switch (type) {
    case 'A':
      targets = (rs.aRecords ?? []).map((r) => r.ipv4Address ?? '');
      break;
    case 'AAAA':
      targets = (rs.aaaaRecords ?? []).map((r) => normalizeTarget('AAAA', r.ipv6Address ?? ''));
      break;
    case 'CNAME':
      targets = rs.cnameRecord?.cname ? [normalizeTarget('CNAME', rs.cnameRecord.cname)] : [];
      break;
    case 'TXT':
      targets = (rs.txtRecords ?? []).map((r) => (r.value ?? []).join(''));
      break;
    default:
      return undefined;
  }
  if (!targets.length) return undefined;
  const ep: Endpoint = { dnsName: name, recordType: type, targets, labels: {} };
  if (rs.ttl && rs.ttl > 0) ep.ttl = rs.ttl;
  return ep;
}
