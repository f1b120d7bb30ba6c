import { describe, expect, it } from 'vitest';
import { checkCidr, TargetNetFilter } from './target-net-filter.js';

// rows from external-dns endpoint/target_filter_test.go (targetFilterTests), plus name targets and IPv6
describe('TargetNetFilter.match', () => {
  const table: { filter: string[]; exclude: string[]; target: string; want: boolean }[] = [
    { filter: ['10.0.0.0/8'], exclude: [], target: '10.1.2.3', want: true },
    { filter: [' 10.0.0.0/8 '], exclude: [], target: '10.1.2.3', want: true },
    { filter: ['10.0.0.0/8'], exclude: [], target: '1.1.1.1', want: false },
    { filter: [], exclude: ['10.0.0.0/8'], target: '1.1.1.1', want: true },
    { filter: [], exclude: ['10.0.0.0/8'], target: '10.1.2.3', want: false },
    { filter: [], exclude: ['10.0.0.0/8'], target: '49.13.41.161', want: true },
    { filter: [], exclude: ['10.0.0.0/8'], target: '10.0.1.101', want: false },
    // a name is no address: a filter net drops it, an excluded net keeps it (net.ParseIP is nil)
    { filter: ['10.0.0.0/8'], exclude: [], target: 'lb.example.net', want: false },
    { filter: [], exclude: ['10.0.0.0/8'], target: 'lb.example.net', want: true },
    { filter: ['2001:db8::/32'], exclude: [], target: '2001:db8::10', want: true },
    { filter: ['2001:db8::/32'], exclude: [], target: '203.0.113.7', want: false },
    { filter: ['203.0.113.0/24'], exclude: ['203.0.113.128/25'], target: '203.0.113.200', want: false },
    { filter: ['203.0.113.0/24'], exclude: ['203.0.113.128/25'], target: '203.0.113.7', want: true },
  ];
  for (const c of table)
    it(`filter [${c.filter.join(' ')}] exclude [${c.exclude.join(' ')}]: ${c.target} → ${c.want}`, () =>
      expect(new TargetNetFilter({ filter: c.filter, exclude: c.exclude }).match(c.target)).toBe(c.want));
});

describe('checkCidr', () => {
  const table: [string, RegExp | undefined][] = [
    ['10.0.0.0/8', undefined],
    ['2001:db8::/32', undefined],
    // external-dns logs "Invalid target net filter: 0" and matches everything; zoneguard refuses it
    ['0', /not a network in CIDR notation/],
    ['10.0.0.1', /not a network in CIDR notation/],
    ['10.0.0.0/33', /prefix length 33 is too long/],
    ['example.com/8', /not a network/],
  ];
  for (const [cidr, want] of table)
    it(cidr, () => (want ? expect(checkCidr(cidr)).toMatch(want) : expect(checkCidr(cidr)).toBeUndefined()));
});
