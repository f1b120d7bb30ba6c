/**
 * The Endpoint model, as external-dns's endpoint package defines it: one DNS name, one record type,
 * a set of targets, an optional TTL and free-form labels (owner, resource, ...).
 */
import ipaddr from 'ipaddr.js';
import tr46 from 'tr46';

export const RecordType = {
  A: 'A',
  AAAA: 'AAAA',
  CNAME: 'CNAME',
  TXT: 'TXT',
  SRV: 'SRV',
  NS: 'NS',
  MX: 'MX',
  PTR: 'PTR',
  NAPTR: 'NAPTR',
} as const;

/** Record types the TXT registry can encode in an ownership record name (external-dns's supported types). */
export const SUPPORTED_RECORD_TYPES: readonly string[] = [
  'A',
  'AAAA',
  'CNAME',
  'NS',
  'MX',
  'SRV',
  'NAPTR',
  'TXT',
];

export const DEFAULT_MANAGED_RECORD_TYPES: readonly string[] = ['A', 'AAAA', 'CNAME'];

/** Label keys external-dns writes into TXT ownership records. */
export const LabelKey = {
  owner: 'owner',
  resource: 'resource',
  /** Set on a TXT ownership endpoint: the name of the record it owns (never serialized). */
  ownedRecord: 'ownedRecord',
} as const;

export type Labels = Record<string, string>;

export interface Endpoint {
  /** Lower-case, no trailing dot. */
  dnsName: string;
  recordType: string;
  /**
   * A/AAAA: addresses; CNAME: one hostname (no trailing dot); TXT: the text itself, without the
   * surrounding quotes (providers quote as their API wants).
   */
  targets: string[];
  /** Seconds; undefined means "provider default" (external-dns's TTL 0). */
  ttl?: number;
  labels: Labels;
  setIdentifier?: string;
  /** Provider-specific properties (e.g. cloudflare proxied, aws alias), name → value. */
  providerSpecific?: Record<string, string>;
}

/**
 * A DNS name as records carry it: trimmed, lower-case, one trailing dot dropped, and an
 * internationalised name in its ASCII (punycode) form, as external-dns's NormalizeDNSName
 * (internal/idna: IDNA ToASCII, lookup mapping, non-strict so "_" and "*" stay): "Bücher.Example.com"
 * is "xn--bcher-kva.example.com". ASCII input costs one scan. A name IDNA cannot convert is only
 * lower-cased, and the hostname rule then says what is wrong with it.
 */
export function normalizeDnsName(name: string): string {
  let s = name.trim().toLowerCase();
  if (s.endsWith('.')) s = s.slice(0, -1);
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) > 0x7f) return tr46.toASCII(s, IDNA_LOOKUP) ?? s;
  }
  return s;
}

/** Go's idna profile external-dns uses (MapForLookup, Transitional, StrictDomainName(false)). */
const IDNA_LOOKUP = {
  processingOption: 'transitional',
  useSTD3ASCIIRules: false,
  checkHyphens: false,
  verifyDNSLength: false,
} as const;

/** Normalizes a target: hostnames (CNAME and friends) lose a trailing dot and are lower-cased. */
export function normalizeTarget(recordType: string, target: string): string {
  const t = target.trim();
  if (recordType === 'TXT') return t;
  if (recordType === 'AAAA') return t.toLowerCase();
  if (recordType === 'CNAME' || recordType === 'NS' || recordType === 'PTR') return normalizeDnsName(t);
  return t;
}

export function newEndpoint(
  dnsName: string,
  recordType: string,
  targets: string[],
  ttl?: number,
  labels: Labels = {},
): Endpoint {
  const type = recordType.toUpperCase();
  const ep: Endpoint = {
    dnsName: normalizeDnsName(dnsName),
    recordType: type,
    targets: targets.map((t) => normalizeTarget(type, t)),
    labels: { ...labels },
  };
  if (ttl !== undefined && ttl > 0) ep.ttl = ttl;
  return ep;
}

/** Identity of a record set: name, type and set identifier. */
/**
 * Whether two record sets of one name and type are the same set as far as ownership goes: distinct
 * only when both carry set identifiers (Route 53 routing) and these differ.
 */
export function sameRecordSet(a: string | undefined, b: string | undefined): boolean {
  return !a || !b || a === b;
}

export function endpointKey(ep: Pick<Endpoint, 'dnsName' | 'recordType' | 'setIdentifier'>): string {
  return `${ep.dnsName}|${ep.recordType}|${ep.setIdentifier ?? ''}`;
}

/** Targets compared as a set, order-insensitive (external-dns's Targets.Same). */
export function sameTargets(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sa = [...a].sort();
  const sb = [...b].sort();
  return sa.every((v, i) => v === sb[i]);
}

/**
 * external-dns's Targets.IsLess (endpoint/endpoint.go, TestIsLess in endpoint_test.go): the shorter
 * set first; then, on the sorted targets, the first that differ decide: two IP addresses compare as
 * addresses (IPv4 before IPv6, then numerically, as Go's netip.Addr.Less), an IP address comes
 * before a hostname, two hostnames compare as text.
 */
export function targetsLess(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  const sa = [...a].sort();
  const sb = [...b].sort();
  for (let i = 0; i < sa.length; i++) {
    if (sa[i] !== sb[i]) return targetLess(sa[i], sb[i]);
  }
  return false;
}

/** An address as Go's netip.ParseAddr reads one (dotted-quad IPv4 only, no "10.1" shorthand). */
function parseAddress(s: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (ipaddr.IPv6.isValid(s)) return ipaddr.IPv6.parse(s);
  return undefined;
}

function targetLess(a: string, b: string): boolean {
  const ia = parseAddress(a);
  const ib = parseAddress(b);
  if (ia && ib) {
    const ba = ia.toByteArray();
    const bb = ib.toByteArray();
    if (ba.length !== bb.length) return ba.length < bb.length;
    for (let i = 0; i < ba.length; i++) if (ba[i] !== bb[i]) return ba[i] < bb[i];
    return a < b;
  }
  if (ia) return true;
  if (ib) return false;
  return a < b;
}

export function cloneEndpoint(ep: Endpoint): Endpoint {
  const c: Endpoint = { ...ep, targets: [...ep.targets], labels: { ...ep.labels } };
  if (ep.providerSpecific) c.providerSpecific = { ...ep.providerSpecific };
  return c;
}

export function describeEndpoint(ep: Endpoint): string {
  return `${ep.dnsName} ${ep.recordType} ${ep.targets.join(',')}`;
}
