/**
 * The ZonePolicy semantics, table by table: selectors, whole-label and wildcard matching,
 * exclusions, record types, targets, enforcement modes, exemption expiry, several policies
 * selecting one namespace, and what makes a ZonePolicy invalid. Policies and Namespaces come from
 * fixtures/policies.yaml (real manifests).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import type { KubeObject } from '../model/objects.js';
import type { Claim, Extraction } from '../model/verdict.js';
import { DomainFilter } from '../domain-filter.js';
import { evaluate, type RuleContext } from '../rules/index.js';
import { compileLabelSelector, selects } from './label-selector.js';
import { claimedName, covers, parseDomain, touches, type NamePattern } from './names.js';
import {
  compileZonePolicy,
  delegationOverlaps,
  zonePolicySetFrom,
  type CompiledZonePolicy,
} from './zone-policy.js';

const load = (f: string) => loadManifests([join(__dirname, 'fixtures', f)]).map((l) => l.obj);
const FIXTURE = load('policies.yaml');
const BEFORE_EXPIRY = Date.parse('2027-02-28T23:59:59Z');
const AFTER_EXPIRY = Date.parse('2027-03-01T00:00:00Z');

function ctxFor(objs: readonly KubeObject[], opts: { required?: boolean; now?: number } = {}): RuleContext {
  return {
    ownerId: 'cluster-a',
    domainFilter: new DomainFilter(),
    managedRecordTypes: ['A', 'AAAA', 'CNAME', 'TXT'],
    zonePolicies: zonePolicySetFrom(objs, { required: opts.required }).set,
    now: () => opts.now ?? BEFORE_EXPIRY,
  };
}

function objectIn(namespace: string, claim: Partial<Claim> & { hostname: string }): Extraction {
  return {
    ref: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace, name: 'web' },
    resource: `ingress/${namespace}/web`,
    claims: [{ field: 'spec.rules[0].host', recordType: 'A', targets: ['203.0.113.10'], ...claim }],
    problems: [],
    warnings: [],
  };
}

type Outcome = 'allow' | 'deny' | 'warn' | 'audit';
interface Case {
  name: string;
  ns: string;
  claim: Partial<Claim> & { hostname: string };
  want: Outcome;
  message?: RegExp;
  fix?: RegExp;
  objs?: readonly KubeObject[];
  required?: boolean;
  now?: number;
}

const A = (hostname: string, ...targets: string[]) => ({
  hostname,
  recordType: 'A',
  targets: targets.length ? targets : ['203.0.113.10'],
});
const CNAME = (hostname: string, target: string) => ({ hostname, recordType: 'CNAME', targets: [target] });

const CASES: Case[] = [
  // ---- domains: whole labels ----
  { name: 'a name under the delegated domain', ns: 'team-a', claim: A('app.a.example.com'), want: 'allow' },
  { name: 'the delegated domain itself', ns: 'team-a', claim: A('a.example.com'), want: 'allow' },
  { name: 'deep below the delegated domain', ns: 'team-a', claim: A('x.y.a.example.com'), want: 'allow' },
  {
    name: 'a label ending like the domain is not under it (xa.example.com)',
    ns: 'team-a',
    claim: A('xa.example.com'),
    want: 'deny',
    message: /^not delegated to namespace "team-a" \(ZonePolicy team-a: not in \[a\.example\.com\]\)$/,
    fix: /use a name namespace "team-a" is delegated \(team-a \[a\.example\.com\] excluding \[admin\.a\.example\.com\]\)/,
  },
  { name: 'the parent of the delegated domain', ns: 'team-a', claim: A('example.com'), want: 'deny' },
  {
    name: "another team's domain",
    ns: 'team-a',
    claim: A('app.b.example.com'),
    want: 'deny',
    message: /ZonePolicy team-a: not in \[a\.example\.com\]/,
  },
  // ---- wildcard domains: by label, never by suffix ----
  { name: '*.acmecorp.com delegates x.acmecorp.com', ns: 'acme', claim: A('x.acmecorp.com'), want: 'allow' },
  { name: '*.acmecorp.com delegates deeper names', ns: 'acme', claim: A('a.b.acmecorp.com'), want: 'allow' },
  {
    name: '*.acmecorp.com does not admit evilacmecorp.com (the OPA endswith hole)',
    ns: 'acme',
    claim: A('evilacmecorp.com'),
    want: 'deny',
    message: /not in \[\*\.acmecorp\.com\]/,
  },
  { name: '*.acmecorp.com does not delegate the apex', ns: 'acme', claim: A('acmecorp.com'), want: 'deny' },
  {
    name: 'a wildcard claim equal to the wildcard domain',
    ns: 'acme',
    claim: A('*.acmecorp.com'),
    want: 'allow',
  },
  {
    name: 'a wildcard claim below the wildcard domain',
    ns: 'acme',
    claim: A('*.x.acmecorp.com'),
    want: 'allow',
  },
  {
    name: 'a wildcard claim reaching above the delegation',
    ns: 'team-a',
    claim: A('*.example.com'),
    want: 'deny',
    message: /wildcard \*\.example\.com reaches beyond \[a\.example\.com\]/,
  },
  {
    name: 'a wildcard claim at the delegation answers for an excluded name',
    ns: 'team-a',
    claim: A('*.a.example.com'),
    want: 'deny',
    message: /wildcard \*\.a\.example\.com would answer for excluded admin\.a\.example\.com/,
  },
  // ---- exclusions ----
  {
    name: 'the excluded name',
    ns: 'team-a',
    claim: A('admin.a.example.com'),
    want: 'deny',
    message: /excluded by admin\.a\.example\.com/,
  },
  { name: 'below the excluded name', ns: 'team-a', claim: A('x.admin.a.example.com'), want: 'deny' },
  { name: 'a sibling of the excluded name', ns: 'team-a', claim: A('admins.a.example.com'), want: 'allow' },
  // ---- record types ----
  {
    name: 'a record type outside recordTypes',
    ns: 'team-a',
    claim: { hostname: 'txt.a.example.com', recordType: 'TXT', targets: ['hello'] },
    want: 'deny',
    message: /record type TXT not in \[A, AAAA, CNAME\]/,
  },
  {
    name: 'no record type yet (Service without an address) is judged by name only',
    ns: 'team-a',
    claim: { hostname: 'svc.a.example.com', recordType: undefined, targets: [] },
    want: 'allow',
  },
  // ---- targets ----
  {
    name: 'an A target inside allowCIDRs',
    ns: 'team-a',
    claim: A('app.a.example.com', '203.0.113.99'),
    want: 'allow',
  },
  {
    name: 'an A target outside allowCIDRs',
    ns: 'team-a',
    claim: A('app.a.example.com', '203.0.113.9', '198.51.100.7'),
    want: 'deny',
    message: /target 198\.51\.100\.7 is outside \[203\.0\.113\.0\/24, 2001:db8::\/32\]/,
  },
  {
    name: 'an AAAA target inside allowCIDRs',
    ns: 'team-a',
    claim: { hostname: 'v6.a.example.com', recordType: 'AAAA', targets: ['2001:db8::1'] },
    want: 'allow',
  },
  {
    name: 'an AAAA target outside allowCIDRs',
    ns: 'team-a',
    claim: { hostname: 'v6.a.example.com', recordType: 'AAAA', targets: ['2001:db9::1'] },
    want: 'deny',
  },
  {
    name: 'a CNAME to a dangling-takeover suffix (S3 website)',
    ns: 'team-a',
    claim: CNAME('www.a.example.com', 'bucket.s3-website-us-east-1.amazonaws.com'),
    want: 'deny',
    message:
      /CNAME target bucket\.s3-website-us-east-1\.amazonaws\.com is under denied suffix s3-website-us-east-1\.amazonaws\.com/,
  },
  {
    name: 'a CNAME to herokuapp.com itself',
    ns: 'team-a',
    claim: CNAME('www.a.example.com', 'herokuapp.com'),
    want: 'deny',
  },
  {
    name: 'a CNAME whose last label only ends like a denied suffix (whole labels)',
    ns: 'team-a',
    claim: CNAME('www.a.example.com', 'app.notherokuapp.com'),
    want: 'allow',
  },
  {
    name: 'allowCIDRs do not constrain CNAME targets',
    ns: 'team-a',
    claim: CNAME('www.a.example.com', 'lb.example.net'),
    want: 'allow',
  },
  // ---- selectors ----
  {
    name: 'In + Exists select team=b,tier=prod (Warn policy allows its domain)',
    ns: 'team-b',
    claim: A('app.b.example.com'),
    want: 'allow',
  },
  {
    name: 'DoesNotExist: team-b-dev is selected by team-b-dev, not team-b-prod',
    ns: 'team-b-dev',
    claim: A('app.b.example.com'),
    want: 'deny',
    message: /ZonePolicy team-b-dev: not in \[dev\.b\.example\.com\]/,
  },
  { name: 'DoesNotExist: its own domain', ns: 'team-b-dev', claim: A('x.dev.b.example.com'), want: 'allow' },
  // ---- enforcement ----
  {
    name: 'Warn: a finding becomes an admission warning',
    ns: 'team-b',
    claim: A('app.example.com'),
    want: 'warn',
    message: /ZonePolicy team-b-prod: not in \[b\.example\.com\]/,
  },
  {
    name: 'Audit: a finding is kept for the audit report only',
    ns: 'team-c',
    claim: A('app.example.com'),
    want: 'audit',
    message: /ZonePolicy team-c: not in \[c\.example\.com\]/,
  },
  // ---- several policies selecting one namespace ----
  { name: 'two policies: allowed by the first', ns: 'shared', claim: A('app.a.example.com'), want: 'allow' },
  {
    name: 'two policies: allowed by the second',
    ns: 'shared',
    claim: A('x.staging.example.com'),
    want: 'allow',
  },
  {
    name: 'two policies: neither allows, the strictest enforcement (Deny over Audit) applies',
    ns: 'shared',
    claim: A('app.example.com'),
    want: 'deny',
    message: /ZonePolicies staging: not in \[staging\.example\.com\]; team-a: not in \[a\.example\.com\]/,
    fix: /have ZonePolicy staging or team-a changed/,
  },
  // ---- no policy selects the namespace ----
  {
    name: 'a namespace no policy selects',
    ns: 'nobody',
    claim: A('app.a.example.com'),
    want: 'deny',
    message: /^no ZonePolicy selects namespace "nobody"$/,
    fix: /namespaceSelector selects namespace "nobody"/,
  },
  {
    name: 'a namespace with no Namespace object is selected by its name label only',
    ns: 'unknown',
    claim: A('app.a.example.com'),
    want: 'deny',
    message: /no ZonePolicy selects namespace "unknown"/,
  },
  {
    name: 'no ZonePolicy at all: the rule does not apply',
    ns: 'nobody',
    claim: A('anything.example.org'),
    want: 'allow',
    objs: [],
  },
  {
    name: '--require-zone-policy with no ZonePolicy at all',
    ns: 'nobody',
    claim: A('anything.example.org'),
    want: 'deny',
    objs: [],
    required: true,
    message: /no ZonePolicy selects namespace "nobody"/,
  },
  {
    name: 'every policy in Audit (rolling out): an unselected namespace is only audited',
    ns: 'nobody',
    claim: A('anything.example.org'),
    want: 'audit',
    objs: FIXTURE.filter((o) => o.kind === 'Namespace' || o.metadata?.name === 'team-c'),
  },
  {
    name: 'a broken ZonePolicy fails closed and is named',
    ns: 'nobody',
    claim: A('anything.example.org'),
    want: 'deny',
    objs: [
      ...FIXTURE.filter((o) => o.metadata?.name === 'team-c'),
      ...load('invalid-policies.yaml').slice(0, 1),
    ],
    message:
      /no ZonePolicy selects namespace "nobody" \(ZonePolicy no-domains is invalid and allows nothing\)/,
  },
  // ---- exemptions ----
  {
    name: 'an exemption before it expires',
    ns: 'team-a-old',
    claim: A('legacy.example.com', '198.51.100.1'),
    want: 'allow',
  },
  {
    name: 'the same exemption once expired (same process, later clock)',
    ns: 'team-a-old',
    claim: A('legacy.example.com', '198.51.100.1'),
    want: 'deny',
    now: AFTER_EXPIRY,
    message: /no ZonePolicy selects namespace "team-a-old"/,
  },
  {
    name: 'an exemption names one namespace only',
    ns: 'team-a',
    claim: A('legacy.example.com'),
    want: 'deny',
  },
  {
    name: 'an exemption names one hostname only',
    ns: 'team-a-old',
    claim: A('other.example.com'),
    want: 'deny',
  },
];

describe('zone-policy rule', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const ctx = ctxFor(c.objs ?? FIXTURE, { required: c.required, now: c.now });
      const v = evaluate(objectIn(c.ns, c.claim), ctx);
      const denied = v.violations.filter((x) => x.rule === 'zone-policy');
      const warned = (v.warned ?? []).filter((x) => x.rule === 'zone-policy');
      const audited = (v.audited ?? []).filter((x) => x.rule === 'zone-policy');
      const got: Outcome = denied.length
        ? 'deny'
        : warned.length
          ? 'warn'
          : audited.length
            ? 'audit'
            : 'allow';
      expect(got).toBe(c.want);
      expect(v.allowed).toBe(c.want !== 'deny');
      const finding = [...denied, ...warned, ...audited][0];
      if (c.want === 'warn') expect(v.warnings.join('\n')).toContain(`${c.claim.hostname}: zone-policy: `);
      if (finding) {
        expect(finding.hostname).toBe(c.claim.hostname);
        expect(finding.fix.length).toBeGreaterThan(20);
      }
      if (c.message) expect(finding?.message).toMatch(c.message);
      if (c.fix) expect(finding?.fix).toMatch(c.fix);
    });
  }

  it('reads the clock at each evaluation: one set, the exemption applies, then expires', () => {
    let now = BEFORE_EXPIRY;
    const ctx: RuleContext = { ...ctxFor(FIXTURE), now: () => now };
    const x = objectIn('team-a-old', A('legacy.example.com'));
    expect(evaluate(x, ctx).allowed).toBe(true);
    now = AFTER_EXPIRY;
    expect(evaluate(x, ctx).allowed).toBe(false);
  });

  it('names the policies a finding is about (metrics label)', () => {
    const v = evaluate(objectIn('shared', A('app.example.com')), ctxFor(FIXTURE));
    expect(v.violations[0].policy).toBe('staging,team-a');
  });
});

describe('label selectors (matchLabels + matchExpressions)', () => {
  const cases: { name: string; sel: unknown; labels: Record<string, string>; want: boolean }[] = [
    { name: 'matchLabels equal', sel: { matchLabels: { team: 'a' } }, labels: { team: 'a' }, want: true },
    {
      name: 'matchLabels other value',
      sel: { matchLabels: { team: 'a' } },
      labels: { team: 'b' },
      want: false,
    },
    { name: 'matchLabels missing key', sel: { matchLabels: { team: 'a' } }, labels: {}, want: false },
    {
      name: 'In',
      sel: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }] },
      labels: { team: 'b' },
      want: true,
    },
    {
      name: 'In, key absent',
      sel: { matchExpressions: [{ key: 'team', operator: 'In', values: ['a'] }] },
      labels: {},
      want: false,
    },
    {
      name: 'NotIn, other value',
      sel: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
      labels: { env: 'dev' },
      want: true,
    },
    {
      name: 'NotIn, listed value',
      sel: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
      labels: { env: 'prod' },
      want: false,
    },
    {
      name: 'NotIn, key absent (Kubernetes: matches)',
      sel: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] },
      labels: {},
      want: true,
    },
    {
      name: 'Exists',
      sel: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      labels: { tier: '' },
      want: true,
    },
    {
      name: 'Exists, absent',
      sel: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] },
      labels: {},
      want: false,
    },
    {
      name: 'DoesNotExist',
      sel: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      labels: { team: 'a' },
      want: true,
    },
    {
      name: 'DoesNotExist, present',
      sel: { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] },
      labels: { tier: 'x' },
      want: false,
    },
    {
      name: 'matchLabels and matchExpressions are ANDed',
      sel: {
        matchLabels: { team: 'a' },
        matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }],
      },
      labels: { team: 'a', env: 'dev' },
      want: false,
    },
    { name: 'empty selector selects every namespace', sel: {}, labels: { anything: 'x' }, want: true },
  ];
  for (const c of cases)
    it(c.name, () => {
      const { selector, problems } = compileLabelSelector(c.sel, 'spec.namespaceSelector');
      expect(problems).toEqual([]);
      expect(selects(selector!, c.labels)).toBe(c.want);
    });
});

describe('name patterns by whole label', () => {
  const p = (d: string) => parseDomain(d) as NamePattern;
  const cases: { domain: string; name: string; covers: boolean; touches: boolean }[] = [
    { domain: 'example.com', name: 'example.com', covers: true, touches: true },
    { domain: 'example.com', name: 'a.example.com', covers: true, touches: true },
    { domain: 'example.com', name: 'badexample.com', covers: false, touches: false },
    { domain: '*.example.com', name: 'example.com', covers: false, touches: false },
    { domain: '.example.com', name: 'a.example.com', covers: true, touches: true },
    { domain: '.example.com', name: 'example.com', covers: false, touches: false },
    { domain: 'Example.COM.', name: 'a.example.com', covers: true, touches: true },
    { domain: 'a.example.com', name: '*.example.com', covers: false, touches: true },
    { domain: 'example.com', name: '*.example.com', covers: true, touches: true },
    { domain: '*.example.com', name: '*.example.com', covers: true, touches: true },
    { domain: 'b.example.com', name: '*.a.example.com', covers: false, touches: false },
  ];
  for (const c of cases)
    it(`${c.domain} vs ${c.name}`, () => {
      expect(covers(p(c.domain), claimedName(c.name))).toBe(c.covers);
      expect(touches(p(c.domain), claimedName(c.name))).toBe(c.touches);
    });
});

describe('invalid ZonePolicies (what the webhook refuses)', () => {
  const byName = new Map(load('invalid-policies.yaml').map((o) => [String(o.metadata?.name), o]));
  const cases: [string, RegExp][] = [
    ['no-domains', /^spec\.domains is required$/],
    [
      'bad-operator',
      /^spec\.namespaceSelector\.matchExpressions\[0\]\.operator must be one of In, NotIn, Exists, DoesNotExist/,
    ],
    [
      'in-without-values',
      /^spec\.namespaceSelector\.matchExpressions\[0\]\.values must not be empty for operator In$/,
    ],
    [
      'exists-with-values',
      /^spec\.namespaceSelector\.matchExpressions\[0\]\.values must be empty for operator Exists$/,
    ],
    ['bad-label-value', /^spec\.namespaceSelector\.matchLabels\.team "a b" is not a valid label value$/],
    [
      'inner-wildcard',
      /^spec\.domains\[0\] "a\.\*\.example\.com" has a wildcard that is not the whole first label$/,
    ],
    ['bad-cidr', /^spec\.targets\.allowCIDRs\[0\] "203\.0\.113\.0\/33" is not a CIDR/],
    ['bad-expiry', /^spec\.exemptions\[0\]\.expires must be an RFC 3339 time/],
    ['bad-enforcement', /^spec\.enforcement must be one of Deny, Warn, Audit, not a "Block"$/],
    ['namespaced', /^metadata\.namespace must be empty: ZonePolicy is cluster-scoped$/],
  ];
  for (const [name, want] of cases)
    it(name, () => {
      const { policy, problems } = compileZonePolicy(byName.get(name)!);
      expect(policy).toBeUndefined();
      expect(problems.map((x) => `${x.field} ${x.message}`)).toEqual([expect.stringMatching(want)]);
    });

  it('every fixture policy compiles', () => {
    for (const o of FIXTURE.filter((x) => x.kind === 'ZonePolicy'))
      expect(compileZonePolicy(o).problems, String(o.metadata?.name)).toEqual([]);
  });
});

describe('two policies delegating one name to different namespace sets', () => {
  const policy = (
    name: string,
    team: string,
    domains: string[],
    excludeDomains: string[] = [],
  ): CompiledZonePolicy =>
    compileZonePolicy({
      apiVersion: 'zoneguard.io/v1alpha1',
      kind: 'ZonePolicy',
      metadata: { name },
      spec: { namespaceSelector: { matchLabels: { team } }, domains, excludeDomains },
    }).policy!;
  const cases: {
    name: string;
    policies: CompiledZonePolicy[];
    want: { a: string; b: string; name: string }[];
  }[] = [
    {
      name: "a domain inside another team's domain",
      policies: [policy('a', 'a', ['a.example.com']), policy('all', 'ops', ['example.com'])],
      want: [{ a: 'a', b: 'all', name: 'a.example.com' }],
    },
    {
      name: 'the other side excludes it',
      policies: [
        policy('a', 'a', ['a.example.com']),
        policy('all', 'ops', ['example.com'], ['a.example.com']),
      ],
      want: [],
    },
    {
      name: 'the same namespace set (same selector) is no conflict',
      policies: [policy('a1', 'a', ['a.example.com']), policy('a2', 'a', ['example.com'])],
      want: [],
    },
    {
      name: 'disjoint domains',
      policies: [policy('a', 'a', ['a.example.com']), policy('b', 'b', ['b.example.com'])],
      want: [],
    },
    {
      name: 'wildcard against its apex only',
      policies: [policy('w', 'a', ['*.example.com']), policy('apex', 'b', ['example.com'])],
      want: [{ a: 'w', b: 'apex', name: '*.example.com' }],
    },
  ];
  for (const c of cases) it(c.name, () => expect(delegationOverlaps(c.policies)).toEqual(c.want));
});
