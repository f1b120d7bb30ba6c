/**
 * NodePort and headless Service targets from Nodes, Pods and EndpointSlices, as external-dns v0.22
 * makes them: docs/sources/service.md ("NodePort", "ClusterIP (headless)", "Domain names for
 * headless service pods") and the tables of source/service_test.go it summarises
 * (TestServiceSourceNodePortServices: ExternalIPs by default, a private cluster's InternalIPs,
 * access=private/public, exposeInternalIPv6, unschedulable nodes, SRV "0 50 <nodePort> <name>.";
 * TestNodesExternalTrafficPolicyTypeLocal: the best readiness tier; TestHeadlessServices and
 * TestHeadlessServicesHostIP: pod IPs, <hostname>.<name>, not-ready addresses, HostIP,
 * NodeExternalIP, a Pod's own target annotation, Pods the Service does not select).
 * Fixtures: core/hostnames/fixtures/service-targets.yaml.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifests } from '../manifests.js';
import { ObjectSet } from './common.js';
import { endpointsOf, extract, type ExtractContext } from './index.js';

const all = loadManifests([join(import.meta.dirname, 'fixtures', 'service-targets.yaml')]).map((l) => l.obj);
const named = (n: string) => all.find((o) => o.metadata?.name === n && o.kind === 'Service')!;
const nodes = (...names: string[]) =>
  all.filter((o) => o.kind === 'Node' && names.includes(o.metadata!.name!));
const kind = (k: string) => all.filter((o) => o.kind === k);
const CLUSTER = [...nodes('node1', 'node2'), ...kind('Pod'), ...kind('EndpointSlice')];

const cases: {
  name: string;
  service: string;
  objects?: typeof all;
  ctx?: Partial<ExtractContext>;
  /** "name TYPE targets" of each published record. */
  want: string[];
  warning?: RegExp;
}[] = [
  {
    name: "NodePort: the ExternalIPs of the cluster's nodes (IPv4 and IPv6)",
    service: 'foo',
    want: ['foo.example.org A 54.10.11.1,54.10.11.2', 'foo.example.org AAAA 2001:db8::1,2001:db8::3'],
  },
  {
    name: 'NodePort: the SRV record of each nodePort when SRV is managed',
    service: 'foo',
    ctx: { nodePortSrv: true },
    want: [
      'foo.example.org A 54.10.11.1,54.10.11.2',
      'foo.example.org AAAA 2001:db8::1,2001:db8::3',
      '_foo._tcp.foo.example.org SRV 0 50 30192 foo.example.org.',
    ],
  },
  {
    name: 'NodePort: SRV per port and protocol, ports without a nodePort give none',
    service: 'dns',
    ctx: { nodePortSrv: true },
    want: [
      'dns.example.org A 54.10.11.1,54.10.11.2',
      'dns.example.org AAAA 2001:db8::1,2001:db8::3',
      '_dns._udp.dns.example.org SRV 0 50 30053 dns.example.org.',
      '_dns._tcp.dns.example.org SRV 0 50 30054 dns.example.org.',
    ],
  },
  {
    name: "NodePort: a private cluster's InternalIPs",
    service: 'foo',
    objects: nodes('private1', 'private2'),
    want: ['foo.example.org A 10.0.2.1,10.0.2.2'],
  },
  {
    name: 'NodePort access=private: InternalIPs, IPv6 included',
    service: 'private',
    want: ['foo.example.org A 10.0.1.1,10.0.1.2', 'foo.example.org AAAA 2001:db8::2,2001:db8::4'],
  },
  {
    name: 'NodePort access=public without --expose-internal-ipv6: ExternalIPs only',
    service: 'public',
    want: ['foo.example.org A 54.10.11.1,54.10.11.2', 'foo.example.org AAAA 2001:db8::1,2001:db8::3'],
  },
  {
    name: 'NodePort access=public with --expose-internal-ipv6: InternalIP IPv6 too',
    service: 'public',
    ctx: { exposeInternalIpv6: true },
    want: [
      'foo.example.org A 54.10.11.1,54.10.11.2',
      'foo.example.org AAAA 2001:db8::1,2001:db8::3,2001:db8::2,2001:db8::4',
    ],
  },
  {
    name: 'NodePort: an unschedulable node is left out (--exclude-unschedulable, default)',
    service: 'foo',
    objects: nodes('node1', 'cordoned'),
    want: ['foo.example.org A 54.10.11.1', 'foo.example.org AAAA 2001:db8::1'],
  },
  {
    name: 'NodePort: --no-exclude-unschedulable keeps it',
    service: 'foo',
    objects: nodes('node1', 'cordoned'),
    ctx: { excludeUnschedulable: false },
    want: ['foo.example.org A 54.10.11.1,54.10.11.9', 'foo.example.org AAAA 2001:db8::1'],
  },
  {
    name: 'NodePort Local: only the nodes of ready, non-terminating Running Pods',
    service: 'local',
    objects: [...nodes('node1', 'node2', 'private1', 'private2'), ...kind('Pod')],
    want: ['foo.example.org A 54.10.11.1', 'foo.example.org AAAA 2001:db8::1'],
  },
  {
    name: 'NodePort Local: ready terminating Pods when no other is ready',
    service: 'local',
    objects: [
      ...nodes('node1', 'node2', 'private1', 'private2'),
      ...kind('Pod').filter((p) => p.metadata?.name !== 'local-a'),
    ],
    want: ['foo.example.org A 54.10.11.2', 'foo.example.org AAAA 2001:db8::3'],
  },
  {
    name: 'NodePort Local: running not-ready Pods as a last resort (InternalIPs of a private node)',
    service: 'local',
    objects: [
      ...nodes('node1', 'node2', 'private1', 'private2'),
      ...kind('Pod').filter((p) => !['local-a', 'local-b'].includes(p.metadata!.name!)),
    ],
    want: ['foo.example.org A 10.0.2.1'],
  },
  {
    name: 'NodePort without any Node read: the name is checked, nothing published',
    service: 'foo',
    objects: [],
    want: [],
    warning: /takes the addresses of the cluster's Nodes, and none was read/,
  },
  {
    name: 'headless: ready Pod IPs, and <spec.hostname>.<name> per Pod, with the TTL',
    service: 'headless',
    want: [
      'foo-0.service.example.org A 1.1.1.1 ttl=60',
      'foo-1.service.example.org A 1.1.1.2 ttl=60',
      'service.example.org A 1.1.1.1,1.1.1.2 ttl=60',
    ],
    warning: /Pod testing\/bar-0 of EndpointSlice headless-abc was not found among the Pods it selects/,
  },
  {
    name: 'headless: spec.publishNotReadyAddresses adds not-ready endpoints',
    service: 'headless-not-ready',
    want: [
      'foo-0.service.example.org A 1.1.1.1',
      'foo-1.service.example.org A 1.1.1.2',
      'service.example.org A 1.1.1.1,1.1.1.2,1.1.1.3',
    ],
  },
  {
    name: 'headless: --always-publish-not-ready-addresses adds them too',
    service: 'headless',
    ctx: { alwaysPublishNotReadyAddresses: true },
    want: [
      'foo-0.service.example.org A 1.1.1.1 ttl=60',
      'foo-1.service.example.org A 1.1.1.2 ttl=60',
      'service.example.org A 1.1.1.1,1.1.1.2,1.1.1.3 ttl=60',
    ],
  },
  {
    name: 'headless endpoints-type HostIP: the Pods status.hostIP',
    service: 'headless-host-ip',
    want: [
      'foo-0.service.example.org A 10.0.1.1',
      'foo-1.service.example.org A 10.0.1.2',
      'service.example.org A 10.0.1.1,10.0.1.2',
    ],
  },
  {
    name: 'headless with --publish-host-ip: the Pods status.hostIP',
    service: 'headless',
    ctx: { publishHostIp: true },
    want: [
      'foo-0.service.example.org A 10.0.1.1 ttl=60',
      'foo-1.service.example.org A 10.0.1.2 ttl=60',
      'service.example.org A 10.0.1.1,10.0.1.2 ttl=60',
    ],
  },
  {
    name: "headless endpoints-type NodeExternalIP: the Pods' nodes' ExternalIPs",
    service: 'headless-node-ip',
    want: [
      'foo-0.service.example.org A 54.10.11.1',
      'foo-0.service.example.org AAAA 2001:db8::1',
      'foo-1.service.example.org A 54.10.11.2',
      'foo-1.service.example.org AAAA 2001:db8::3',
      'service.example.org A 54.10.11.1,54.10.11.2',
      'service.example.org AAAA 2001:db8::1,2001:db8::3',
    ],
  },
  {
    name: "headless: a Pod's own target annotation",
    service: 'headless-pod-target',
    want: ['pinned.example.org A 198.51.100.7'],
  },
  {
    name: "headless: the Service's target annotation replaces the Pods' addresses",
    service: 'headless-target',
    want: ['service.example.org A 203.0.113.5'],
  },
  {
    name: 'headless without any EndpointSlice read: the name is checked, nothing published',
    service: 'headless',
    objects: [],
    want: [],
    warning: /takes its Pods' addresses from its EndpointSlices, and none was read/,
  },
];

describe('NodePort and headless Service targets (external-dns v0.22 service source)', () => {
  it.each(cases)('$name', (c) => {
    const ctx: ExtractContext = {
      ingressClasses: [],
      defaultTargets: [],
      objects: new ObjectSet(c.objects ?? CLUSTER),
      ...c.ctx,
    };
    const x = extract(named(c.service), ctx);
    expect(x.problems).toEqual([]);
    const got = endpointsOf(x).map(
      (e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}${e.ttl ? ` ttl=${e.ttl}` : ''}`,
    );
    expect(got).toEqual(c.want);
    // every name is a claim, published or not: the webhook and validate check it
    expect(x.claims.length).toBeGreaterThan(0);
    if (c.warning) expect(x.warnings.join('\n')).toMatch(c.warning);
  });
});
