/** The Kubernetes source against the fake API server: kinds, filters, change signals, failures. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import { start, type FakeApiServer } from '../test/kube/fake-apiserver.js';
import { desiredState } from '../core/desired.js';
import { DomainFilter } from '../core/domain-filter.js';
import { parseSelector } from '../core/selector.js';
import { KubernetesSource, type KubernetesSourceOptions } from './watch.js';

const svc = (name: string, ns = 'default', labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace: ns,
    labels,
    annotations: { 'external-dns.kubernetes.io/hostname': `${name}.example.com` },
  },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } },
});
const dnsEndpoint = (name: string): KubeObject => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name, namespace: 'default' },
  spec: { endpoints: [{ dnsName: `${name}.example.com`, recordType: 'A', targets: ['203.0.113.2'] }] },
});
const gateway: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'gw', namespace: 'infra' },
  spec: {
    gatewayClassName: 'x',
    // routes of every namespace may attach (the default, Same, takes only infra's)
    listeners: [
      {
        name: 'wild',
        port: 443,
        protocol: 'HTTPS',
        hostname: '*.example.com',
        allowedRoutes: { namespaces: { from: 'All' } },
      },
    ],
  },
  status: { addresses: [{ type: 'IPAddress', value: '203.0.113.50' }] },
};
const route: KubeObject = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: { name: 'route', namespace: 'apps', labels: { team: 'a' } },
  spec: { parentRefs: [{ name: 'gw', namespace: 'infra' }], hostnames: ['shop.example.com'] },
};

/** The change signals a source gives, and a promise for the next one. */
function watchChanges(s: KubernetesSource): { changes: string[]; next: () => Promise<void> } {
  const changes: string[] = [];
  const waiters: (() => void)[] = [];
  s.onChange((why) => {
    changes.push(why);
    waiters.splice(0).forEach((w) => w());
  });
  return { changes, next: () => new Promise<void>((r) => waiters.push(r)) };
}

