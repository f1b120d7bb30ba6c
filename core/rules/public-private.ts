/** Rule `public-private`: no private, loopback, link-local, ULA or CGNAT address in a --public-zone. */
import ipaddr from 'ipaddr.js';
import { violation as v, type Rule } from './context.js';

const PRIVATE_RANGES = new Set([
  'private',
  'loopback',
  'linkLocal',
  'uniqueLocal',
  'carrierGradeNat',
  'unspecified',
]);

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
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
      addr = (addr as ipaddr.IPv6).toIPv4Address();
    const range = addr.range();
    return PRIVATE_RANGES.has(range) ? range : undefined;
  } catch {
    return undefined;
  }
}

export const publicPrivateRule: Rule = (claim, _x, ctx) => {
  if (!ctx.publicZones || !ctx.publicZones.isConfigured() || !ctx.publicZones.match(claim.hostname))
    return undefined;
  if (claim.recordType !== 'A' && claim.recordType !== 'AAAA') return undefined;
  const found = nonPublicTarget(claim.targets);
  if (!found) return undefined;
  return v(
    claim,
    'public-private',
    `${found[1]} address ${found[0]} in public zone ${ctx.publicZones.describe()}`,
    'publish private addresses only in a private zone, or use a public address',
  );
};

/** A long target list is classified once, not once per name sharing it (see rules/target.ts). */
const classifiedLists = new WeakMap<readonly string[], [string, string] | undefined>();

/** The first non-public address of a list, with its range. */
function nonPublicTarget(targets: readonly string[]): [string, string] | undefined {
  const long = targets.length > 8;
  if (long && classifiedLists.has(targets)) return classifiedLists.get(targets);
  let found: [string, string] | undefined;
  for (const t of targets) {
    const range = isNonPublicAddress(t);
    if (range) {
      found = [t, range];
      break;
    }
  }
  if (long) classifiedLists.set(targets, found);
  return found;
}
