import { normalizeDnsName } from './model/endpoint.js';
import { NameRegex } from './name-regex.js';
import { describe, expect, it } from 'vitest';
import { DomainFilter } from './domain-filter.js';

interface Case {
  name: string;
  filters?: string[];
  exclude?: string[];
  regex?: RegExp;
  regexExclusion?: RegExp;
  domains: Record<string, boolean>;
}

// Behaviours documented by external-dns (endpoint/domain_filter_test.go and the FAQ).
const cases: Case[] = [
  {
    name: 'empty filter matches everything',
    domains: { 'example.com': true, 'a.b.example.org': true, '': true },
  },
  {
    name: 'plain filter matches apex and subdomains',
    filters: ['example.com'],
    domains: { 'example.com': true, 'a.example.com': true, 'x.y.example.com': true },
  },
  {
    name: 'plain filter does not match a longer label',
    filters: ['example.com'],
    domains: { 'badexample.com': false, 'example.com.evil.org': false, 'example.org': false },
  },
  {
    name: 'filter and name are case-insensitive',
    filters: ['Example.COM'],
    domains: { 'APP.example.com': true, 'app.EXAMPLE.com.': true },
  },
  {
    name: 'trailing dots are ignored on both sides',
    filters: ['example.com.'],
    domains: { 'app.example.com.': true, 'example.com': true },
  },
  {
    name: 'spaces around filters are trimmed',
    filters: ['  example.com '],
    domains: { 'a.example.com': true },
  },
  { name: 'empty filter entries are dropped', filters: ['', ' '], domains: { 'anything.org': true } },
  {
    name: 'leading dot matches subdomains only',
    filters: ['.example.com'],
    domains: { 'a.example.com': true, 'example.com': false, 'badexample.com': false },
  },
  {
    name: 'several filters: any may match',
    filters: ['example.com', 'example.org'],
    domains: { 'a.example.org': true, 'a.example.net': false },
  },
  {
    name: 'filter for a subdomain does not match its parent',
    filters: ['sub.example.com'],
    domains: { 'example.com': false, 'a.sub.example.com': true, 'other.example.com': false },
  },
  {
    name: 'same dot count requires equality',
    filters: ['foo.example.com'],
    domains: { 'bar.example.com': false, 'foo.example.com': true },
  },
  {
    name: 'exclusion wins over filter',
    filters: ['example.com'],
    exclude: ['internal.example.com'],
    domains: { 'app.example.com': true, 'internal.example.com': false, 'db.internal.example.com': false },
  },
  {
    name: 'exclusion alone excludes only its domains',
    exclude: ['example.org'],
    domains: { 'a.example.com': true, 'a.example.org': false },
  },
  {
    name: 'regex filter overrides plain filters',
    filters: ['example.com'],
    regex: /^(app|api)\.example\.org$/,
    domains: { 'app.example.org': true, 'app.example.com': false },
  },
  {
    name: 'regex is matched against the lower-cased name without trailing dot',
    regex: /^app\.example\.com$/,
    domains: { 'APP.example.com.': true },
  },
  {
    name: 'regex filter and regex exclusion both apply (stricter than external-dns, see domain-filter.ts)',
    regex: /example\.com$/,
    regexExclusion: /^internal\./,
    domains: { 'app.example.com': true, 'internal.example.com': false, 'app.example.org': false },
  },
  // external-dns's own table (endpoint/domain_filter_test.go)
  {
    name: 'external-dns: .org filter',
    filters: ['.org'],
    domains: { 'example.org': true, 'test.example.org': true, 'foo.test.example.org': true },
  },
  {
    name: 'external-dns: anexample is not example',
    filters: ['example.org'],
    domains: { 'anexample.org': false, 'test.anexample.org': false },
  },
  {
    name: 'external-dns: example is not anexample',
    filters: ['anexample.org'],
    domains: { 'example.org': false, 'test.example.org': false },
  },
  {
    name: 'external-dns: deep subdomain of filter',
    filters: ['bar.sub.example.org'],
    domains: { 'foo.bar.sub.example.org': true, 'foo.bar.sub.example.org.': true },
  },
  {
    name: 'external-dns: exclusion keeps siblings',
    filters: ['example.org.'],
    exclude: ['api.example.org'],
    domains: { 'dev-api.example.org': true, 'qa-api.example.org': true, 'dev.api.example.org': false },
  },
  {
    name: 'external-dns: leading-dot exclusion with spaces',
    filters: ['   example.org. '],
    exclude: ['   .api.example.org    '],
    domains: { 'foo.api.example.org': false, 'bar.baz.api.example.org.': false },
  },
  {
    name: 'external-dns: nested filter beats broader exclusion only when not excluded',
    filters: ['example.org', 'api.example.org'],
    exclude: ['internal.api.example.org'],
    domains: { 'foo.api.example.org': true, 'foo.internal.api.example.org': false },
  },
  {
    name: 'external-dns: mixed case filters and exclusions',
    filters: ['eXaMPle.ORG', 'API.example.ORG'],
    exclude: ['api.example.org'],
    domains: { 'foobar.Example.Org': true, 'foobar.API.Example.Org': false },
  },
  {
    name: 'external-dns: regex alternatives',
    regex: /(?:foo|bar)\.org$/,
    regexExclusion: /^example\.(?:foo|bar)\.org$/,
    domains: {
      'foo.org': true,
      'a.example.bar.org': true,
      'example.foo.org': false,
      'example.bar.org': false,
    },
  },
  {
    name: 'regex exclusion without a regex filter',
    regexExclusion: /\.dev\.example\.com$/,
    domains: { 'a.dev.example.com': false, 'a.example.com': true },
  },
];