describe('Kubernetes source', () => {
  let api: FakeApiServer;
  const running: KubernetesSource[] = [];
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => {
    for (const s of running.splice(0)) await s.stop();
    await api.close();
  });
  const source = (opts: Partial<KubernetesSourceOptions> = {}) => {
    const s = new KubernetesSource({
      kubeConfig: api.kubeConfig(),
      sources: ['service', 'ingress', 'crd', 'gateway-httproute'],
      logger: silentLogger(),
      restartBaseDelayMs: 10,
      restartMaxDelayMs: 20,
      ...opts,
    });
    running.push(s);
    return s;
  };
  const names = (s: KubernetesSource) =>
    s
      .objects()
      .map((o) => `${o.kind} ${o.metadata?.namespace}/${o.metadata?.name}`)
      .sort();

  const cases: { name: string; opts: Partial<KubernetesSourceOptions>; want: string[] }[] = [
    {
      name: 'every selected kind, with apiVersion and kind set',
      opts: {},
      want: [
        'DNSEndpoint default/e',
        'Gateway infra/gw',
        'HTTPRoute apps/route',
        'Service default/a',
        'Service other/b',
      ],
    },
    {
      name: '--source picks kinds',
      opts: { sources: ['service'] },
      want: ['Service default/a', 'Service other/b'],
    },
    {
      name: '--namespace (Gateways still from every namespace)',
      opts: { namespace: 'apps' },
      want: ['Gateway infra/gw', 'HTTPRoute apps/route'],
    },
    {
      name: '--label-filter is sent to the server (not to Gateways)',
      opts: { labelSelector: 'team=a' },
      want: ['Gateway infra/gw', 'HTTPRoute apps/route', 'Service other/b'],
    },
    // Istio Gateways take targets from Services whatever their labels (istio_gateway.go lists
    // Services unfiltered): Services are listed without --label-filter, which applies client side
    {
      name: '--label-filter is not sent for Services when an Istio source reads them too',
      opts: { labelSelector: 'team=a', sources: ['service', 'istio-gateway'] },
      want: ['Service default/a', 'Service other/b'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      api.apply(svc('a'));
      api.apply(svc('b', 'other', { team: 'a' }));
      api.apply(dnsEndpoint('e'));
      api.apply(gateway);
      api.apply(route);
      const s = source(c.opts);
      await s.start();
      expect(names(s)).toEqual(c.want);
      for (const o of s.objects()) expect(typeof o.apiVersion).toBe('string');
    });
  }

  // skipper_routegroup_test.go TestNewRouteGroupSource "custom version in one namespace": the list
  // path takes --skipper-routegroup-groupversion's version; the records are the same
  it.each([
    { name: 'RouteGroups at zalando.org/v1 by default', opts: {}, want: 'v1' },
    {
      name: 'RouteGroups at the version --skipper-routegroup-groupversion names',
      opts: { routeGroupVersion: 'v1alpha1' },
      want: 'v1alpha1',
    },
  ])('$name', async ({ opts, want }) => {
    for (const version of ['v1', 'v1alpha1'])
      api.apply({
        apiVersion: `zalando.org/${version}`,
        kind: 'RouteGroup',
        metadata: { name: `rg-${version}`, namespace: 'default' },
        spec: { hosts: [`rg-${version}.example.com`] },
        status: { loadBalancer: { routeGroup: [{ ip: '203.0.113.9' }] } },
      });
    const s = source({ sources: ['skipper-routegroup'], ...opts });
    await s.start();
    expect(s.objects().map((o) => `${o.apiVersion} ${o.metadata?.name}`)).toEqual([
      `zalando.org/${want} rg-${want}`,
    ]);
    const d = desiredState({
      objects: s.objects(),
      ruleCtx: {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      extractCtx: { ingressClasses: [], defaultTargets: [] },
      filter: { labels: [], annotations: [], sources: ['skipper-routegroup'] },
      current: [],
    });
    expect(
      d.endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')} ${e.labels.resource}`),
    ).toEqual([`rg-${want}.example.com A 203.0.113.9 routegroup/default/rg-${want}`]);
  });

  // ambassador_host.go gets the Service an Ambassador Host names by namespace and name, outside
  // --namespace: with ambassador-host, Services are listed in every namespace (and only the Host's
  // namespace is checked); the reconciler's desired state publishes the Host's name at its address
  it('--namespace with ambassador-host: the Host in it, its Service from another namespace', async () => {
    api.apply(svc('a'));
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'emissary-ingress', namespace: 'emissary' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.30' }] } },
    });
    api.apply({
      apiVersion: 'getambassador.io/v3alpha1',
      kind: 'Host',
      metadata: {
        name: 'web',
        namespace: 'apps',
        annotations: { 'external-dns.ambassador-service': 'emissary/emissary-ingress' },
      },
      spec: { hostname: 'web.example.com' },
    });
    const s = source({ sources: ['service', 'ambassador-host'], namespace: 'apps' });
    await s.start();
    expect(names(s)).toEqual(['Host apps/web', 'Service default/a', 'Service emissary/emissary-ingress']);
    const d = desiredState({
      objects: s.objects(),
      ruleCtx: {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      extractCtx: { ingressClasses: [], defaultTargets: [], namespace: 'apps' },
      filter: { namespace: 'apps', labels: [], annotations: [], sources: ['service', 'ambassador-host'] },
      current: [],
    });
    // Service default/a is outside --namespace: read for Hosts, not published
    expect(
      d.endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')} ${e.labels.resource}`),
    ).toEqual(['web.example.com A 203.0.113.30 host/apps/web']);
  });

  // gloo_proxy.go lists Proxies, Services and Ingresses cluster-wide and keeps the Proxies of
  // --gloo-namespace: --namespace does not narrow what gloo-proxy reads
  it('--namespace with gloo-proxy: the Proxy of --gloo-namespace and its Service, from other namespaces', async () => {
    api.apply(svc('a'));
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.31' }] } },
    });
    api.apply({
      apiVersion: 'gloo.solo.io/v1',
      kind: 'Proxy',
      metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
      spec: { listeners: [{ httpListener: { virtualHosts: [{ domains: ['gloo.example.com'] }] } }] },
    });
    const sources = ['service', 'gloo-proxy'];
    const s = source({ sources, namespace: 'apps' });
    await s.start();
    expect(names(s)).toEqual([
      'Proxy gloo-system/gateway-proxy',
      'Service default/a',
      'Service gloo-system/gateway-proxy',
    ]);
    const d = desiredState({
      objects: s.objects(),
      ruleCtx: {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      extractCtx: { ingressClasses: [], defaultTargets: [], namespace: 'apps' },
      filter: { namespace: 'apps', labels: [], annotations: [], sources },
      current: [],
    });
    expect(
      d.endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')} ${e.labels.resource}`),
    ).toEqual(['gloo.example.com A 203.0.113.31 proxy/gloo-system/gateway-proxy']);
  });

  it('a Service listed only for Istio is not published under --label-filter', async () => {
    api.apply(svc('a'));
    api.apply(svc('b', 'other', { team: 'a' }));
    const s = source({ labelSelector: 'team=a', sources: ['service', 'istio-gateway'] });
    await s.start();
    const d = desiredState({
      objects: s.objects(),
      ruleCtx: {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      extractCtx: { ingressClasses: [], defaultTargets: [] },
      filter: { labels: parseSelector('team=a'), annotations: [], sources: ['service', 'istio-gateway'] },
      current: [],
    });
    expect(d.endpoints.map((e) => e.dnsName)).toEqual(['b.example.com']);
    expect(d.outcomes.find((o) => o.obj.metadata?.name === 'a')?.outcome).toBe('skipped');
  });

  it('gives HTTPRoutes their Gateway targets, and applies --annotation-filter with the rules', async () => {
    api.apply(gateway);
    api.apply(route);
    api.apply({
      ...svc('skipme'),
      metadata: {
        ...svc('skipme').metadata!,
        annotations: { ...svc('skipme').metadata!.annotations, 'zoneguard.io/skip': 'yes' },
      },
    });
    const s = source({ sources: ['gateway-httproute', 'service'] });
    await s.start();
    const d = desiredState({
      objects: s.objects(),
      ruleCtx: {
        ownerId: 'a',
        domainFilter: new DomainFilter({ filters: ['example.com'] }),
        managedRecordTypes: ['A', 'AAAA', 'CNAME'],
      },
      extractCtx: { ingressClasses: [], defaultTargets: [] },
      filter: { labels: [], annotations: parseSelector('!zoneguard.io/skip'), sources: [] },
      current: [],
    });
    expect(d.endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`)).toEqual([
      'shop.example.com A 203.0.113.50',
    ]);
    expect(d.outcomes.find((o) => o.obj.metadata?.name === 'skipme')?.outcome).toBe('skipped');
  });

  it('signals changes that can move records, not status-only DNSEndpoint updates', async () => {
    api.apply(dnsEndpoint('e'));
    api.apply(svc('a'));
    const s = source({ sources: ['crd', 'service'] });
    const { changes, next } = watchChanges(s);
    await s.start();
    changes.length = 0;
    // status-only write to the DNSEndpoint, then a Service status change: only the latter signals
    const seen = next();
    await fetch(`${api.url}/apis/externaldns.k8s.io/v1alpha1/namespaces/default/dnsendpoints/e/status`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ status: { observedGeneration: 1 } }),
    });
    api.apply({ ...svc('a'), status: { loadBalancer: { ingress: [{ ip: '203.0.113.9' }] } } });
    await seen;
    expect(changes).toEqual(['Service default/a changed']);
    const del = next();
    api.remove(dnsEndpoint('e'));
    await del;
    expect(changes).toEqual(['Service default/a changed', 'DNSEndpoint default/e deleted']);
  });

  it('retries a failing list and recovers a dropped watch', async () => {
    api.apply(svc('a'));
    api.failNext('GET', /\/api\/v1\/services$/, 503, 2);
    const s = source({ sources: ['service'] });
    await s.start();
    expect(names(s)).toEqual(['Service default/a']);
    const waiters: (() => void)[] = [];
    s.onChange(() => waiters.splice(0).forEach((w) => w()));
    const changed = new Promise<void>((r) => waiters.push(r));
    api.dropWatches();
    api.apply(svc('c'));
    await changed;
    expect(names(s)).toEqual(['Service default/a', 'Service default/c']);
  });

  it('starts without a kind whose CRD is not installed, and picks it up once it is', async () => {
    api.apply(svc('a'));
    api.unserve('HTTPRoute');
    api.unserve('Gateway');
    const s = source();
    const { next } = watchChanges(s);
    await s.start();
    expect(s.synced).toBe(true);
    expect(s.absentKinds.sort()).toEqual(['Gateway', 'HTTPRoute']);
    expect(names(s)).toEqual(['Service default/a']);
    // Gateway API installed later: the next list (every restartMaxDelayMs) finds it
    const seen = next();
    api.serve('HTTPRoute');
    api.serve('Gateway');
    api.apply(route);
    await seen;
    for (let i = 0; i < 200 && s.absentKinds.length; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.absentKinds).toEqual([]);
    expect(names(s)).toContain('HTTPRoute apps/route');
  });

  describe('Nodes, Pods and EndpointSlices: the targets of NodePort and headless Services', () => {
    const node = (address: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a', labels: { zone: 'a' } },
      spec: { podCIDR: '10.1.0.0/24' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.90' },
          { type: 'ExternalIP', address },
        ],
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: '2026-12-05T23:00:00Z' }],
      },
    });
    const pod = (name: string, ns: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: ns,
        labels: { app: 'web' },
        annotations: { 'kubectl.kubernetes.io/restartedAt': 'x' },
      },
      spec: { hostname: name, nodeName: 'node-a', containers: [{ name: 'web', image: 'nginx' }] },
      status: {
        phase: 'Running',
        hostIP: '10.0.0.90',
        podIP: '10.1.0.10',
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    const slice = (ready: boolean): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-x1', namespace: 'apps', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['10.1.0.10'],
          conditions: { ready },
          targetRef: { kind: 'Pod', name: 'web-0', namespace: 'apps' },
        },
      ],
    });
    const service = (name: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: 'apps',
        labels: { team: 'a' },
        annotations: { 'external-dns.kubernetes.io/hostname': `${name}.example.com` },
      },
      spec,
    });
    const seed = () => {
      api.apply(node('203.0.113.90'));
      api.apply(pod('web-0', 'apps'));
      api.apply(pod('web-9', 'other'));
      api.apply(slice(true));
      api.apply(service('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
      api.apply(service('web', { clusterIP: 'None', selector: { app: 'web' } }));
    };
    const records = (s: KubernetesSource) =>
      desiredState({
        objects: s.objects(),
        ruleCtx: {
          ownerId: 'a',
          domainFilter: new DomainFilter({ filters: ['example.com'] }),
          managedRecordTypes: ['A', 'AAAA', 'CNAME'],
        },
        extractCtx: { ingressClasses: [], defaultTargets: [] },
        current: [],
      }).endpoints.map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`);
    async function until(cond: () => boolean) {
      for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
      expect(cond()).toBe(true);
    }

    it('lists them in --namespace (Nodes everywhere) without --label-filter, kept to what targets need', async () => {
      seed();
      const s = source({ sources: ['service'], namespace: 'apps', labelSelector: 'team=a' });
      await s.start();
      expect(names(s)).toEqual([
        'EndpointSlice apps/web-x1',
        'Node undefined/node-a',
        'Pod apps/web-0',
        'Service apps/np',
        'Service apps/web',
      ]);
      const p = s.objects().find((o) => o.kind === 'Pod')!;
      expect(p.spec).toEqual({ hostname: 'web-0', nodeName: 'node-a' });
      expect(p.metadata?.annotations).toBeUndefined();
      expect(s.objects().find((o) => o.kind === 'Node')!.status).toEqual({
        addresses: [
          { type: 'InternalIP', address: '10.0.0.90' },
          { type: 'ExternalIP', address: '203.0.113.90' },
        ],
      });
      // docs/sources/service.md: a NodePort's node ExternalIPs; a headless Service's Pod IPs and hostnames
      expect(records(s).sort()).toEqual([
        'np.example.com A 203.0.113.90',
        'web-0.web.example.com A 10.1.0.10',
        'web.example.com A 10.1.0.10',
      ]);
    });

    it('--service-type-filter without NodePort and ClusterIP reads none of them', async () => {
      seed();
      const s = source({ sources: ['service'], serviceTypes: ['LoadBalancer'] });
      await s.start();
      expect(names(s).filter((n) => !n.startsWith('Service'))).toEqual([]);
      const t = source({ sources: ['service'], serviceTypes: ['ClusterIP'] });
      await t.start();
      expect(names(t).filter((n) => !n.startsWith('Service'))).toEqual([
        'EndpointSlice apps/web-x1',
        'Pod apps/web-0',
        'Pod other/web-9',
      ]);
    });

    it('a Node or Pod change is read at the next sync; an EndpointSlice change starts one with --listen-endpoint-events', async () => {
      seed();
      const s = source({ sources: ['service'], listenEndpointEvents: true });
      const { changes, next } = watchChanges(s);
      await s.start();
      changes.length = 0;
      // a heartbeat changes nothing kept; a new address is read without a signal
      api.apply({ ...node('203.0.113.90'), status: { ...node('203.0.113.90').status!, conditions: [] } });
      api.apply(node('203.0.113.91'));
      await until(() => records(s).includes('np.example.com A 203.0.113.91'));
      const signalled = next();
      api.apply(slice(false));
      await signalled;
      expect(changes).toEqual(['EndpointSlice apps/web-x1 changed']);
      await until(() => !records(s).some((r) => r.startsWith('web.example.com')));
    });

    it('without --listen-endpoint-events an EndpointSlice change starts no sync', async () => {
      seed();
      const s = source({ sources: ['service'] });
      const { changes } = watchChanges(s);
      await s.start();
      changes.length = 0;
      api.apply(slice(false));
      // the change is in the cache, read at the next sync, and no signal was given for it
      await until(() =>
        s
          .objects()
          .some((o) => o.kind === 'EndpointSlice' && JSON.stringify(o.endpoints).includes('"ready":false')),
      );
      expect(records(s).some((r) => r.startsWith('web.example.com'))).toBe(false);
      api.apply(svc('late'));
      await until(() => changes.length > 0);
      expect(changes).toEqual(['Service default/late added']);
    });
  });
});
