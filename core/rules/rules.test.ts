import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DomainFilter } from '../domain-filter.js';
import { newEndpoint } from '../model/endpoint.js';
import { loadManifests } from '../manifests.js';
import { OwnershipIndex } from '../ownership.js';
import { InMemoryProvider } from '../providers/inmemory/index.js';
import { TxtRegistry } from '../registry/txt-registry.js';
import { validateObjects } from '../evaluate.js';
import { evaluate, newClaimsOnly } from './index.js';
import { hostnameProblem, isNonPublicAddress, type RuleContext } from './rules.js';
import type { Claim, Extraction } from '../model/verdict.js';

const baseCtx: RuleContext = {
  ownerId: 'cluster-a',
  domainFilter: new DomainFilter({ filters: ['example.com'], exclude: ['internal.example.com'] }),
  managedRecordTypes: ['A', 'AAAA', 'CNAME'],
  publicZones: new DomainFilter({ filters: ['example.com'] }),
};

function claimX(claim: Partial<Claim> & { hostname: string }): Extraction {
  return {
    ref: { apiVersion: 'v1', kind: 'Service', namespace: 'default', name: 'x' },
    resource: 'service/default/x',
    claims: [{ field: 'f', targets: [], ...claim }],
    problems: [],
    warnings: [],
  };
}

