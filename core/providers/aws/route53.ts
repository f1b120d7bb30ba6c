/**
 * Route 53 (external-dns's --provider=aws) through @aws-sdk/client-route-53.
 * - Zones: ListHostedZones, filtered by --aws-zone-type, domain filter, zone id and zone name.
 * - Records: ListResourceRecordSets page by page; alias A/AAAA records read as A/AAAA endpoints
 *   with providerSpecific alias=true, so a planned alias round-trips without churn.
 * - Changes: CREATE / UPSERT / DELETE in ChangeResourceRecordSets batches within Route 53's
 *   limits (1000 ResourceRecord elements and 32,000 value characters per request, an UPSERT
 *   counting twice); a throttled batch is retried with jitter and the run resumes there.
 */
import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  paginateListHostedZones,
  ListTagsForResourcesCommand,
  Route53Client,
  type Change as R53Change,
  type ResourceRecordSet,
  type RRType,
  type Route53ClientConfig,
} from '@aws-sdk/client-route-53';
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
import { zoneFor, type ApplyOptions, type Provider, type Zone } from '../provider.js';
import { type Changes } from '../../model/changes.js';
import { canonicalHostedZone } from './alias.js';

/** external-dns's Route 53 default TTL. */
export const ROUTE53_DEFAULT_TTL = 300;
/** Route 53's documented limits for one ChangeResourceRecordSets request. */
export const ROUTE53_MAX_VALUES = 1000;
export const ROUTE53_MAX_CHARS = 32_000;

export const PS_ALIAS = 'alias';
export const PS_EVALUATE_TARGET_HEALTH = 'aws/evaluate-target-health';
export const PS_WEIGHT = 'aws/weight';
export const PS_REGION = 'aws/region';
export const PS_FAILOVER = 'aws/failover';
export const PS_GEO_CONTINENT = 'aws/geolocation-continent-code';
export const PS_GEO_COUNTRY = 'aws/geolocation-country-code';
export const PS_GEO_SUBDIVISION = 'aws/geolocation-subdivision-code';
export const PS_MULTI_VALUE = 'aws/multi-value-answer';
export const PS_HEALTH_CHECK = 'aws/health-check-id';

/** Routing policies (external-dns's aws-* annotations); a record set has at most one, with a SetIdentifier. */
const ROUTING_KEYS = [
  PS_WEIGHT,
  PS_REGION,
  PS_FAILOVER,
  PS_GEO_CONTINENT,
  PS_GEO_COUNTRY,
  PS_GEO_SUBDIVISION,
  PS_MULTI_VALUE,
];
/** Every provider-specific property Route 53 stores; anything else would never read back equal. */
const ROUTE53_KEYS = new Set([PS_ALIAS, PS_EVALUATE_TARGET_HEALTH, PS_HEALTH_CHECK, ...ROUTING_KEYS]);

/** The form Route 53 gives back, so a desired record compares equal with what was written. */
function normalizeRouting(ps: Record<string, string>): void {
  if (ps[PS_WEIGHT] !== undefined) ps[PS_WEIGHT] = String(Math.trunc(Number(ps[PS_WEIGHT])));
  if (ps[PS_FAILOVER] !== undefined) ps[PS_FAILOVER] = ps[PS_FAILOVER].toUpperCase();
  for (const k of [PS_GEO_CONTINENT, PS_GEO_COUNTRY, PS_GEO_SUBDIVISION])
    if (ps[k] !== undefined) ps[k] = ps[k].toUpperCase();
  if (ps[PS_MULTI_VALUE] !== undefined)
    ps[PS_MULTI_VALUE] = String(ps[PS_MULTI_VALUE].toLowerCase() === 'true');
}

const READ_TYPES = new Set(['A', 'AAAA', 'CNAME', 'TXT', 'SRV', 'MX', 'NS', 'NAPTR', 'PTR', 'CAA']);

