/**
 * Cloudflare (external-dns's --provider=cloudflare) through the official `cloudflare` SDK.
 * - Cloudflare keeps one record per value: an endpoint with several targets is several records,
 *   grouped back into one endpoint on read.
 * - Changes go through the dns_records/batch endpoint, which applies deletes, patches, puts and
 *   posts of one zone in one transaction; batches are cut at the plan's limit (Free: 200) without
 *   splitting one endpoint's change.
 * - Proxying (--cloudflare-proxied, the cloudflare-proxied annotation) applies to A/AAAA/CNAME;
 *   TTL 1 means "automatic" and is what proxied records get.
 */
import Cloudflare from 'cloudflare';
import { cloneEndpoint, normalizeDnsName, normalizeTarget, type Endpoint } from '../../model/endpoint.js';
import type { DomainFilter } from '../../domain-filter.js';
import type { Logger } from '../../log.js';
import { BatchPacer, splitChanges, ZoneCache, type Change } from '../batch.js';
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

/** The annotation external-dns reads, carried as a provider-specific property. */
export const PS_PROXIED = 'external-dns.alpha.kubernetes.io/cloudflare-proxied';
/** Cloudflare's "automatic" TTL. */
export const CF_AUTO_TTL = 1;
export const CF_MIN_TTL = 60;
/** Batch size of the Free plan; Pro and above allow 3500. */
export const CF_DEFAULT_BATCH = 200;
export const CF_MAX_BATCH = 3500;
/** Cloudflare's largest dns_records page. */
export const CF_MAX_PER_PAGE = 5000;

const PROXIABLE = new Set(['A', 'AAAA', 'CNAME']);
const READ_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'MX', 'SRV', 'NS', 'CAA', 'PTR', 'NAPTR']);

export interface CloudflareOptions {
  apiToken: string;
  baseURL?: string;
  proxiedByDefault?: boolean;
  recordComment?: string;
  batchSize?: number;
  perPage?: number;
  selection?: ZoneSelection;
  intervalMs?: number;
  cacheMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

interface CfRecord {
  id: string;
  name: string;
  type: string;
  content: string;
  ttl: number;
  proxied?: boolean;
  comment?: string | null;
}

interface BatchOps {
  deletes: { id: string }[];
  patches: (Partial<CfRecord> & { id: string })[];
  posts: Omit<CfRecord, 'id'>[];
}

export class CloudflareProvider implements Provider {
  readonly name = 'cloudflare';
  readonly client: Cloudflare;
  private readonly zoneCache: ZoneCache<Zone>;
  /** Records by zone id and name|type, from the last read (their ids are needed to change them). */
  private readonly index = new Map<string, Map<string, CfRecord[]>>();
  lastBatches = 0;
  /** --batch-change-interval between any two batches, across zones and runs. */
  private readonly pacer: BatchPacer;

  constructor(private readonly opts: CloudflareOptions) {
    this.pacer = new BatchPacer(opts.intervalMs ?? 0);
    this.client = new Cloudflare({
      apiToken: opts.apiToken,
      // only the token given here; the SDK would otherwise also read CLOUDFLARE_* variables itself
      apiKey: null,
      apiEmail: null,
      userServiceKey: null,
      ...(opts.baseURL ? { baseURL: opts.baseURL } : {}),
      // retries are ours (withRetry per batch), so a throttled run resumes at its batch
      maxRetries: 0,
    });
    this.zoneCache = new ZoneCache(opts.cacheMs ?? 0);
  }

  domainFilter(): DomainFilter | undefined {
    return this.opts.selection?.domainFilter;
  }

  async zones(): Promise<Zone[]> {
    return this.zoneCache.get(async () => {
      const out: Zone[] = [];
      for (let page = 1; ; page++) {
        const res = await this.call('list zones', () => this.client.zones.list({ page, per_page: 50 }));
        for (const z of res.result) {
          const zone: Zone = { id: z.id, name: normalizeDnsName(z.name) };
          if (selectZone(this.opts.selection ?? {}, zone)) out.push(zone);
        }
        if (!hasMore(res.result.length, res.result_info, page, 50)) break;
      }
      return out;
    });
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const zone of await this.zones()) {
      const byKey = await this.loadZone(zone);
      for (const recs of byKey.values()) {
        const first = recs[0];
        const type = first.type;
        const ep: Endpoint = {
          dnsName: normalizeDnsName(first.name),
          recordType: type,
          targets: recs.map((r) =>
            type === 'TXT' ? unquoteTxt(r.content) : normalizeTarget(type, r.content),
          ),
          labels: {},
        };
        if (first.ttl !== CF_AUTO_TTL) ep.ttl = first.ttl;
        if (PROXIABLE.has(type))
          ep.providerSpecific = { [PS_PROXIED]: String(recs.some((r) => r.proxied === true)) };
        out.push(ep);
      }
    }
    return out;
  }

