import ipaddr from 'ipaddr.js';
import type { Claim } from '../rules/types.js';
import { normalizeDnsName } from '../endpoint.js';

export function isIPv4(s: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(s);
}

export function isIPv6(s: string): boolean {
  return s.includes(':') && ipaddr.IPv6.isValid(s) && !s.includes('%');
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
export function claimsFor(name: string, targets: readonly string[], base: Omit<Claim, 'hostname' | 'targets' | 'recordType'>): Claim[] {
  const hostname = normalizeDnsName(name);
  if (targets.length === 0) return [{ ...base, hostname, targets: [] }];
  const byType = new Map<string, string[]>();
  for (const t of targets) {
    const type = recordTypeOfTarget(t);
    const v = type === 'CNAME' ? t.toLowerCase().replace(/\.$/, '') : type === 'AAAA' ? t.toLowerCase() : t;
    const list = byType.get(type) ?? [];
    if (!list.includes(v)) list.push(v);
    byType.set(type, list);
  }
  return [...byType].map(([recordType, ts]) => ({ ...base, hostname, recordType, targets: ts }));
}
