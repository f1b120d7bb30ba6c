import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import { gatewayLookup } from '../evaluate.js';
import { endpointsOf, extract, type ExtractContext } from './index.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const objects = loadManifests([fixtures]).map((l) => l.obj);
const gateway = gatewayLookup(objects);
const ctx: ExtractContext = { ingressClasses: [], defaultTargets: [], gateway };

function find(kind: string, name: string) {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name);
  if (!o) throw new Error(`fixture ${kind} ${name} missing`);
  return o;
}

/** "name TYPE target,target [ttl]" per claim; "name ?" for a claim with no target yet. */
function summary(kind: string, name: string, c: ExtractContext = ctx): string[] {
  const x = extract(find(kind, name), c);
  return x.claims.map(
    (cl) =>
      `${cl.hostname} ${cl.recordType ?? '?'}${cl.targets.length ? ' ' + cl.targets.join(',') : ''}${cl.ttl ? ' ttl=' + cl.ttl : ''}`,
  );
}

const cases: {
  kind: string;
  name: string;
  want: string[];
  warning?: RegExp;
  skipped?: RegExp;
  problem?: RegExp;
  ctx?: Partial<ExtractContext>;
}[] = [
  {
    kind: 'Service',
    name: 'lb-ip',
    want: [
      'a.example.com A 203.0.113.1 ttl=60',
      'a.example.com AAAA 2001:db8::1 ttl=60',
      'b.example.com A 203.0.113.1 ttl=60',
      'b.example.com AAAA 2001:db8::1 ttl=60',
    ],
  },
  {
    kind: 'Service',
    name: 'lb-hostname',
    want: ['elb.example.com CNAME my-lb-123.eu-west-1.elb.amazonaws.com'],
  },
  {
    kind: 'Service',
    name: 'pending',
    want: ['pending.example.com ?'],
    warning: /no load-balancer address yet/,
  },
  { kind: 'Service', name: 'target-override', want: ['t.example.com A 198.51.100.5,198.51.100.6'] },
  { kind: 'Service', name: 'internal', want: ['internal.example.com A 10.96.0.10'] },
  { kind: 'Service', name: 'both', want: ['pub.example.com A 203.0.113.2', 'priv.example.com A 10.96.0.11'] },
  { kind: 'Service', name: 'external-name', want: ['alias.example.com CNAME backend.example.net'] },
  { kind: 'Service', name: 'other-controller', want: [], skipped: /controller annotation/ },
  { kind: 'Service', name: 'no-annotation', want: [] },
  {
    kind: 'Service',
    name: 'bad-ttl',
    want: ['ttl.example.com A 203.0.113.5'],
    problem: /TTL annotation -5 is outside/,
  },
  { kind: 'Service', name: 'duration-ttl', want: ['dttl.example.com A 203.0.113.6 ttl=300'] },
  { kind: 'Service', name: 'zero-ttl', want: ['zttl.example.com A 203.0.113.8'] },
  { kind: 'Service', name: 'weighted-eu', want: ['shop.example.com A 203.0.113.20'] },
  {
    kind: 'Service',
    name: 'latency-no-id',
    want: ['near.example.com A 203.0.113.21'],
    problem: /aws-region needs the set-identifier annotation/,
  },
  {
    kind: 'Service',
    name: 'two-policies',
    want: ['both.example.com A 203.0.113.22'],
    problem: /aws-weight and aws-failover: Route 53 takes one routing policy per record set/,
  },
  {
    kind: 'Ingress',
    name: 'rules-and-tls',
    want: [
      'app.example.com A 203.0.113.10',
      'api.example.com A 203.0.113.10',
      'secure.example.com A 203.0.113.10',
    ],
  },
  {
    kind: 'Ingress',
    name: 'with-annotation',
    want: ['main.example.com CNAME lb.example.net', 'extra.example.com CNAME lb.example.net'],
  },
  { kind: 'Ingress', name: 'annotation-only', want: ['only.example.com A 203.0.113.11'] },
  { kind: 'Ingress', name: 'defined-only', want: ['defined.example.com A 203.0.113.12'] },
  { kind: 'Ingress', name: 'pending', want: ['wait.example.com ?'], warning: /no load-balancer address yet/ },
  {
    kind: 'Ingress',
    name: 'rules-and-tls',
    ctx: { ingressClasses: ['nginx'] },
    want: [
      'app.example.com A 203.0.113.10',
      'api.example.com A 203.0.113.10',
      'secure.example.com A 203.0.113.10',
    ],
  },
  {
    kind: 'Ingress',
    name: 'with-annotation',
    ctx: { ingressClasses: ['nginx'] },
    want: [],
    skipped: /ingress class "traefik" is not in --ingress-class \[nginx\]/,
  },
  {
    kind: 'DNSEndpoint',
    name: 'records',
    want: [
      'www.example.com A 192.0.2.1,192.0.2.2 ttl=180',
      'alias.example.com CNAME www.example.com',
      'txt.example.com TXT hello world',
    ],
  },
  // source/crd.go has no controller check: a DNSEndpoint marked for another controller is published
  { kind: 'DNSEndpoint', name: 'other-controller', want: ['marked.example.com A 192.0.2.11'] },
  {
    kind: 'DNSEndpoint',
    name: 'malformed',
    want: ['ttl.example.com A 192.0.2.3'],
    problem: /dnsName is missing/,
  },
  {
    kind: 'DNSEndpoint',
    name: 'numeric-name',
    want: ['fine.example.com A 192.0.2.10'],
    problem: /spec\.endpoints\[0\]\.dnsName must be a string, not the number 5 \(DNSEndpoint CRD schema\)/,
  },
  {
    kind: 'Ingress',
    name: 'malformed',
    want: ['tls.example.com A 203.0.113.13'],
    problem:
      /spec\.rules must be a list, not a "app\.example\.com"[^]*spec\.tls\[0\]\.hosts must be a list[^]*spec\.tls\[1\]\.hosts\[0\] must be a string, not the number 5/,
  },
  // the webhook and validate see routes before any Gateway controller: spec.parentRefs
  { kind: 'HTTPRoute', name: 'accepted', want: ['cart.example.com A 203.0.113.50'] },
  { kind: 'HTTPRoute', name: 'refused', want: ['nope.example.com A 203.0.113.50'] },
  // the reconciler, reading the cluster: only parents that accepted the route (status.parents)
  {
    kind: 'HTTPRoute',
    name: 'accepted',
    ctx: { acceptedRoutesOnly: true },
    want: ['cart.example.com A 203.0.113.50'],
  },
  {
    kind: 'HTTPRoute',
    name: 'refused',
    ctx: { acceptedRoutesOnly: true },
    want: [],
    warning: /no Gateway has accepted this HTTPRoute/,
  },
  {
    kind: 'HTTPRoute',
    name: 'route',
    ctx: { acceptedRoutesOnly: true },
    want: [],
    warning: /no Gateway has accepted this HTTPRoute/,
  },
  // a parentRef port no HTTP/HTTPS listener serves attaches to nothing
  {
    kind: 'HTTPRoute',
    name: 'wrong-port',
    want: ['port.example.com ?'],
    warning: /no listener of Gateway infra\/gw port 8443 takes this HTTPRoute \(protocol HTTP\/HTTPS/,
  },
  {
    kind: 'HTTPRoute',
    name: 'malformed',
    want: ['typed.example.com ?'],
    warning: /HTTPRoute has no Gateway in spec.parentRefs/,
    problem:
      /spec\.hostnames\[0\] must be a string, not the number 7[^]*spec\.parentRefs must be a list, not a "public"/,
  },
  { kind: 'HTTPRoute', name: 'route', want: ['shop.example.com A 203.0.113.50'] },
  { kind: 'HTTPRoute', name: 'no-hostnames', want: ['exact.example.org A 203.0.113.50'] },
  { kind: 'HTTPRoute', name: 'orphan', want: ['lonely.example.com ?'], warning: /parent Gateway not found/ },
];

describe('hostname extraction (external-dns source semantics)', () => {
  for (const c of cases) {
    it(`${c.kind} ${c.name}${c.ctx ? ' with ' + JSON.stringify(c.ctx) : ''}`, () => {
      const cx = { ...ctx, ...c.ctx };
      const x = extract(find(c.kind, c.name), cx);
      expect(summary(c.kind, c.name, cx)).toEqual(c.want);
      if (c.warning) expect(x.warnings.join('\n')).toMatch(c.warning);
      if (c.skipped) expect(x.skipped).toMatch(c.skipped);
      else expect(x.skipped).toBeUndefined();
      if (c.problem) expect(x.problems.map((p) => p.message).join('\n')).toMatch(c.problem);
    });
  }

  it('malformed DNSEndpoint entries are each reported with their field', () => {
    const x = extract(find('DNSEndpoint', 'malformed'), ctx);
    // the CRD's schema speaks first (targets not a list), then what it cannot say (no dnsName, TTL over the maximum)
    expect(x.problems.map((p) => `${p.rule} ${p.field}`)).toEqual([
      'object spec.endpoints[1].targets',
      'hostname spec.endpoints[0].dnsName',
      'ttl spec.endpoints[2].recordTTL',
    ]);
  });

  it('endpoints carry the external-dns resource label and provider-specific properties', () => {
    const eps = endpointsOf(extract(find('DNSEndpoint', 'records'), ctx));
    expect(eps[0].labels).toEqual({ resource: 'crd/dns/records' });
    expect(eps[2]).toMatchObject({
      setIdentifier: 'eu',
      providerSpecific: { alias: 'false' },
      labels: { team: 'a', resource: 'crd/dns/records' },
    });
  });

  it("carries external-dns's aws-* routing annotations as provider-specific properties, with the set identifier", () => {
    const [ep] = endpointsOf(extract(find('Service', 'weighted-eu'), ctx));
    expect(ep).toMatchObject({
      setIdentifier: 'eu',
      providerSpecific: { 'aws/weight': '70', 'aws/health-check-id': '0b7c1e3a-hc' },
    });
  });

  it('claims remember where each hostname came from', () => {
    const x = extract(find('Ingress', 'rules-and-tls'), ctx);
    expect(x.claims.map((c) => c.field)).toEqual([
      'spec.rules[0].host',
      'spec.rules[1].host',
      'spec.tls[0].hosts[0]',
    ]);
  });

  it('never throws on garbage objects', () => {
    const garbage = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'x',
          annotations: { 'external-dns.kubernetes.io/hostname': 'a.example.com' },
        },
        spec: 'nope',
        status: 7,
      },
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'x' },
        spec: { rules: 'x', tls: [null, { hosts: 5 }] },
      },
      {
        apiVersion: 'externaldns.k8s.io/v1alpha1',
        kind: 'DNSEndpoint',
        metadata: { name: 'x' },
        spec: { endpoints: { a: 1 } },
      },
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'x' },
        spec: { parentRefs: [1, null, { name: 5 }], hostnames: [null] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: 'bad' },
    ];
    for (const g of garbage) expect(() => extract(g as never, ctx)).not.toThrow();
  });
});

describe('problems belong to the names they concern', () => {
  it('an object-level problem (the ttl annotation) applies to every hostname of the object', () => {
    const x = extract(find('Service', 'bad-ttl'), ctx);
    expect(x.problems.map((p) => p.hostname)).toEqual(['ttl.example.com']);
  });
  it("a DNSEndpoint entry without a usable dnsName is not pinned on another entry's name", () => {
    const x = extract(find('DNSEndpoint', 'numeric-name'), ctx);
    expect(x.problems).toMatchObject([{ hostname: '', rule: 'object', field: 'spec.endpoints[0].dnsName' }]);
  });
});
