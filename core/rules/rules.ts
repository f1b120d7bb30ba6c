/**
 * Every validation rule, written once. A rule looks at one claim of one object and returns a
 * Violation or nothing; it never throws and never calls a provider.
 */
import ipaddr from 'ipaddr.js';
import type { DomainFilter } from '../domain-filter.js';
import type { OwnershipIndex } from '../ownership.js';
import type { ClaimIndex } from '../claim-index.js';
import { describeRef } from '../objects.js';
import { MAX_TTL } from '../hostnames/annotations.js';
import { isIPv4, isIPv6 } from '../hostnames/targets.js';
import type { Claim, Extraction, RuleId, Violation } from './types.js';

export interface RuleContext {
  ownerId: string;
  domainFilter: DomainFilter;
  managedRecordTypes: readonly string[];
  /** --public-zone: names in these zones must not point at private addresses. */
  publicZones?: DomainFilter;
  /** Ownership read from the provider; when absent the ownership rule is skipped. */
  ownership?: OwnershipIndex;
  /** Other objects' claims (input files, or the cluster's watch cache). */
  claims?: ClaimIndex;
  /** --min-ttl: a TTL below it is a warning. */
  minTtl?: number;
}

export type Rule = (claim: Claim, x: Extraction, ctx: RuleContext) => Violation | undefined;

const v = (claim: Claim, rule: RuleId, message: string, fix: string): Violation => ({
  hostname: claim.hostname,
  rule,
  message,
  fix,
  field: claim.field,
  ...(claim.recordType ? { recordType: claim.recordType } : {}),
});

const LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Service labels such as _acme-challenge or _tcp, allowed for record types that use them. */
const UNDERSCORE_LABEL_RE = /^_[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;

/** RFC 1123 hostname check; returns what is wrong, or undefined. */
export function hostnameProblem(name: string, recordType?: string): string | undefined {
  if (name === '') return 'empty hostname';
  if (name.length > 253) return `name is ${name.length} characters, over 253`;
  const labels = name.split('.');
  const underscoreOk = recordType !== undefined && !['A', 'AAAA', 'CNAME'].includes(recordType);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === '') return 'empty label (two dots in a row, or a leading dot)';
    if (l.length > 63) return `label "${l.slice(0, 20)}…" is ${l.length} characters, over 63`;
    if (l === '*') {
      if (i !== 0) return 'a wildcard is only allowed as the whole first label';
      continue;
    }
    if (l.includes('*')) return `"${l}": a wildcard must be the whole first label`;
    if (LABEL_RE.test(l)) continue;
    if (underscoreOk && UNDERSCORE_LABEL_RE.test(l)) continue;
    if (/^-|-$/.test(l)) return `label "${l}" starts or ends with a hyphen`;
    return `label "${l}" has characters outside a-z, 0-9 and hyphen`;
  }
  if (labels.length < 2) return 'not a fully qualified name (no dot)';
  return undefined;
}

export const hostnameRule: Rule = (claim) => {
  const p = hostnameProblem(claim.hostname, claim.recordType);
  return p ? v(claim, 'hostname', `invalid hostname: ${p}`, 'use an RFC 1123 name: labels of a-z, 0-9 and -, at most 63 characters each, 253 in all, * only as the whole first label') : undefined;
};

export const domainFilterRule: Rule = (claim, _x, ctx) => {
  if (ctx.domainFilter.match(claim.hostname)) return undefined;
  if (ctx.domainFilter.excluded(claim.hostname)) {
    return v(claim, 'domain-filter', `excluded by ${ctx.domainFilter.exclude.length ? `[${ctx.domainFilter.exclude.join(', ')}]` : ctx.domainFilter.describe()}`, 'use a hostname outside the excluded domains');
  }
  return v(claim, 'domain-filter', `not in ${ctx.domainFilter.describe()}`, `use a hostname under ${ctx.domainFilter.describe()}, or have the allowed domains (--domain-filter) extended`);
};

export const recordTypeRule: Rule = (claim, _x, ctx) => {
  if (!claim.recordType || ctx.managedRecordTypes.includes(claim.recordType)) return undefined;
  return v(claim, 'record-type', `record type ${claim.recordType} is not managed [${ctx.managedRecordTypes.join(', ')}]`, `use one of ${ctx.managedRecordTypes.join(', ')}, or have --managed-record-types extended`);
};