export interface Route53Options {
  region?: string;
  /** Endpoint override (moto, LocalStack, VPC endpoints). */
  endpoint?: string;
  /** Explicit credentials (tests) or a provider (assume role); default: the SDK's standard chain. */
  credentials?: Route53ClientConfig['credentials'];
  profile?: string;
  zoneType?: '' | 'public' | 'private';
  selection?: ZoneSelection;
  batchChangeSize?: number;
  batchChangeSizeBytes?: number;
  preferCname?: boolean;
  /** --aws-evaluate-target-health: EvaluateTargetHealth of alias records that do not say (default true). */
  evaluateTargetHealth?: boolean;
  /** --aws-zone-tags: key=value or key; a zone is kept when it has every one (ListTagsForResources). */
  zoneTags?: readonly string[];
  /** ListResourceRecordSets MaxItems (Route 53's own maximum is 300). */
  pageSize?: number;
  intervalMs?: number;
  cacheMs?: number;
  retry?: RetryOptions;
  logger?: Logger;
}

interface HostedZone extends Zone {
  fullId: string;
}

export class Route53Provider implements Provider {
  readonly name = 'aws';
  readonly client: Route53Client;
  private readonly zoneCache: ZoneCache<HostedZone>;
  /** Batches sent by the last applyChanges (bench and tests read it). */
  lastBatches = 0;
  /** --batch-change-interval between any two batches, across zones and runs. */
  private readonly pacer: BatchPacer;

  constructor(private readonly opts: Route53Options = {}) {
    this.pacer = new BatchPacer(opts.intervalMs ?? 0);
    this.client = new Route53Client({
      region: opts.region ?? 'us-east-1',
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      ...(opts.profile ? { profile: opts.profile } : {}),
      // retries are ours (withRetry per batch), so a throttled run resumes at its batch
      maxAttempts: 1,
    });
    this.zoneCache = new ZoneCache(opts.cacheMs ?? 0);
  }

  domainFilter(): DomainFilter | undefined {
    return this.opts.selection?.domainFilter;
  }