  /** Sets the proxied property as Cloudflare will store it, and the TTL it will report. */
  adjustEndpoints(endpoints: Endpoint[]): Endpoint[] {
    return endpoints.map((src) => {
      const ep = cloneEndpoint(src);
      const ps = { ...(ep.providerSpecific ?? {}) };
      if (PROXIABLE.has(ep.recordType)) {
        const asked = ps[PS_PROXIED];
        let proxied = asked === undefined ? this.opts.proxiedByDefault === true : asked === 'true';
        // external-dns never proxies wildcard records
        if (ep.dnsName.startsWith('*')) proxied = false;
        ps[PS_PROXIED] = String(proxied);
        if (proxied) delete ep.ttl;
      } else {
        delete ps[PS_PROXIED];
      }
      if (ep.ttl !== undefined && ep.ttl < CF_MIN_TTL) ep.ttl = CF_MIN_TTL;
      if (Object.keys(ps).length) ep.providerSpecific = ps;
      else delete ep.providerSpecific;
      return ep;
    });
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const byZone = changesByZone(await this.zones(), changes, {
      provider: this.name,
      logger: this.opts.logger,
    });
    this.lastBatches = 0;
    for (const [zone, list] of byZone) {
      let index = this.index.get(zone.id);
      if (!index && list.some((c) => c.action !== 'create')) index = await this.loadZone(zone);
      const idx = index ?? new Map<string, CfRecord[]>();
      this.index.set(zone.id, idx);
      const opsOf = new Map<Change, BatchOps>();
      for (const ch of list) opsOf.set(ch, this.opsFor(ch, idx));
      const batches = splitChanges(list, {
        maxChanges: this.opts.batchSize ?? CF_DEFAULT_BATCH,
        cost: (c) => Math.max(1, count(opsOf.get(c)!)),
      });
      this.lastBatches += await sendBatches(
        batches,
        async (batch) => {
          const ops: BatchOps = { deletes: [], patches: [], posts: [] };
          for (const c of batch) {
            const o = opsOf.get(c)!;
            ops.deletes.push(...o.deletes);
            ops.patches.push(...o.patches);
            ops.posts.push(...o.posts);
          }
          if (count(ops) === 0) return;
          const res = (await this.call(`apply ${count(ops)} record changes in ${zone.name}`, () =>
            this.client.dns.records.batch({
              zone_id: zone.id,
              ...(ops.deletes.length ? { deletes: ops.deletes } : {}),
              ...(ops.patches.length ? { patches: ops.patches as never } : {}),
              ...(ops.posts.length ? { posts: ops.posts as never } : {}),
            }),
          )) as { deletes?: CfRecord[]; patches?: CfRecord[]; posts?: CfRecord[] };
          this.track(idx, res);
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

  /** The batch operations for one change, using the records' ids from the index. */
  private opsFor(ch: Change, idx: Map<string, CfRecord[]>): BatchOps {
    const ops: BatchOps = { deletes: [], patches: [], posts: [] };
    const existing = (ep: Endpoint) => idx.get(key(ep.dnsName, ep.recordType)) ?? [];
    if (ch.action === 'delete') {
      const wanted = ch.record.targets.map((t) => contentOf(ch.record.recordType, t));
      for (const r of existing(ch.record))
        if (wanted.some((c) => sameContent(r, c))) ops.deletes.push({ id: r.id });
      return ops;
    }
    const fields = this.fieldsOf(ch.record);
    const wantContents = ch.record.targets.map((t) => contentOf(ch.record.recordType, t));
    if (ch.action === 'create') {
      for (const content of wantContents) ops.posts.push({ ...fields, content });
      return ops;
    }
    // update: keep records whose content stays (patched if ttl/proxied/comment change), re-use removed ones for new contents
    const current = existing(ch.old);
    const same = sameContent;
    const kept = current.filter((r) => wantContents.some((c) => same(r, c)));
    const removed = current.filter((r) => !kept.includes(r));
    const added = wantContents.filter((c) => !kept.some((r) => same(r, c)));
    for (const r of kept) {
      if (
        r.ttl !== fields.ttl ||
        (r.proxied ?? false) !== (fields.proxied ?? false) ||
        (fields.comment !== undefined && r.comment !== fields.comment)
      )
        ops.patches.push({ id: r.id, ...fields, content: r.content });
    }
    for (const c of added) {
      const reuse = removed.shift();
      if (reuse) ops.patches.push({ id: reuse.id, ...fields, content: c });
      else ops.posts.push({ ...fields, content: c });
    }
    for (const r of removed) ops.deletes.push({ id: r.id });
    return ops;
  }

  private fieldsOf(ep: Endpoint): Omit<CfRecord, 'id' | 'content'> {
    const proxied = PROXIABLE.has(ep.recordType) && ep.providerSpecific?.[PS_PROXIED] === 'true';
    const f: Omit<CfRecord, 'id' | 'content'> = {
      name: ep.dnsName,
      type: ep.recordType,
      ttl: proxied ? CF_AUTO_TTL : (ep.ttl ?? CF_AUTO_TTL),
    };
    if (PROXIABLE.has(ep.recordType)) f.proxied = proxied;
    if (this.opts.recordComment) f.comment = this.opts.recordComment;
    return f;
  }

  private async loadZone(zone: Zone): Promise<Map<string, CfRecord[]>> {
    const perPage = Math.min(this.opts.perPage ?? CF_MAX_PER_PAGE, CF_MAX_PER_PAGE);
    const byKey = new Map<string, CfRecord[]>();
    for (let page = 1; ; page++) {
      const res = await this.call(`list records of ${zone.name}`, () =>
        this.client.dns.records.list({ zone_id: zone.id, page, per_page: perPage }),
      );
      for (const raw of res.result as unknown as CfRecord[]) {
        if (!READ_TYPES.has(raw.type)) continue;
        const k = key(normalizeDnsName(raw.name), raw.type);
        const list = byKey.get(k);
        const rec: CfRecord = {
          id: raw.id,
          name: raw.name,
          type: raw.type,
          content: raw.content,
          ttl: raw.ttl,
          proxied: raw.proxied,
          comment: raw.comment,
        };
        if (list) list.push(rec);
        else byKey.set(k, [rec]);
      }
      if (!hasMore(res.result.length, res.result_info, page, perPage)) break;
    }
    this.index.set(zone.id, byKey);
    return byKey;
  }

  /** Keeps the id index in step with a batch's result, so a later change in this run finds its records. */
  private track(
    idx: Map<string, CfRecord[]>,
    res: { deletes?: CfRecord[]; patches?: CfRecord[]; posts?: CfRecord[] },
  ): void {
    const drop = (id: string) => {
      for (const [k, list] of idx) {
        const i = list.findIndex((r) => r.id === id);
        if (i >= 0) {
          list.splice(i, 1);
          if (!list.length) idx.delete(k);
          return;
        }
      }
    };
    const add = (r: CfRecord) => {
      const k = key(normalizeDnsName(r.name), r.type);
      const list = idx.get(k);
      if (list) list.push(r);
      else idx.set(k, [r]);
    };
    for (const r of res.deletes ?? []) drop(r.id);
    for (const r of res.patches ?? []) {
      drop(r.id);
      add(r);
    }
    for (const r of res.posts ?? []) add(r);
  }

  private call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(
      what,
      fn,
      (w, e) => {
        const status = (e as { status?: number }).status;
        return providerError(this.name, w, e, retryableStatus(status));
      },
      { provider: this.name, retry: this.opts.retry, logger: this.opts.logger },
    );
  }
}

function sameContent(r: CfRecord, content: string): boolean {
  return r.type === 'TXT'
    ? unquoteTxt(r.content) === unquoteTxt(content)
    : normalizeTarget(r.type, r.content) === content;
}

function key(name: string, type: string): string {
  return `${name}|${type}`;
}

function count(o: BatchOps): number {
  return o.deletes.length + o.patches.length + o.posts.length;
}

/** TXT content as Cloudflare documents it: quoted character-strings of at most 255 bytes. */
function contentOf(type: string, target: string): string {
  return type === 'TXT' ? quoteTxt(target) : target;
}

function hasMore(got: number, resultInfo: unknown, page: number, perPage: number): boolean {
  const info = resultInfo as { total_pages?: number } | undefined;
  if (info?.total_pages !== undefined) return page < info.total_pages;
  return got >= perPage;
}
