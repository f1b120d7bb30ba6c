import { isIPv4 as netIsIPv4, isIPv6 as netIsIPv6 } from 'node:net';
import type { Claim } from '../model/verdict.js';
import { normalizeDnsName } from '../model/endpoint.js';
import { copyOwn } from '../model/objects.js';

/** A dotted-quad IPv4 address, no leading zeros (Go's net.ParseIP, as external-dns uses it). */
export function isIPv4(s: string): boolean {
  return netIsIPv4(s);
}

/** An IPv6 address without a zone (Go's net.ParseIP rejects "fe80::1%eth0"). */
export function isIPv6(s: string): boolean {
  return netIsIPv6(s) && !s.includes('%');
}

/** external-dns's suitableType: IPv4 → A, IPv6 → AAAA, anything else → CNAME. */
export function recordTypeOfTarget(target: string): 'A' | 'AAAA' | 'CNAME' {
  if (isIPv4(target)) return 'A';
  if (isIPv6(target)) return 'AAAA';
  return 'CNAME';
}

/**
 * Claims for one hostname and a target list: one claim per record type the targets need
 * (external-dns's endpointsForHostname), or one type-less claim when there is no target yet.
 */
export function claimsFor(
  name: string,
  targets: readonly string[],
  base: Omit<Claim, 'hostname' | 'targets' | 'recordType'>,
): Claim[] {
  const hostname = normalizeDnsName(name);
  if (targets.length === 0) return [claimOf(base, hostname, undefined, [])];
  return groupedTargets(targets).map(([recordType, ts]) => claimOf(base, hostname, recordType, ts));
}

/**
 * Long target lists grouped once per list: an object's names share one list (its target
 * annotation, its load balancer's addresses), and grouping it again for each name made a Service
 * of 1,000 names and 17,000 targets (a 211 KB annotation) take seconds. Claims share the grouped
 * lists, which nothing writes to.
 */
const groupedLists = new WeakMap<readonly string[], readonly (readonly [string, string[]])[]>();

function groupedTargets(targets: readonly string[]): readonly (readonly [string, string[]])[] {
  if (targets.length <= 8) return groupTargets(targets);
  let g = groupedLists.get(targets);
  if (!g) groupedLists.set(targets, (g = groupTargets(targets)));
  return g;
}

/** The targets by record type, as published, each once. */
function groupTargets(targets: readonly string[]): (readonly [string, string[]])[] {
  // the usual case, every target of one type (an address or two, a load balancer's name), without
  // the grouping map
  const first = recordTypeOfTarget(targets[0]);
  let oneType = true;
  for (let i = 1; i < targets.length && oneType; i++) oneType = recordTypeOfTarget(targets[i]) === first;
  if (oneType) {
    const list: string[] = [];
    // a Set past a few targets: includes() on every push is quadratic in a long target annotation
    const seen = targets.length > 8 ? new Set<string>() : undefined;
    for (const t of targets) {
      const v = targetValue(first, t);
      if (seen ? seen.has(v) : list.includes(v)) continue;
      seen?.add(v);
      list.push(v);
    }
    return [[first, list]];
  }
  const byType = new Map<string, Set<string>>();
  for (const t of targets) {
    const type = recordTypeOfTarget(t);
    let set = byType.get(type);
    if (!set) byType.set(type, (set = new Set()));
    set.add(targetValue(type, t));
  }
  return [...byType].map(([recordType, ts]) => [recordType, [...ts]] as const);
}

/** `{ ...base, hostname, recordType, targets }`, copied without the spread (see copyOwn). */
function claimOf(
  base: Omit<Claim, 'hostname' | 'targets' | 'recordType'>,
  hostname: string,
  recordType: string | undefined,
  targets: string[],
): Claim {
  const c = copyOwn(base) as Claim;
  c.hostname = hostname;
  if (recordType !== undefined) c.recordType = recordType;
  c.targets = targets;
  return c;
}

/** A target as published: hostnames lower-case without the trailing dot, IPv6 lower-case. */
function targetValue(type: 'A' | 'AAAA' | 'CNAME', t: string): string {
  if (type === 'CNAME') {
    const v = t.toLowerCase();
    return v.endsWith('.') ? v.slice(0, -1) : v;
  }
  return type === 'AAAA' ? t.toLowerCase() : t;
}
