import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TxtNameMapper } from './txt-names.js';

describe('TXT ownership record names', () => {
  const toTxt: {
    name: string;
    opts: ConstructorParameters<typeof TxtNameMapper>[0];
    dns: string;
    type: string;
    want: string;
  }[] = [
    {
      name: 'no affix: type prefixed to the first label',
      opts: {},
      dns: 'foo.example.com',
      type: 'A',
      want: 'a-foo.example.com',
    },
    {
      name: 'no affix, CNAME',
      opts: {},
      dns: 'foo.example.com',
      type: 'CNAME',
      want: 'cname-foo.example.com',
    },
    { name: 'no affix, AAAA', opts: {}, dns: 'foo.example.com', type: 'AAAA', want: 'aaaa-foo.example.com' },
    { name: 'apex', opts: {}, dns: 'example.com', type: 'A', want: 'a-example.com' },
    {
      name: 'prefix',
      opts: { prefix: 'txt-' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'txt-a-foo.example.com',
    },
    {
      name: 'prefix with a dot',
      opts: { prefix: 'txt.' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'txt.a-foo.example.com',
    },
    {
      name: 'suffix',
      opts: { suffix: '-txt' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'a-foo-txt.example.com',
    },
    {
      name: 'suffix with a dot',
      opts: { suffix: '.txt' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'a-foo.txt.example.com',
    },
    {
      name: 'prefix with %{record_type}',
      opts: { prefix: '%{record_type}-' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'a-foo.example.com',
    },
    {
      name: 'prefix with %{record_type} and a dot',
      opts: { prefix: '%{record_type}.zg.' },
      dns: 'foo.example.com',
      type: 'CNAME',
      want: 'cname.zg.foo.example.com',
    },
    {
      name: 'suffix with %{record_type}',
      opts: { suffix: '-%{record_type}' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'foo-a.example.com',
    },
    {
      name: 'wildcard replaced',
      opts: { prefix: 'txt-', wildcardReplacement: 'wild' },
      dns: '*.example.com',
      type: 'A',
      want: 'txt-a-wild.example.com',
    },
    {
      name: 'wildcard kept without replacement',
      opts: {},
      dns: '*.example.com',
      type: 'A',
      want: 'a-*.example.com',
    },
    {
      name: 'affixes are lower-cased',
      opts: { prefix: 'TXT-' },
      dns: 'foo.example.com',
      type: 'A',
      want: 'txt-a-foo.example.com',
    },
  ];
  for (const c of toTxt) {
    it(`txtNameFor: ${c.name}`, () => {
      expect(new TxtNameMapper(c.opts).txtNameFor(c.dns, c.type)).toBe(c.want);
    });
  }

  const toEndpoint: {
    name: string;
    opts: ConstructorParameters<typeof TxtNameMapper>[0];
    txt: string;
    dns: string;
    type: string;
  }[] = [
    { name: 'new format', opts: {}, txt: 'a-foo.example.com', dns: 'foo.example.com', type: 'A' },
    {
      name: 'old format (no type) is still read',
      opts: {},
      txt: 'foo.example.com',
      dns: 'foo.example.com',
      type: '',
    },
    {
      name: 'old format with prefix',
      opts: { prefix: 'txt.' },
      txt: 'txt.foo.example.com',
      dns: 'foo.example.com',
      type: '',
    },
    {
      name: 'new format with prefix',
      opts: { prefix: 'txt.' },
      txt: 'txt.cname-foo.example.com',
      dns: 'foo.example.com',
      type: 'CNAME',
    },
    {
      name: 'a TXT name without our prefix is not ours',
      opts: { prefix: 'txt.' },
      txt: 'a-foo.example.com',
      dns: '',
      type: '',
    },
    {
      name: 'suffix',
      opts: { suffix: '-txt' },
      txt: 'a-foo-txt.example.com',
      dns: 'foo.example.com',
      type: 'A',
    },
    {
      name: 'suffix with a dot',
      opts: { suffix: '.txt' },
      txt: 'aaaa-foo.txt.example.com',
      dns: 'foo.example.com',
      type: 'AAAA',
    },
    {
      name: 'template prefix',
      opts: { prefix: '%{record_type}-' },
      txt: 'cname-foo.example.com',
      dns: 'foo.example.com',
      type: 'CNAME',
    },
    {
      name: 'template suffix',
      opts: { suffix: '-%{record_type}' },
      txt: 'foo-aaaa.example.com',
      dns: 'foo.example.com',
      type: 'AAAA',
    },
    { name: 'case-insensitive', opts: {}, txt: 'A-Foo.Example.COM', dns: 'foo.example.com', type: 'A' },
    { name: 'apex', opts: {}, txt: 'a-example.com', dns: 'example.com', type: 'A' },
  ];
  for (const c of toEndpoint) {
    it(`endpointFor: ${c.name}`, () => {
      expect(new TxtNameMapper(c.opts).endpointFor(c.txt)).toEqual({ dnsName: c.dns, recordType: c.type });
    });
  }

  it('refuses a prefix and a suffix together', () => {
    expect(() => new TxtNameMapper({ prefix: 'a-', suffix: '-b' })).toThrow(/mutually exclusive/);
  });

  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
  const dnsName = fc.array(label, { minLength: 1, maxLength: 5 }).map((ls) => ls.join('.'));
  const type = fc.constantFrom('A', 'AAAA', 'CNAME', 'NS', 'MX', 'SRV', 'NAPTR');
  const plainAffix = fc.stringMatching(/^[a-z0-9]{1,8}[-.]$/);
  const affix = fc.oneof(
    fc.constant({}),
    plainAffix.map((p) => ({ prefix: p })),
    plainAffix.map((p) => ({ suffix: p.slice(-1) + p.slice(0, -1) })),
    fc.constantFrom(
      { prefix: '%{record_type}-' },
      { prefix: '%{record_type}.zg.' },
      { suffix: '-%{record_type}' },
      { prefix: 'zg-%{record_type}.' },
    ),
  );

  it('name mapping round-trips for arbitrary names, types, prefixes and suffixes (property)', () => {
    fc.assert(
      fc.property(dnsName, type, affix, (name, t, opts) => {
        const m = new TxtNameMapper(opts);
        expect(m.endpointFor(m.txtNameFor(name, t))).toEqual({ dnsName: name, recordType: t });
      }),
      { numRuns: 2000 },
    );
  });

  it('reading arbitrary TXT names never throws (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 100 }), affix, (s, opts) => {
        const r = new TxtNameMapper(opts).endpointFor(s);
        expect(typeof r.dnsName).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});