describe('DomainFilter.match', () => {
  for (const c of cases) {
    it(c.name, () => {
      const f = new DomainFilter({
        filters: c.filters,
        exclude: c.exclude,
        regex: c.regex,
        regexExclusion: c.regexExclusion,
      });
      for (const [domain, want] of Object.entries(c.domains)) {
        expect(f.match(domain), domain).toBe(want);
      }
    });
  }
});

describe('DomainFilter zones', () => {
  const table: { filters: string[]; exclude?: string[]; zone: string; want: boolean }[] = [
    { filters: ['a.example.com'], zone: 'example.com', want: true },
    { filters: ['a.example.com'], zone: 'com', want: true },
    { filters: ['a.example.com'], zone: 'example.org', want: false },
    { filters: ['.example.com'], zone: 'com', want: false },
    { filters: ['example.com'], zone: 'example.com', want: true },
    { filters: ['example.com'], exclude: ['example.com'], zone: 'example.com', want: false },
    { filters: [], zone: 'anything.net', want: true },
  ];
  for (const t of table) {
    it(`zone ${t.zone} with filters [${t.filters.join(',')}] excl [${(t.exclude ?? []).join(',')}] → ${t.want}`, () => {
      expect(new DomainFilter({ filters: t.filters, exclude: t.exclude }).matchZone(t.zone)).toBe(t.want);
    });
  }

  it('describes itself for messages', () => {
    expect(new DomainFilter({ filters: ['example.com'] }).describe()).toBe('[example.com]');
    expect(new DomainFilter({ filters: ['example.com'], exclude: ['x.example.com'] }).describe()).toBe(
      '[example.com] excluding [x.example.com]',
    );
    expect(new DomainFilter({ regex: /\.com$/ }).describe()).toBe('/\\.com$/');
  });

  it('reports configured state', () => {
    expect(new DomainFilter().isConfigured()).toBe(false);
    expect(new DomainFilter({ exclude: ['a.com'] }).isConfigured()).toBe(true);
    expect(new DomainFilter({ regex: /x/ }).isConfigured()).toBe(true);
  });
});

describe('internationalised names: compared in Unicode form, as external-dns normalizeDomain (endpoint/domain_filter_test.go)', () => {
  const table: { name: string; filters: string[]; exclude?: string[]; yes: string[]; no: string[] }[] = [
    {
      name: 'Unicode and punycode filters, mixed case (the stonks📈 row)',
      filters: ['sTOnks📈.ORG', 'API.xn--StonkS-u354e.ORG'],
      exclude: ['Foo-Bar.stoNks📈.Org'],
      yes: ['FoOoo.Api.Stonks📈.Org', 'xn--stonks-u354e.org', 'a.xn--stonks-u354e.org'],
      no: ['foo-bar.xn--stonks-u354e.org', 'stonks.org'],
    },
    {
      name: 'a punycode filter matches Unicode names and the reverse (the 點看 row)',
      filters: ['xn--c1yn36f.xn--5cab8c'],
      yes: ['a.xn--c1yn36f.æøå.', 'b.點看.xn--5cab8c', 'c.點看.æøå'],
      no: ['點看.org'],
    },
    {
      name: 'a Unicode filter matches its punycode name',
      filters: ['bücher.example.com'],
      yes: ['xn--bcher-kva.example.com', 'www.xn--bcher-kva.example.com', 'bücher.example.com'],
      no: ['bucher.example.com'],
    },
  ];
  for (const c of table)
    it(c.name, () => {
      const f = new DomainFilter({ filters: c.filters, exclude: c.exclude });
      for (const n of c.yes) expect(f.match(n), n).toBe(true);
      for (const n of c.no) expect(f.match(n), n).toBe(false);
    });

  it('a regex is matched against the Unicode name (the (?:😍|🤩)\\.org$ row)', () => {
    const f = new DomainFilter({ regex: NameRegex.compile('(?:😍|🤩)\\.org$') });
    for (const n of ['😍.org', 'xn--r28h.org', 'a.example.xn--r28h.org', 'a.example.🤩.org'])
      expect(f.match(n), n).toBe(true);
    expect(f.match('x.org')).toBe(false);
  });

  it('filters are kept in Unicode form (prepareFilters: "xn--bar-zna" → "øbar")', () => {
    expect(new DomainFilter({ filters: ['  foo   ', '  bar. ', 'baz.', 'xn--bar-zna'] }).filters).toEqual([
      'foo',
      'bar',
      'baz',
      'øbar',
    ]);
  });
});

describe('normalizeDnsName: internationalised names in ASCII form (internal/idna/idna_test.go TestNormalizeDNSName)', () => {
  const table: [string, string][] = [
    ['3AAAA.FOO.BAR.COM    ', '3aaaa.foo.bar.com'],
    ['   example.foo.com.', 'example.foo.com'],
    ['_foo.com.', '_foo.com'],
    ['my-exaMple3.FOO.BAR.COM', 'my-example3.foo.bar.com'],
    ['點看.org.', 'xn--c1yn36f.org'],
    ['nordic-ø.kitty😸.com.', 'xn--nordic--w1a.xn--kitty-pd34d.com'],
    ['  nordic-ø.kitty😸.COM', 'xn--nordic--w1a.xn--kitty-pd34d.com'],
    ['xn--nordic--w1a.kitty😸.com.', 'xn--nordic--w1a.xn--kitty-pd34d.com'],
    ['*.example.com', '*.example.com'],
    ['*.GÖPHER.com', '*.xn--gpher-jua.com'],
    ['Bücher.Example.com', 'xn--bcher-kva.example.com'],
  ];
  for (const [input, want] of table)
    it(JSON.stringify(input), () => expect(normalizeDnsName(input)).toBe(want));
});