  async zones(): Promise<HostedZone[]> {
    return this.zoneCache.get(async () => {
      const out: HostedZone[] = [];
      const pages = await this.withThrottleRetry('list hosted zones', async () => {
        const all = [];
        for await (const page of paginateListHostedZones({ client: this.client }, {})) all.push(page);
        return all;
      });
      {
        for (const page of pages) {
          for (const hz of page.HostedZones ?? []) {
            const fullId = hz.Id ?? '';
            const zone: HostedZone = {
              id: fullId.replace(/^\/hostedzone\//, ''),
              fullId,
              name: normalizeDnsName(unescapeName(hz.Name ?? '')),
              visibility: hz.Config?.PrivateZone ? 'private' : 'public',
            };
            const type = this.opts.zoneType ?? '';
            if (type && zone.visibility !== type) continue;
            if (!selectZone(this.opts.selection ?? {}, zone, [zone.id, fullId])) continue;
            out.push(zone);
          }
        }
      }
      return this.opts.zoneTags?.length ? this.withTags(out, parseZoneTags(this.opts.zoneTags)) : out;
    });
  }

  /** The zones that carry every tag of --aws-zone-tags (external-dns provider/zone_tag_filter.go). */
  private async withTags(zones: HostedZone[], want: ReadonlyMap<string, string>): Promise<HostedZone[]> {
    const kept: HostedZone[] = [];
    // ListTagsForResources takes at most 10 ids a call
    for (let i = 0; i < zones.length; i += 10) {
      const chunk = zones.slice(i, i + 10);
      const res = await this.withThrottleRetry('list tags of hosted zones', () =>
        this.client.send(
          new ListTagsForResourcesCommand({
            ResourceType: 'hostedzone',
            ResourceIds: chunk.map((z) => z.id),
          }),
        ),
      );
      const tagsOf = new Map<string, Map<string, string>>();
      for (const set of res.ResourceTagSets ?? [])
        tagsOf.set(
          (set.ResourceId ?? '').replace(/^\/hostedzone\//, ''),
          new Map((set.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
        );
      for (const z of chunk) if (zoneTagsMatch(want, tagsOf.get(z.id) ?? new Map())) kept.push(z);
    }
    return kept;
  }

  async records(): Promise<Endpoint[]> {
    const out: Endpoint[] = [];
    for (const zone of await this.zones()) {
      let next: { name?: string; type?: RRType; id?: string } | undefined = {};
      while (next) {
        const cursor: { name?: string; type?: RRType; id?: string } = next;
        const page = await this.withThrottleRetry(`list records of ${zone.name}`, () =>
          this.client.send(
            new ListResourceRecordSetsCommand({
              HostedZoneId: zone.fullId,
              ...(this.opts.pageSize ? { MaxItems: this.opts.pageSize } : {}),
              ...(cursor.name
                ? {
                    StartRecordName: cursor.name,
                    StartRecordType: cursor.type,
                    StartRecordIdentifier: cursor.id,
                  }
                : {}),
            }),
          ),
        );
        for (const rs of page.ResourceRecordSets ?? []) {
          const ep = endpointOf(rs, zone);
          if (ep) out.push(ep);
        }
        next = page.IsTruncated
          ? { name: page.NextRecordName, type: page.NextRecordType, id: page.NextRecordIdentifier }
          : undefined;
      }
    }
    return out;
  }

  /** CNAMEs to AWS load balancers / CloudFront become alias A records; alias records carry no TTL. */
  private evaluateTargetHealthOf(ps: Readonly<Record<string, string>>): boolean {
    const v = ps[PS_EVALUATE_TARGET_HEALTH];
    if (v !== undefined && ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (v !== undefined && ['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
    return this.opts.evaluateTargetHealth ?? true;
  }

  adjustEndpoints(endpoints: Endpoint[]): Endpoint[] {
    return endpoints.map((src) => {
      const ep = cloneEndpoint(src);
      const ps: Record<string, string> = {};
      for (const [k, v] of Object.entries(ep.providerSpecific ?? {})) if (ROUTE53_KEYS.has(k)) ps[k] = v;
      // a routing policy needs a SetIdentifier; without one Route 53 has none to apply
      if (!ep.setIdentifier) for (const k of ROUTING_KEYS) delete ps[k];
      normalizeRouting(ps);
      const asked = ps[PS_ALIAS];
      let alias =
        asked === 'true' && (ep.recordType === 'A' || ep.recordType === 'AAAA' || ep.recordType === 'CNAME');
      if (
        ep.recordType === 'CNAME' &&
        asked !== 'false' &&
        !this.opts.preferCname &&
        ep.targets.length === 1 &&
        canonicalHostedZone(ep.targets[0])
      )
        alias = true;
      if (alias) {
        if (ep.recordType === 'CNAME') ep.recordType = 'A';
        ps[PS_ALIAS] = 'true';
        // the annotation when it is a boolean (Go's ParseBool), else --aws-evaluate-target-health
        ps[PS_EVALUATE_TARGET_HEALTH] = String(this.evaluateTargetHealthOf(ps));
        delete ep.ttl;
      } else {
        delete ps[PS_ALIAS];
        delete ps[PS_EVALUATE_TARGET_HEALTH];
      }
      if (Object.keys(ps).length) ep.providerSpecific = ps;
      else delete ep.providerSpecific;
      return ep;
    });
  }

  async applyChanges(changes: Changes, apply: ApplyOptions = {}): Promise<void> {
    const zones = await this.zones();
    const byZone = changesByZone(zones, changes, { provider: this.name, logger: this.opts.logger });
    this.lastBatches = 0;
    for (const [zone, list] of byZone) {
      const batches = splitChanges(list, {
        maxChanges: this.opts.batchChangeSize ?? ROUTE53_MAX_VALUES,
        // Route 53 counts ResourceRecord elements, an UPSERT twice
        cost: (c) => Math.max(1, c.record.targets.length) * (c.action === 'update' ? 2 : 1),
        maxSize: this.opts.batchChangeSizeBytes ?? ROUTE53_MAX_CHARS,
        size: (c) => valueChars(this.toRecordSet(c.record, zones)) * (c.action === 'update' ? 2 : 1),
      });
      this.lastBatches += await sendBatches(
        batches,
        async (batch) => {
          try {
            await this.client.send(
              new ChangeResourceRecordSetsCommand({
                HostedZoneId: zone.fullId,
                ChangeBatch: { Changes: batch.map((c) => this.toChange(c, zones)) },
              }),
            );
          } catch (e) {
            throw this.error(`change ${batch.length} record sets in ${zone.name}`, e);
          }
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

  async close(): Promise<void> {
    this.client.destroy();
  }

  private toChange(c: Change, zones: readonly HostedZone[]): R53Change {
    if (c.action === 'create')
      return { Action: 'CREATE', ResourceRecordSet: this.toRecordSet(c.record, zones) };
    if (c.action === 'delete')
      return { Action: 'DELETE', ResourceRecordSet: this.toRecordSet(c.record, zones) };
    return { Action: 'UPSERT', ResourceRecordSet: this.toRecordSet(c.record, zones) };
  }

  private toRecordSet(ep: Endpoint, zones: readonly HostedZone[]): ResourceRecordSet {
    const rs: ResourceRecordSet = { Name: ep.dnsName, Type: ep.recordType as RRType };
    const ps = ep.providerSpecific ?? {};
    if (ep.setIdentifier) {
      rs.SetIdentifier = ep.setIdentifier;
      if (ps[PS_WEIGHT] !== undefined) rs.Weight = Number(ps[PS_WEIGHT]);
      else if (ps[PS_REGION] !== undefined) rs.Region = ps[PS_REGION] as ResourceRecordSet['Region'];
      else if (ps[PS_FAILOVER] !== undefined) rs.Failover = ps[PS_FAILOVER] as ResourceRecordSet['Failover'];
      else if (ps[PS_GEO_CONTINENT] !== undefined || ps[PS_GEO_COUNTRY] !== undefined) {
        rs.GeoLocation = {
          ...(ps[PS_GEO_CONTINENT] !== undefined ? { ContinentCode: ps[PS_GEO_CONTINENT] } : {}),
          ...(ps[PS_GEO_COUNTRY] !== undefined ? { CountryCode: ps[PS_GEO_COUNTRY] } : {}),
          ...(ps[PS_GEO_SUBDIVISION] !== undefined ? { SubdivisionCode: ps[PS_GEO_SUBDIVISION] } : {}),
        };
      } else if (ps[PS_MULTI_VALUE] !== undefined) rs.MultiValueAnswer = ps[PS_MULTI_VALUE] === 'true';
    }
    if (ps[PS_HEALTH_CHECK]) rs.HealthCheckId = ps[PS_HEALTH_CHECK];
    if (ep.providerSpecific?.[PS_ALIAS] === 'true' && ep.recordType !== 'TXT') {
      const target = ep.targets[0] ?? '';
      // an alias to an AWS service names that service's zone, else a record in one of our zones
      const hz = canonicalHostedZone(target) ?? zoneFor(zones, target)?.id ?? '';
      rs.AliasTarget = {
        DNSName: target,
        HostedZoneId: hz,
        EvaluateTargetHealth: this.evaluateTargetHealthOf(ep.providerSpecific),
      };
      return rs;
    }
    rs.TTL = ep.ttl ?? ROUTE53_DEFAULT_TTL;
    rs.ResourceRecords = ep.targets.map((t) => ({ Value: ep.recordType === 'TXT' ? quoteTxt(t) : t }));
    return rs;
  }

  private withThrottleRetry<T>(what: string, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(what, fn, (w: string, e: unknown) => this.error(w, e), {
      provider: this.name,
      retry: this.opts.retry,
      logger: this.opts.logger,
    });
  }

  private error(what: string, e: unknown) {
    return providerError(this.name, what, e, isRetryable(e));
  }
}

/** Route 53 throttling (Throttling, PriorRequestNotComplete), HTTP 429 and 5xx are worth retrying. */
export function isRetryable(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  if (
    err?.name === 'Throttling' ||
    err?.name === 'ThrottlingException' ||
    err?.name === 'PriorRequestNotComplete'
  )
    return true;
  return retryableStatus(err?.$metadata?.httpStatusCode) || err?.name === 'TimeoutError';
}

/** Route 53 escapes characters outside [a-z0-9-_.] as \ooo (octal), e.g. * as \052. */
export function unescapeName(name: string): string {
  return name.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

function endpointOf(rs: ResourceRecordSet, zone: HostedZone): Endpoint | undefined {
  const type = rs.Type ?? '';
  if (!READ_TYPES.has(type)) return undefined;
  const name = normalizeDnsName(unescapeName(rs.Name ?? ''));
  if (type === 'NS' && name === zone.name) return undefined; // the zone's own delegation
  const ep: Endpoint = { dnsName: name, recordType: type, targets: [], labels: {} };
  const ps: Record<string, string> = {};
  if (rs.SetIdentifier) {
    ep.setIdentifier = rs.SetIdentifier;
    if (rs.Weight !== undefined) ps[PS_WEIGHT] = String(rs.Weight);
    if (rs.Region) ps[PS_REGION] = rs.Region;
    if (rs.Failover) ps[PS_FAILOVER] = rs.Failover;
    if (rs.GeoLocation?.ContinentCode) ps[PS_GEO_CONTINENT] = rs.GeoLocation.ContinentCode;
    if (rs.GeoLocation?.CountryCode) ps[PS_GEO_COUNTRY] = rs.GeoLocation.CountryCode;
    if (rs.GeoLocation?.SubdivisionCode) ps[PS_GEO_SUBDIVISION] = rs.GeoLocation.SubdivisionCode;
    if (rs.MultiValueAnswer !== undefined) ps[PS_MULTI_VALUE] = String(rs.MultiValueAnswer);
  }
  if (rs.HealthCheckId) ps[PS_HEALTH_CHECK] = rs.HealthCheckId;
  if (Object.keys(ps).length) ep.providerSpecific = ps;
  if (rs.AliasTarget) {
    ep.targets = [normalizeDnsName(rs.AliasTarget.DNSName ?? '')];
    ep.providerSpecific = {
      ...ep.providerSpecific,
      [PS_ALIAS]: 'true',
      [PS_EVALUATE_TARGET_HEALTH]: String(rs.AliasTarget.EvaluateTargetHealth ?? false),
    };
    return ep;
  }
  ep.targets = (rs.ResourceRecords ?? []).map((r) =>
    type === 'TXT' ? unquoteTxt(r.Value ?? '') : normalizeTarget(type, r.Value ?? ''),
  );
  if (rs.TTL !== undefined && rs.TTL > 0) ep.ttl = rs.TTL;
  return ep;
}

function valueChars(rs: ResourceRecordSet): number {
  if (rs.AliasTarget) return (rs.AliasTarget.DNSName ?? '').length;
  return (rs.ResourceRecords ?? []).reduce((n, r) => n + (r.Value ?? '').length, 0);
}

/** --aws-zone-tags values: `key=value` (that value) or `key` (any value); blank keys are ignored. */
export function parseZoneTags(tags: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const tag of tags) {
    const eq = tag.indexOf('=');
    const key = (eq < 0 ? tag : tag.slice(0, eq)).trim();
    if (key) out.set(key, eq < 0 ? '' : tag.slice(eq + 1).trim());
  }
  return out;
}

/** A zone matches when it has every wanted key, with the wanted value unless that is empty. */
export function zoneTagsMatch(want: ReadonlyMap<string, string>, has: ReadonlyMap<string, string>): boolean {
  for (const [k, v] of want) {
    const value = has.get(k);
    if (value === undefined || (v !== '' && value !== v)) return false;
  }
  return true;
}
