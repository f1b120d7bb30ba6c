/**
 * Google Cloud DNS (external-dns's --provider=google) through @google-cloud/dns.
 * - Zones: managed zones of --google-project, by --google-zone-visibility and the zone filters
 *   (the zone-id filter matches the numeric id or the zone's name, as external-dns does).
 * - Records: rrsets page by page; TXT rrdatas are quoted character-strings.
 * - Changes: one Change per batch of at most --google-batch-change-size rrset additions plus
 *   deletions (an update is a deletion of the stored rrset and an addition); Cloud DNS applies a
 *   Change whole or not at all.
 */
import { DNS, type Zone as GZone } from '@google-cloud/dns';
import type { AuthClient } from 'google-auth-library';
import { cloneEndpoint, normalizeDnsName, normalizeTarget, type Endpoint } from '../../model/endpoint.js';
import type { DomainFilter } from '../../domain-filter.js';
import type { Logger } from '../../log.js';
import { BatchPacer, splitChanges, ZoneCache } from '../batch.js';
import { type RetryOptions } from '../../backoff.js';
import {
  callWithRetry,
  changesByZone,
  providerError,
  retryableStatus,
  selectZone,
  sendBatches,
  type ZoneSelection,
} from '../cloud.js';
import { quoteTxt, unquoteTxt } from '../../txt-rdata.js';
import { type ApplyOptions, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';

/** external-dns's Cloud DNS default TTL. */
export const GOOGLE_DEFAULT_TTL = 300;
export const GOOGLE_DEFAULT_BATCH = 1000;

const READ_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'NS', 'PTR', 'CAA', 'NAPTR']);
const HOSTNAME_TYPES = new Set(['CNAME', 'NS', 'PTR']);

export interface CloudDnsOptions {
  project: string;
  /** Host (dns.googleapis.com, a private endpoint) or a full URL such as http://127.0.0.1:PORT for tests. */
  apiEndpoint?: string;
  /** Credentials other than Application Default Credentials (tests: a client with a fixed token). */
  authClient?: AuthClient;
  zoneVisibility?: '' | 'public' | 'private';
  selection?: ZoneSelection;
  batchSize?: number;
  pageSize?: number;
  intervalMs?: number;
  cacheMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

interface ManagedZone extends Zone {
  numericId: string;
  handle: GZone;
}

interface Rrset {
  name: string;
  type: string;
  ttl: number;
  rrdatas: string[];
}

export class CloudDnsProvider implements Provider {
  readonly name = 'google';
  readonly dns: DNS;
  private readonly zoneCache: ZoneCache<ManagedZone>;
  /** Stored rrsets from the last read, by name|type: a deletion must match them exactly. */
  private readonly stored = new Map<string, Rrset>();
  lastBatches = 0;
  /** --batch-change-interval between any two batches, across zones and runs. */
  private readonly pacer: BatchPacer;

  constructor(private readonly opts: CloudDnsOptions) {
    this.pacer = new BatchPacer(opts.intervalMs ?? 0);
    const endpoint = opts.apiEndpoint ?? '';
    const url = /^https?:\/\//.test(endpoint) ? new URL(endpoint) : undefined;
    this.dns = new DNS({
      projectId: opts.project,
      ...(endpoint ? { apiEndpoint: url ? url.host : endpoint } : {}),
      ...(opts.authClient ? { authClient: opts.authClient } : {}),
    });
    // retries are ours (withRetry per batch), so a throttled run resumes at its batch
    this.dns.interceptors.push({ request: ((reqOpts: object) => ({ ...reqOpts, maxRetries: 0 })) as never });
    // the SDK always builds https://<apiEndpoint>; a full URL (a local emulator) replaces the base
    if (url) this.dns.baseUrl = `${url.origin}${url.pathname.replace(/\/$/, '')}/dns/v1`;
    this.zoneCache = new ZoneCache(opts.cacheMs ?? 0);
  }

  domainFilter(): DomainFilter | undefined {
    return this.opts.selection?.domainFilter;
  }

