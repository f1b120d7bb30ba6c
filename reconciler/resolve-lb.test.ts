/**
 * --resolve-service-load-balancer-hostname (external-dns source/service.go: a LoadBalancer status
 * hostname is looked up and its addresses published; a name that does not resolve gives no target):
 * only the reconciler resolves; extraction without a resolver keeps the CNAME (webhook, validate, plan).
 */
import { describe, expect, it } from 'vitest';
import { DomainFilter } from '../core/domain-filter.js';
import { silentLogger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import { InMemoryProvider } from '../core/providers/inmemory/index.js';
import { TxtRegistry } from '../core/registry/txt-registry.js';
import { extract } from '../core/hostnames/index.js';
import { Reconciler } from './loop.js';
import { StaticSource } from './testing.js';
import type { HostLookup } from './resolve-lb.js';

const service = (name: string, lbHostname: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'external-dns.kubernetes.io/hostname': `${name}.example.com` },
  },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ hostname: lbHostname }] } },
});

async function publish(objects: KubeObject[], resolve: boolean, lookup?: HostLookup) {
  const inmem = new InMemoryProvider({ zones: ['example.com'] });
  const domainFilter = new DomainFilter({ filters: ['example.com'] });
  const r = new Reconciler({
    registry: new TxtRegistry(inmem, { ownerId: 'cluster-a' }),
    sources: [new StaticSource(objects)],
    ruleCtx: { ownerId: 'cluster-a', domainFilter, managedRecordTypes: ['A', 'AAAA', 'CNAME'] },
    extractCtx: {
      ingressClasses: [],
      defaultTargets: [],
      ...(resolve ? { resolveLoadBalancerHostname: true } : {}),
    },
    ...(lookup ? { lookup } : {}),
    policy: 'sync',
    managedRecordTypes: ['A', 'AAAA', 'CNAME'],
    domainFilter,
    logger: silentLogger(),
    minEventSyncIntervalMs: 0,
  });
  expect((await r.sync()).ok).toBe(true);
  return (await inmem.records())
    .filter((e) => e.recordType !== 'TXT')
    .map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`)
    .sort();
}

const fakeLookup: HostLookup = (h) =>
  h === 'lb-1.elb.example.net'
    ? Promise.resolve(['198.51.100.1', '198.51.100.2', '2001:db8::5'])
    : Promise.reject(new Error(`getaddrinfo ENOTFOUND ${h}`));

describe('--resolve-service-load-balancer-hostname', () => {
  it('off: a CNAME to the load balancer hostname', async () => {
    expect(await publish([service('web', 'lb-1.elb.example.net')], false, fakeLookup)).toEqual([
      'web.example.com CNAME lb-1.elb.example.net',
    ]);
  });

  it('on: A and AAAA records of the addresses; a name that does not resolve publishes nothing', async () => {
    expect(
      await publish(
        [service('web', 'lb-1.elb.example.net'), service('gone', 'nx.elb.example.net')],
        true,
        fakeLookup,
      ),
    ).toEqual(['web.example.com A 198.51.100.1,198.51.100.2', 'web.example.com AAAA 2001:db8::5']);
  });

  it('on, with the system resolver: localhost resolves to loopback addresses', async () => {
    const recs = await publish([service('local', 'localhost')], true);
    expect(recs.some((r) => /^local\.example\.com (A 127\.0\.0\.1|AAAA ::1)/.test(r))).toBe(true);
    expect(recs.some((r) => r.includes('CNAME'))).toBe(false);
  });

  it('names are the same without a resolver (webhook, validate, plan): the hostname stays the target', () => {
    const x = extract(service('web', 'lb-1.elb.example.net'), {
      ingressClasses: [],
      defaultTargets: [],
      resolveLoadBalancerHostname: true,
    });
    expect(x.claims.map((c) => `${c.hostname} ${c.recordType} ${c.targets.join(',')}`)).toEqual([
      'web.example.com CNAME lb-1.elb.example.net',
    ]);
  });
});
