/**
 * Gateway API route kinds, table-tested from external-dns v0.22: source/gateway_test.go
 * (TestGatewayMatchingHost, TestGatewayMatchingProtocol), gateway_{grpc,tls,tcp,udp}route_test.go
 * (a TCPRoute/UDPRoute is named by its hostname annotation; a route without hostnames takes the
 * listener's), source/gateway.go (allowedRoutes, gateway-hostname-source, --gateway-name,
 * --gateway-namespace, --gateway-label-filter) and docs/sources/gateway-api.md.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLookups } from '../evaluate.js';
import { loadManifests } from '../manifests.js';
import { extract, type ExtractContext } from './index.js';
import { matchingHost } from './routes.js';

const objects = loadManifests([join(import.meta.dirname, 'fixtures', 'routes.yaml')]).map((l) => l.obj);
const base = withLookups({ ingressClasses: [], defaultTargets: [] }, objects);
const find = (name: string) => objects.find((o) => o.metadata?.name === name && o.kind !== 'Gateway')!;

const cases: {
  name: string;
  want: string[];
  warning?: RegExp;
  skipped?: RegExp;
  ctx?: Partial<ExtractContext>;
}[] = [
  // spec.hostnames narrowed to the listener's *.example.com
  { name: 'grpc', want: ['api.example.com A 198.51.100.10'] },
  // no spec.hostnames: the listener's hostname (gateway.go hosts(): "" matches the listener)
  { name: 'grpc-inherit', want: ['*.example.com A 198.51.100.10'] },
  // allowedRoutes namespaces default Same: a route of another namespace does not attach; its
  // names are still checked (no targets), the Gateway may let it in later
  {
    name: 'grpc-same-namespace-only',
    want: ['svc.internal.example.com ?'],
    warning: /svc.internal.example.com: no listener of Gateway net\/edge section same takes this GRPCRoute/,
  },
  // allowedRoutes kinds [HTTPRoute]
  {
    name: 'grpc-kind-not-allowed',
    want: ['grpc.example.com ?'],
    warning: /no listener of Gateway net\/edge section http-only takes this GRPCRoute/,
  },
  // TLS route, no sectionName: only the TLS listener takes it (TestGatewayMatchingProtocol)
  { name: 'tls', want: ['tls.example.com A 198.51.100.10'] },
  // the Gateway's target annotation replaces its addresses
  { name: 'tls-to-lb', want: ['passthrough.example.com CNAME lb.example.net'] },
  // TCPRoute: the hostname annotation (gateway_tcproute_test.go)
  { name: 'tcp', want: ['db.example.com A 198.51.100.10'] },
  // TCP route on a TLS listener ("protocol-match-valid-lis-TLS-route-TCP"), listener's name
  { name: 'tcp-on-tls', want: ['tls.example.com A 198.51.100.10'] },
  { name: 'udp', want: ['dns.example.com A 198.51.100.10'] },
  {
    name: 'udp-on-http',
    want: ['voice.example.com ?'],
    warning:
      /voice.example.com: no listener of Gateway net\/edge section http takes this UDPRoute \(protocol UDP/,
  },
  // gateway-hostname-source (docs/annotations/annotations.md)
  { name: 'annotation-only', want: ['ann.example.com A 198.51.100.10'] },
  { name: 'defined-hosts-only', want: ['spec.example.com A 198.51.100.10'] },
  { name: 'defined-hosts-only-empty', want: [] },
  {
    name: 'bad-hostname-source',
    want: ['spec.example.com A 198.51.100.10', 'ann.example.com A 198.51.100.10'],
    warning: /gateway-hostname-source is "both-please", not annotation-only or defined-hosts-only/,
  },
  // --gateway-name / --gateway-namespace: off the parentRef, even offline
  { name: 'grpc', ctx: { gatewayFilter: { name: 'edge' } }, want: ['api.example.com A 198.51.100.10'] },
  {
    name: 'grpc',
    ctx: { gatewayFilter: { name: 'other' } },
    want: [],
    skipped: /named --gateway-name "other"/,
  },
  {
    name: 'grpc',
    ctx: { gatewayFilter: { namespace: 'elsewhere' } },
    want: [],
    skipped: /in --gateway-namespace "elsewhere"/,
  },
  { name: 'grpc', ctx: { gatewayFilter: { namespace: 'net' } }, want: ['api.example.com A 198.51.100.10'] },
  // --gateway-label-filter: needs the Gateway
  {
    name: 'grpc',
    ctx: { gatewayFilter: { labels: 'tier=edge' } },
    want: ['api.example.com A 198.51.100.10'],
  },
  {
    name: 'grpc',
    ctx: { gatewayFilter: { labels: 'tier=internal' } },
    want: [],
    skipped: /no parent Gateway matches --gateway-label-filter "tier=internal"/,
  },
  // offline, without the Gateway: every name is still checked (no targets yet)
  {
    name: 'grpc',
    ctx: { gateway: () => undefined },
    want: ['api.example.com ?', 'api.example.org ?'],
    warning: /parent Gateway not found/,
  },
  {
    name: 'tcp',
    ctx: { gateway: () => undefined },
    want: ['db.example.com ?'],
    warning: /parent Gateway not found/,
  },
];

describe('Gateway API routes (gateway-grpcroute, -tlsroute, -tcproute, -udproute)', () => {
  it.each(cases)('$name $ctx', (c) => {
    const x = extract(find(c.name), { ...base, ...c.ctx });
    expect(
      x.claims.map(
        (cl) =>
          `${cl.hostname} ${cl.recordType ?? '?'}${cl.targets.length ? ' ' + cl.targets.join(',') : ''}`,
      ),
    ).toEqual(c.want);
    expect(x.problems).toEqual([]);
    if (c.warning) expect(x.warnings.join('\n')).toMatch(c.warning);
    else expect(x.warnings).toEqual([]);
    if (c.skipped) expect(x.skipped).toMatch(c.skipped);
    else expect(x.skipped).toBeUndefined();
  });

  // ListenerSets (docs/sources/gateway-api.md: "Routes that reference a ListenerSet as a parentRef
  // ... ExternalDNS follows the ListenerSet to its parent Gateway"; the ListenerSet's target
  // annotation first; source/gateway.go gatewayAllowsListenerSet, listenerSetIsAccepted)
  const on: Partial<ExtractContext> = { gatewayListenerSets: true };
  const lsCases: {
    name: string;
    ctx: Partial<ExtractContext>;
    want: string[];
    warning?: RegExp;
    skipped?: RegExp;
  }[] = [
    { name: 'ls-inherit', ctx: on, want: ['*.team.example.com A 198.51.100.30'] },
    // without --gateway-listener-sets: the same name, checked (an external-dns with the flag
    // publishes it) and never published
    {
      name: 'ls-inherit',
      ctx: {},
      want: ['*.team.example.com A 198.51.100.30 check-only(--gateway-listener-sets)'],
      warning:
        /\*\.team\.example\.com: through a ListenerSet parent; checked .* published by zoneguard only with --gateway-listener-sets/,
    },
    { name: 'ls-hosts', ctx: on, want: ['api.team.example.com A 198.51.100.30'] },
    { name: 'ls-target', ctx: on, want: ['app.lb.example.com CNAME team-lb.example.net'] },
    {
      name: 'ls-refused',
      ctx: on,
      want: ['x.refused.example.com ?'],
      warning:
        /no listener of ListenerSet apps\/refused \(its Gateway's spec.allowedListeners does not take ListenerSets from this namespace\)/,
    },
    {
      name: 'ls-missing',
      ctx: on,
      want: ['lost.example.com ?'],
      warning: /lost.example.com: parent ListenerSet not found/,
    },
    // read from the cluster to publish: the ListenerSet must be Accepted, as the route must be
    { name: 'ls-pending', ctx: on, want: ['soon.pending.example.com A 198.51.100.30'] },
    {
      name: 'ls-pending',
      ctx: { ...on, acceptedRoutesOnly: true },
      want: ['soon.pending.example.com ?'],
      warning: /ListenerSet apps\/pending \(not Accepted/,
    },
    {
      name: 'ls-inherit',
      ctx: { ...on, acceptedRoutesOnly: true },
      want: ['*.team.example.com A 198.51.100.30'],
    },
    // --gateway-name is the ListenerSet's parent Gateway
    {
      name: 'ls-inherit',
      ctx: { ...on, gatewayFilter: { name: 'shared' } },
      want: ['*.team.example.com A 198.51.100.30'],
    },
    {
      name: 'ls-inherit',
      ctx: { ...on, gatewayFilter: { name: 'edge' } },
      want: [],
      skipped: /named --gateway-name "edge"/,
    },
  ];
  it.each(lsCases)('ListenerSet parent: $name $ctx', (c) => {
    const x = extract(find(c.name), { ...base, ...c.ctx });
    expect(
      x.claims.map(
        (cl) =>
          `${cl.hostname} ${cl.recordType ?? '?'}${cl.targets.length ? ' ' + cl.targets.join(',') : ''}${cl.checkOnly ? ` check-only(${cl.checkOnly})` : ''}`,
      ),
    ).toEqual(c.want);
    expect(x.problems).toEqual([]);
    if (c.warning) expect(x.warnings.join('\n')).toMatch(c.warning);
    else expect(x.warnings).toEqual([]);
    if (c.skipped) expect(x.skipped).toMatch(c.skipped);
    else expect(x.skipped).toBeUndefined();
  });

  // TestGatewayMatchingHost, both argument orders
  const hosts: [string, string, string | undefined][] = [
    ['1.2.3.4', '', undefined],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '', undefined],
    ['', '', ''],
    ['example.net', '', 'example.net'],
    ['example.net', 'example.net', 'example.net'],
    ['*.example.net', 'test.example.net', 'test.example.net'],
    ['*.example.net', 'a.example.net', 'a.example.net'],
    ['*.example.net', 'foo.bar.test.example.net', 'foo.bar.test.example.net'],
    ['*.example.net', 'example.net', undefined],
    ['*example.net', 'test.example.net', undefined],
  ];
  it.each(hosts)('matchingHost(%j, %j) = %j', (a, b, want) => {
    expect(matchingHost(a, b)).toBe(want);
    expect(matchingHost(b, a)).toBe(want);
  });
});