  async zones(): Promise<ManagedZone[]> {
    return this.zoneCache.get(async () => {
      const out: ManagedZone[] = [];
      let query: Record<string, unknown> | null = {
        autoPaginate: false,
        ...(this.opts.pageSize ? { maxResults: this.opts.pageSize } : {}),
      };
      while (query) {
        const q: Record<string, unknown> = query;
        const [zones, next] = (await this.call('list managed zones', () =>
          this.dns.getZones(q),
        )) as unknown as [GZone[], Record<string, unknown> | null];
        for (const z of zones) {
          const md = z.metadata as { id?: string | number; dnsName?: string; visibility?: string };
          const zone: ManagedZone = {
            id: z.name,
            numericId: String(md.id ?? ''),
            name: normalizeDnsName(md.dnsName ?? ''),
            visibility: md.visibility === 'private' ? 'private' : 'public',
            handle: z,
          };
          const vis = this.opts.zoneVisibility ?? '';
          if (vis && zone.visibility !== vis) continue;
          if (!selectZone(this.opts.selection ?? {}, zone, [zone.id, zone.numericId])) continue;
          out.push(zone);
        }
        query = next;
      }
      return out;
    });
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    this.stored.clear();
    for (const zone of await this.zones()) {
      let query: Record<string, unknown> | null = {
        autoPaginate: false,
        ...(this.opts.pageSize ? { maxResults: this.opts.pageSize } : {}),
      };
      while (query) {
        const q: Record<string, unknown> = query;
        const [records, next] = (await this.call(`list records of ${zone.name}`, () =>
          zone.handle.getRecords(q),
        )) as unknown as [{ metadata: Rrset }[], Record<string, unknown> | null];
        for (const r of records) {
          const rs = r.metadata;
          if (!READ_TYPES.has(rs.type)) continue;
          const name = normalizeDnsName(rs.name);
          if (rs.type === 'NS' && name === zone.name) continue; // the zone's own delegation
          this.stored.set(`${name}|${rs.type}`, {
            name: rs.name,
            type: rs.type,
            ttl: rs.ttl,
            rrdatas: [...rs.rrdatas],
          });
          const ep: Endpoint = {
            dnsName: name,
            recordType: rs.type,
            targets: rs.rrdatas.map((d) => (rs.type === 'TXT' ? unquoteTxt(d) : normalizeTarget(rs.type, d))),
            labels: {},
          };
          if (rs.ttl > 0) ep.ttl = rs.ttl;
          out.push(ep);
        }
        query = next;
      }
    }
    return out;
  }

  adjustEndpoints(endpoints: Endpoint[]): Endpoint[] {
    return endpoints.map(cloneEndpoint);
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const byZone = changesByZone(await this.zones(), changes, {
      provider: this.name,
      logger: this.opts.logger,
    });
    this.lastBatches = 0;
    for (const [zone, list] of byZone) {
      // an update is a deletion and an addition, both counted against the per-change limit
      const batches = splitChanges(list, {
        maxChanges: this.opts.batchSize ?? GOOGLE_DEFAULT_BATCH,
        cost: (c) => (c.action === 'update' ? 2 : 1),
      });
      this.lastBatches += await sendBatches(
        batches,
        async (batch) => {
          const add: Rrset[] = [];
          const del: Rrset[] = [];
          for (const c of batch) {
            if (c.action === 'create') add.push(rrsetOf(c.record));
            else if (c.action === 'delete') del.push(this.storedOr(c.record));
            else {
              del.push(this.storedOr(c.old));
              add.push(rrsetOf(c.record));
            }
          }
          const h = zone.handle;
          await this.call(
            `apply a change of ${add.length} additions and ${del.length} deletions to ${zone.name}`,
            () =>
              h.createChange({
                add: add.map((r) =>
                  h.record(r.type.toLowerCase(), { name: r.name, ttl: r.ttl, data: r.rrdatas }),
                ),
                delete: del.map((r) =>
                  h.record(r.type.toLowerCase(), { name: r.name, ttl: r.ttl, data: r.rrdatas }),
                ),
              }),
          );
          for (const r of del) this.stored.delete(`${normalizeDnsName(r.name)}|${r.type}`);
          for (const r of add) this.stored.set(`${normalizeDnsName(r.name)}|${r.type}`, r);
        },
        {
          provider: this.name,
          pacer: this.pacer,
          retry: this.opts.retry,
          logger: this.opts.logger,
          signal: apply.signal,
        },
      );
    }
  }

  /** The rrset as stored (deletions must match exactly), else as this provider would have written it. */
  private storedOr(ep: Endpoint): Rrset {
    return this.stored.get(`${ep.dnsName}|${ep.recordType}`) ?? rrsetOf(ep);
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(
      what,
      fn,
      (w, e) => providerError(this.name, w, e, retryableStatus((e as { code?: number }).code)),
      { provider: this.name, retry: this.opts.retry, logger: this.opts.logger },
    );
  }
}

function rrsetOf(ep: Endpoint): Rrset {
  return {
    name: `${ep.dnsName}.`,
    type: ep.recordType,
    ttl: ep.ttl ?? GOOGLE_DEFAULT_TTL,
    rrdatas: ep.targets.map((t) =>
      ep.recordType === 'TXT' ? quoteTxt(t) : HOSTNAME_TYPES.has(ep.recordType) ? `${t}.` : t,
    ),
  };
}