const ruleCases: {
  name: string;
  claim: Partial<Claim> & { hostname: string };
  ctx?: Partial<RuleContext>;
  rule?: string;
  message?: RegExp;
}[] = [
  {
    name: 'allowed A record',
    claim: { hostname: 'app.example.com', recordType: 'A', targets: ['203.0.113.1'] },
  },
  {
    name: 'domain-filter: outside',
    claim: { hostname: 'app.example.org', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'domain-filter',
    message: /^not in \[example\.com\] excluding/,
  },
  {
    name: 'domain-filter: excluded',
    claim: { hostname: 'db.internal.example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'domain-filter',
    message: /^excluded by \[internal\.example\.com\]/,
  },
  {
    name: 'domain-filter: regex',
    ctx: { domainFilter: new DomainFilter({ regex: /^[a-z]+\.example\.com$/ }) },
    claim: { hostname: 'a1.example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'domain-filter',
    message: /not in \/\^\[a-z\]\+/,
  },
  {
    name: 'hostname: label too long',
    claim: { hostname: `${'a'.repeat(64)}.example.com`, recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
    message: /64 characters, over 63/,
  },
  {
    name: 'hostname: name too long',
    claim: { hostname: `${'abcdefghi.'.repeat(25)}example.com`, recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
    message: /over 253/,
  },
  {
    name: 'hostname: empty label',
    claim: { hostname: 'a..example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
    message: /empty label/,
  },
  {
    name: 'hostname: wildcard first is fine',
    claim: { hostname: '*.example.com', recordType: 'A', targets: ['203.0.113.1'] },
  },
  {
    name: 'hostname: wildcard inside a label',
    claim: { hostname: 'a*.example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
    message: /whole first label/,
  },
  {
    name: 'hostname: underscore in an A record',
    claim: { hostname: 'my_app.example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
  },
  {
    name: 'hostname: underscore label allowed for TXT',
    ctx: { managedRecordTypes: ['A', 'TXT'] },
    claim: { hostname: '_acme-challenge.example.com', recordType: 'TXT', targets: ['token'] },
  },
  {
    name: 'hostname: leading hyphen',
    claim: { hostname: '-app.example.com', recordType: 'A', targets: ['203.0.113.1'] },
    rule: 'hostname',
    message: /hyphen/,
  },
  {
    name: 'target: A with hostname',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: ['lb.example.net'] },
    rule: 'target',
    message: /not an IPv4 address/,
  },
  {
    name: 'target: A with bad octet',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: ['203.0.113.256'] },
    rule: 'target',
  },
  {
    name: 'target: AAAA with IPv4',
    claim: { hostname: 'a.example.com', recordType: 'AAAA', targets: ['203.0.113.1'] },
    rule: 'target',
    message: /not an IPv6/,
  },
  {
    name: 'target: CNAME with IP',
    claim: { hostname: 'a.example.com', recordType: 'CNAME', targets: ['203.0.113.1'] },
    rule: 'target',
    message: /is an IP address/,
  },
  {
    name: 'target: CNAME with two targets',
    claim: { hostname: 'a.example.com', recordType: 'CNAME', targets: ['x.example.net', 'y.example.net'] },
    rule: 'target',
    message: /exactly one/,
  },
  {
    name: 'target: CNAME to itself',
    claim: { hostname: 'a.example.com', recordType: 'CNAME', targets: ['a.example.com'] },
    rule: 'target',
    message: /itself/,
  },
  {
    name: 'target: no targets on an explicit record',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: [] },
    rule: 'target',
    message: /no targets/,
  },
  {
    name: 'ttl: zero',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: ['203.0.113.1'], ttl: 0 },
    rule: 'ttl',
  },
  {
    name: 'ttl: too big',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: ['203.0.113.1'], ttl: 2147483648 },
    rule: 'ttl',
  },
  {
    name: 'ttl: max is fine',
    claim: { hostname: 'a.example.com', recordType: 'A', targets: ['203.0.113.1'], ttl: 2147483647 },
  },
  {
    name: 'record-type: MX unmanaged',
    claim: { hostname: 'example.com', recordType: 'MX', targets: ['10 mx.example.com'] },
    rule: 'record-type',
    message: /MX is not managed/,
  },
  {
    name: 'public-private: RFC 1918',
    claim: { hostname: 'db.example.com', recordType: 'A', targets: ['10.1.2.3'] },
    rule: 'public-private',
    message: /private address 10\.1\.2\.3/,
  },
  {
    name: 'public-private: loopback',
    claim: { hostname: 'db.example.com', recordType: 'A', targets: ['127.0.0.1'] },
    rule: 'public-private',
    message: /loopback/,
  },
  {
    name: 'public-private: link-local v6',
    claim: { hostname: 'db.example.com', recordType: 'AAAA', targets: ['fe80::1'] },
    rule: 'public-private',
    message: /linkLocal/,
  },
  {
    name: 'public-private: ULA v6',
    claim: { hostname: 'db.example.com', recordType: 'AAAA', targets: ['fd00::1'] },
    rule: 'public-private',
  },
  {
    name: 'public-private: private IP outside public zones is fine',
    ctx: { publicZones: new DomainFilter({ filters: ['public.example.com'] }) },
    claim: { hostname: 'db.example.com', recordType: 'A', targets: ['10.1.2.3'] },
  },
];

/** Another cluster's weighted record set "a" at w.example.com (Route 53 weighted routing). */
const weightedIndex = () => {
  const w = newEndpoint('w.example.com', 'A', ['198.51.100.1'], 60, {
    owner: 'cluster-b',
    resource: 'service/shop/w',
  });
  w.setIdentifier = 'a';
  return new OwnershipIndex({ records: [w], claims: [] });
};
const weightedCases: { name: string; setIdentifier?: string; rule?: string; message?: RegExp }[] = [
  { name: "its own set identifier: allowed beside the other cluster's", setIdentifier: 'b' },
  {
    name: 'the same set identifier: the other cluster owns that record set',
    setIdentifier: 'a',
    rule: 'ownership',
    message: /^A record \(set identifier "a"\) owned by "cluster-b" \(service\/shop\/w\), not "cluster-a"$/,
  },
  { name: 'no set identifier: a plain record set cannot sit beside weighted ones', rule: 'ownership' },
];
ruleCases.push(
  ...weightedCases.map((c) => ({
    name: `ownership with set identifiers: ${c.name}`,
    ctx: {
      get ownership() {
        return weightedIndex();
      },
    } as Partial<RuleContext>,
    claim: {
      hostname: 'w.example.com',
      recordType: 'A',
      targets: ['203.0.113.1'],
      ...(c.setIdentifier ? { setIdentifier: c.setIdentifier } : {}),
    },
    ...(c.rule ? { rule: c.rule } : {}),
    ...(c.message ? { message: c.message } : {}),
  })),
);

describe('rules', () => {
  for (const c of ruleCases) {
    it(c.name, () => {
      const v = evaluate(claimX(c.claim), { ...baseCtx, ...c.ctx });
      if (!c.rule) {
        expect(v.violations).toEqual([]);
        expect(v.allowed).toBe(true);
      } else {
        expect(v.allowed).toBe(false);
        expect(v.violations.map((x) => x.rule)).toContain(c.rule);
        const viol = v.violations.find((x) => x.rule === c.rule)!;
        if (c.message) expect(viol.message).toMatch(c.message);
        expect(viol.fix.length).toBeGreaterThan(10);
        expect(viol.hostname).toBe(c.claim.hostname);
      }
    });
  }

  it('hostname problems are described', () => {
    expect(hostnameProblem('example')).toMatch(/no dot/);
    expect(hostnameProblem('a.b.example.com')).toBeUndefined();
    expect(isNonPublicAddress('203.0.113.1')).toBeUndefined();
    expect(isNonPublicAddress('::ffff:10.0.0.1')).toBe('private');
    expect(isNonPublicAddress('100.64.0.1')).toBe('carrierGradeNat');
  });

  it('warns below the provider minimum TTL', () => {
    const v = evaluate(
      claimX({ hostname: 'a.example.com', recordType: 'A', targets: ['203.0.113.1'], ttl: 5 }),
      { ...baseCtx, minTtl: 30 },
    );
    expect(v.allowed).toBe(true);
    expect(v.warnings).toEqual([
      'a.example.com: ttl: 5s is below the provider minimum of 30s; the provider will use 30s',
    ]);
  });

  it('warnOnly turns a rule into warnings; deniable limits denials to new names', () => {
    const x = claimX({ hostname: 'app.example.org', recordType: 'A', targets: ['203.0.113.1'] });
    expect(evaluate(x, baseCtx, { warnOnly: new Set(['domain-filter']) })).toMatchObject({
      allowed: true,
      warnings: ['app.example.org: domain-filter: not in [example.com] excluding [internal.example.com]'],
    });
    expect(evaluate(x, baseCtx, { deniable: newClaimsOnly(x) }).allowed).toBe(true);
    expect(
      evaluate(x, baseCtx, { deniable: newClaimsOnly(claimX({ hostname: 'other.example.com' })) }).allowed,
    ).toBe(false);
  });
});

describe('ownership rule', () => {
  const own = (o: string) =>
    `heritage=external-dns,external-dns/owner=${o},external-dns/resource=ingress/x/y`;
  async function index() {
    const p = new InMemoryProvider({ zones: ['example.com'] });
    await p.applyChanges({
      create: [
        newEndpoint('theirs.example.com', 'A', ['192.0.2.1']),
        newEndpoint('a-theirs.example.com', 'TXT', [own('cluster-b')]),
        newEndpoint('ours.example.com', 'A', ['192.0.2.2']),
        newEndpoint('a-ours.example.com', 'TXT', [own('cluster-a')]),
        newEndpoint('nobody.example.com', 'CNAME', ['x.example.net']),
        newEndpoint('cname-orphan.example.com', 'TXT', [own('cluster-c')]),
        newEndpoint('mail.example.com', 'MX', ['10 mx.example.net']),
      ],
      updateOld: [],
      updateNew: [],
      delete: [],
    });
    return new OwnershipIndex(await new TxtRegistry(p, { ownerId: 'cluster-a' }).snapshot());
  }
  const table: { host: string; type?: string; want?: RegExp }[] = [
    {
      host: 'theirs.example.com',
      type: 'A',
      want: /A record owned by "cluster-b" \(ingress\/x\/y\), not "cluster-a"/,
    },
    { host: 'theirs.example.com', type: 'AAAA' },
    { host: 'theirs.example.com', type: 'CNAME', want: /owned by "cluster-b"/ },
    { host: 'theirs.example.com', type: undefined, want: /owned by "cluster-b"/ },
    { host: 'ours.example.com', type: 'A' },
    { host: 'nobody.example.com', type: 'A', want: /CNAME record exists with no ownership record/ },
    { host: 'orphan.example.com', type: 'CNAME', want: /ownership record owned by "cluster-c"/ },
    { host: 'mail.example.com', type: 'A' },
    { host: 'fresh.example.com', type: 'A' },
  ];
  for (const t of table) {
    it(`${t.host} ${t.type ?? '(no target yet)'} → ${t.want ? 'deny' : 'allow'}`, async () => {
      const ctx = { ...baseCtx, ownership: await index() };
      const v = evaluate(
        claimX({
          hostname: t.host,
          recordType: t.type,
          targets:
            t.type === 'CNAME'
              ? ['lb.example.net']
              : t.type === 'AAAA'
                ? ['2001:db8::1']
                : t.type
                  ? ['203.0.113.1']
                  : [],
        }),
        ctx,
      );
      if (t.want) expect(v.violations.find((x) => x.rule === 'ownership')?.message).toMatch(t.want);
      else expect(v.violations).toEqual([]);
    });
  }
});

describe('examples/ manifests: one denial per rule', () => {
  it('denies each bad example with the expected rule and allows the good ones', async () => {
    const root = join(import.meta.dirname, '..', '..', 'examples');
    const provider = new InMemoryProvider({ zones: [] });
    provider.loadZoneFileFrom('example.com', join(root, 'zones', 'example.com.zone'));
    const ownership = new OwnershipIndex(
      await new TxtRegistry(provider, { ownerId: 'cluster-a' }).snapshot(),
    );
    const objs = loadManifests([join(root, 'manifests')]).map((l) => l.obj);
    const results = validateObjects(
      objs,
      { ...baseCtx, domainFilter: new DomainFilter({ filters: ['example.com'] }), ownership },
      { ingressClasses: [], defaultTargets: [] },
    );
    const byName = Object.fromEntries(
      results.map((r) => [
        r.verdict.ref.name,
        r.verdict.violations.map((v) => v.rule).join(',') || 'allowed',
      ]),
    );
    expect(byName).toEqual({
      app: 'allowed',
      blog: 'allowed',
      api: 'allowed',
      static: 'allowed',
      docs: 'allowed',
      outside: 'domain-filter',
      shop: 'ownership',
      www: 'ownership',
      'dup-one': 'duplicate',
      'dup-two': 'duplicate',
      'bad-names': 'hostname,hostname',
      'bad-target': 'target',
      ttl: 'ttl',
      mx: 'record-type',
      'internal-db': 'public-private',
    });
  });
});

describe('duplicate rule with set identifiers', () => {
  const svc = (name: string, setId?: string) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'shop',
      annotations: {
        'external-dns.kubernetes.io/hostname': 'w.example.com',
        ...(setId
          ? {
              'external-dns.kubernetes.io/set-identifier': setId,
              'external-dns.kubernetes.io/aws-weight': '50',
            }
          : {}),
      },
    },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip: name === 'blue' ? '203.0.113.1' : '203.0.113.2' }] } },
  });
  const cases: { name: string; objs: ReturnType<typeof svc>[]; want: string[] }[] = [
    {
      name: 'blue/green weighted record sets of one name are not duplicates',
      objs: [svc('blue', 'blue'), svc('green', 'green')],
      want: ['allowed', 'allowed'],
    },
    {
      name: 'the same set identifier twice is',
      objs: [svc('blue', 'blue'), svc('green', 'blue')],
      want: ['duplicate', 'duplicate'],
    },
    {
      name: 'a plain record beside a weighted one is',
      objs: [svc('blue', 'blue'), svc('green')],
      want: ['duplicate', 'duplicate'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const results = validateObjects(c.objs, baseCtx, { ingressClasses: [], defaultTargets: [] });
      expect(results.map((r) => r.verdict.violations.map((v) => v.rule).join(',') || 'allowed')).toEqual(
        c.want,
      );
    });
  }
});
