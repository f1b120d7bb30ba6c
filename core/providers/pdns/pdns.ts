/**
 * PowerDNS Authoritative through its HTTP API (/api/v1/servers/{id}/zones). PowerDNS changes whole
 * RRsets (changetype REPLACE or DELETE), so every change is merged into the RRset as it is on the
 * server right before the PATCH: records of the set that this change does not name are kept, and a
 * set that ends up empty is deleted. One PATCH per zone is atomic; large change sets are cut into
 * batches of --pdns-batch-change-size RRsets, sent at least --batch-change-interval apart when it
 * is given.
 */
import { endpointKey, newEndpoint, type Endpoint } from '../../model/endpoint.js';
import { ProviderError } from '../../errors.js';
import type { DomainFilter } from '../../domain-filter.js';
import type { Logger } from '../../log.js';
import { BatchPacer, flattenChanges, groupsOf } from '../batch.js';
import { type RetryOptions } from '../../backoff.js';
import { retryableStatus, selectZone, sendBatches, type ZoneSelection } from '../cloud.js';
import { quoteTxt, unquoteTxt } from '../../txt-rdata.js';
import { zoneFor, type ApplyOptions, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';

export interface PdnsOptions {
  server: string;
  apiKey: string;
  serverId?: string;
  selection?: ZoneSelection;
  /** Most RRsets per PATCH (--pdns-batch-change-size). */
  batchSize?: number;
  /** Least time between two PATCH requests, across zones (--batch-change-interval; default none). */
  intervalMs?: number;
  timeoutMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

interface PdnsRecord {
  content: string;
  disabled?: boolean;
}
interface PdnsRRset {
  name: string;
  type: string;
  ttl?: number;
  changetype?: 'REPLACE' | 'DELETE';
  records?: PdnsRecord[];
  comments?: unknown[];
}

const DEFAULT_TTL = 300;
/** RRsets per PATCH unless told (--pdns-batch-change-size, --batch-change-size). */
export const PDNS_DEFAULT_BATCH = 1000;

function fqdn(name: string): string {
  return name.endsWith('.') ? name : `${name}.`;
}

function toContent(type: string, target: string): string {
  if (type === 'TXT') return quoteTxt(target);
  if (type === 'CNAME' || type === 'NS' || type === 'PTR') return fqdn(target);
  return target;
}

function fromContent(type: string, content: string): string {
  if (type === 'TXT') return unquoteTxt(content);
  if (type === 'CNAME' || type === 'NS' || type === 'PTR') return content.replace(/\.$/, '').toLowerCase();
  return content;
}

export class PdnsProvider implements Provider {
  readonly name = 'pdns';
  private readonly base: string;
  /** API calls made (tests and benchmarks count them). */
  calls = { reads: 0, writes: 0 };
  private readonly pacer: BatchPacer;

  constructor(private readonly opts: PdnsOptions) {
    this.pacer = new BatchPacer(opts.intervalMs ?? 0);
    this.base = `${opts.server.replace(/\/+$/, '')}/api/v1/servers/${encodeURIComponent(opts.serverId ?? 'localhost')}`;
  }

  domainFilter(): DomainFilter | undefined {
    return this.opts.selection?.domainFilter;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T | undefined> {
    if (method === 'GET') this.calls.reads++;
    else this.calls.writes++;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          'X-API-Key': this.opts.apiKey,
          Accept: 'application/json',
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
      });
    } catch (e) {
      const err = e as Error & { cause?: { code?: string } };
      const why = err.name === 'TimeoutError' ? 'timed out' : (err.cause?.code ?? err.message);
      throw new ProviderError(this.name, `${method} ${path}: ${why}`, true, {
        name: err.name,
        code: err.cause?.code,
      });
    }
    const text = await res.text();
    if (!res.ok) {
      let detail = text.slice(0, 300);
      try {
        detail = (JSON.parse(text) as { error?: string }).error ?? detail;
      } catch {
        /* not JSON */
      }
      throw new ProviderError(
        this.name,
        `${method} ${path}: HTTP ${res.status} ${detail}`,
        retryableStatus(res.status),
        { status: res.status },
      );
    }
    return text ? (JSON.parse(text) as T) : undefined;
  }

  async zones(): Promise<Zone[]> {
    const list = (await this.request<{ id: string; name: string }[]>('GET', '/zones')) ?? [];
    const zones = list.map((z) => ({ id: z.id, name: z.name.replace(/\.$/, '').toLowerCase() }));
    return zones.filter((z) => !this.opts.selection || selectZone(this.opts.selection, z, [z.id, z.name]));
  }

  private async rrsets(zone: Zone): Promise<PdnsRRset[]> {
    const z = await this.request<{ rrsets: PdnsRRset[] }>('GET', `/zones/${encodeURIComponent(zone.id)}`);
    return z?.rrsets ?? [];
  }

  private toEndpoints(zone: Zone, sets: PdnsRRset[]): Endpoint[] {
    const out: Endpoint[] = [];
    for (const s of sets) {
      const name = s.name.replace(/\.$/, '').toLowerCase();
      if (s.type === 'SOA' || (s.type === 'NS' && name === zone.name)) continue;
      const targets = (s.records ?? []).filter((r) => !r.disabled).map((r) => fromContent(s.type, r.content));
      if (targets.length === 0) continue;
      out.push(newEndpoint(name, s.type, targets, s.ttl));
    }
    return out;
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const z of await this.zones()) out.push(...this.toEndpoints(z, await this.rrsets(z)));
    return out;
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const list = flattenChanges(changes);
    if (list.length === 0) return;
    const zones = await this.zones();
    const byZone = new Map<string, { zone: Zone; changes: typeof list }>();
    for (const ch of list) {
      const z = zoneFor(zones, ch.record.dnsName);
      if (!z) throw new ProviderError(this.name, `no managed zone for ${ch.record.dnsName}`, false);
      const e = byZone.get(z.id) ?? { zone: z, changes: [] };
      e.changes.push(ch);
      byZone.set(z.id, e);
    }
    for (const { zone, changes: zoneChanges } of byZone.values()) {
      // merge into the RRsets as they are now, so records this change does not name survive
      const current = new Map<string, Endpoint>();
      for (const ep of this.toEndpoints(zone, await this.rrsets(zone))) current.set(endpointKey(ep), ep);
      const next = new Map<string, { name: string; type: string; ttl?: number; targets: string[] }>();
      const touch = (ep: Endpoint) => {
        const key = endpointKey({ dnsName: ep.dnsName, recordType: ep.recordType });
        let s = next.get(key);
        if (!s) {
          const cur = current.get(key);
          s = { name: ep.dnsName, type: ep.recordType, ttl: cur?.ttl, targets: cur ? [...cur.targets] : [] };
          next.set(key, s);
        }
        return s;
      };
      const remove = (ep: Endpoint) => {
        const s = touch(ep);
        s.targets = s.targets.filter((t) => !ep.targets.includes(t));
      };
      const add = (ep: Endpoint) => {
        const s = touch(ep);
        for (const t of ep.targets) if (!s.targets.includes(t)) s.targets.push(t);
        s.ttl = ep.ttl ?? s.ttl ?? DEFAULT_TTL;
      };
      for (const ch of zoneChanges) {
        if (ch.action === 'delete') remove(ch.record);
        else if (ch.action === 'update') {
          remove(ch.old);
          add(ch.record);
        } else add(ch.record);
      }
      const rrsetOf = (s: { name: string; type: string; ttl?: number; targets: string[] }): PdnsRRset =>
        s.targets.length === 0
          ? { name: fqdn(s.name), type: s.type, changetype: 'DELETE' }
          : {
              name: fqdn(s.name),
              type: s.type,
              ttl: s.ttl ?? DEFAULT_TTL,
              changetype: 'REPLACE',
              records: s.targets.map((t) => ({ content: toContent(s.type, t), disabled: false })),
            };
      // PATCHes of whole names: a record's RRsets and its ownership TXT go together, so a batch
      // that fails for good, or a stop between batches, never leaves a record without its owner
      const size = this.opts.batchSize ?? PDNS_DEFAULT_BATCH;
      const batches: PdnsRRset[][] = [];
      let filling: PdnsRRset[] = [];
      const sent = new Set<string>();
      for (const group of groupsOf(zoneChanges)) {
        const rrsets: PdnsRRset[] = [];
        for (const ch of group)
          for (const ep of ch.action === 'update' ? [ch.old, ch.record] : [ch.record]) {
            const key = endpointKey({ dnsName: ep.dnsName, recordType: ep.recordType });
            const s = next.get(key);
            if (!s || sent.has(key)) continue;
            sent.add(key);
            rrsets.push(rrsetOf(s));
          }
        if (filling.length && filling.length + rrsets.length > size) {
          batches.push(filling);
          filling = [];
        }
        filling.push(...rrsets);
      }
      if (filling.length) batches.push(filling);
      await sendBatches(
        batches,
        (batch) =>
          this.request('PATCH', `/zones/${encodeURIComponent(zone.id)}`, { rrsets: batch }).then(
            () => undefined,
          ),
        {
          provider: this.name,
          retry: this.opts.retry,
          logger: this.opts.logger,
          pacer: this.pacer,
          signal: apply.signal,
        },
      );
      this.opts.logger?.info(
        { provider: this.name, zone: zone.name, rrsets: sent.size, batches: batches.length },
        'changes applied',
      );
    }
  }
}