export const targetRule: Rule = (claim) => {
  const t = claim.recordType;
  if (!t) return undefined;
  if (claim.targets.length === 0) {
    return v(claim, 'target', `${t} record has no targets`, 'list at least one target');
  }
  for (const target of claim.targets) {
    if (t === 'A' && !isIPv4(target)) return v(claim, 'target', `A record target "${target}" is not an IPv4 address`, 'use a dotted-quad IPv4 address, or record type CNAME for a hostname');
    if (t === 'AAAA' && !isIPv6(target)) return v(claim, 'target', `AAAA record target "${target}" is not an IPv6 address`, 'use an IPv6 address');
    if (t === 'CNAME') {
      if (isIPv4(target) || isIPv6(target)) return v(claim, 'target', `CNAME target "${target}" is an IP address`, 'use record type A or AAAA for addresses');
      const p = hostnameProblem(target.replace(/\.$/, ''), 'CNAME');
      if (p) return v(claim, 'target', `CNAME target "${target}" is not a valid hostname: ${p}`, 'point the CNAME at a valid hostname');
    }
  }
  if (t === 'CNAME' && claim.targets.length > 1) {
    return v(claim, 'target', `CNAME has ${claim.targets.length} targets (${claim.targets.join(', ')}); a CNAME has exactly one`, 'keep one target, or publish the addresses as A/AAAA records');
  }
  if (t === 'CNAME' && claim.targets[0] === claim.hostname) return v(claim, 'target', 'CNAME points at itself', 'point the CNAME at another name');
  return undefined;
};

export const ttlRule: Rule = (claim) => {
  if (claim.ttl === undefined) return undefined;
  if (!Number.isInteger(claim.ttl) || claim.ttl < 1 || claim.ttl > MAX_TTL) {
    return v(claim, 'ttl', `TTL ${claim.ttl} is not an integer in 1..${MAX_TTL}`, 'use a whole number of seconds, e.g. 300');
  }
  return undefined;
};

const PRIVATE_RANGES = new Set(['private', 'loopback', 'linkLocal', 'uniqueLocal', 'carrierGradeNat', 'unspecified']);

/** Addresses repeat across reviews (a load balancer's few IPs): classify each once. */
const rangeCache = new Map<string, string | undefined>();
const RANGE_CACHE_MAX = 4096;

/** The non-public range an address is in (private, loopback, …), or undefined. */
export function isNonPublicAddress(ip: string): string | undefined {
  if (rangeCache.has(ip)) return rangeCache.get(ip);
  if (rangeCache.size >= RANGE_CACHE_MAX) rangeCache.clear();
  const range = classify(ip);
  rangeCache.set(ip, range);
  return range;
}

function classify(ip: string): string | undefined {
  try {
    let addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    const range = addr.range();
    return PRIVATE_RANGES.has(range) ? range : undefined;
  } catch {
    return undefined;
  }
}

export const publicPrivateRule: Rule = (claim, _x, ctx) => {
  if (!ctx.publicZones || !ctx.publicZones.isConfigured() || !ctx.publicZones.match(claim.hostname)) return undefined;
  if (claim.recordType !== 'A' && claim.recordType !== 'AAAA') return undefined;
  for (const t of claim.targets) {
    const range = isNonPublicAddress(t);
    if (range) {
      return v(claim, 'public-private', `${range} address ${t} in public zone ${ctx.publicZones.describe()}`, 'publish private addresses only in a private zone, or use a public address');
    }
  }
  return undefined;
};

export const ownershipRule: Rule = (claim, _x, ctx) => {
  if (!ctx.ownership) return undefined;
  const blocker = ctx.ownership.blockerFor(claim.hostname, claim.recordType ?? 'CNAME', ctx.ownerId);
  if (!blocker) return undefined;
  if (blocker.owner === '') {
    return v(claim, 'ownership', `${blocker.recordType} record exists with no ownership record (not managed by any external-dns/zoneguard owner)`, 'pick another hostname, or have the zone owner delete the record or add a TXT ownership record for this owner id');
  }
  const what = blocker.orphan ? 'ownership record' : `${blocker.recordType} record`;
  return v(claim, 'ownership', `${what} owned by "${blocker.owner}"${blocker.resource ? ` (${blocker.resource})` : ''}, not "${ctx.ownerId}"`, `pick another hostname, or release it from owner "${blocker.owner}" first`);
};

export const duplicateRule: Rule = (claim, x, ctx) => {
  if (!ctx.claims) return undefined;
  const others = ctx.claims.claimants(claim.hostname, claim.recordType, x.ref);
  if (others.length === 0) return undefined;
  const names = others.map(describeRef).join(', ');
  return v(claim, 'duplicate', `also claimed by ${names}`, `use a different hostname, or remove it from ${names}`);
};

/** Order matters only for reading: cheap, local checks first. */
export const RULES: readonly [RuleId, Rule][] = [
  ['hostname', hostnameRule],
  ['domain-filter', domainFilterRule],
  ['record-type', recordTypeRule],
  ['target', targetRule],
  ['ttl', ttlRule],
  ['public-private', publicPrivateRule],
  ['ownership', ownershipRule],
  ['duplicate', duplicateRule],
];
