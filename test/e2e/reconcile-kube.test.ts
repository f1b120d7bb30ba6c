/**
 * End to end through the Kubernetes API: objects applied to the fake API server → `zoneguard
 * reconcile` (runReconcile, as the command runs it, with client-node informers) → the inmemory
 * provider; Events, DNSEndpoint status, metrics, leader election, steady state.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { captureLogs } from '../logs.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings, type Settings } from '../../cli/settings.js';
import type { KubeObject } from '../../core/model/objects.js';
import type { InMemoryProvider } from '../../core/providers/inmemory/index.js';
import type { LeaderElector } from '../../kube/leader.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { runReconcile } from '../../reconciler/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { ingress } from '../kube/objects.js';

interface Running {
  reconciler: Reconciler;
  elector?: LeaderElector;
  provider: InMemoryProvider;
  metricsUrl?: string;
  logs: Record<string, unknown>[];
  stop(): Promise<number>;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoneguard-reconcile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(api: FakeApiServer, extra: Record<string, unknown> = {}): Settings {
  const kubeconfig = join(dir, `kubeconfig-${Math.random().toString(36).slice(2)}`);
  writeFileSync(kubeconfig, api.kubeconfigYaml());
  return resolveSettings('reconcile', {
    cli: {
      provider: 'inmemory',
      'inmemory-zone': ['example.com'],
      'domain-filter': ['example.com'],
      'public-zone': ['example.com'],
      'txt-owner-id': 'cluster-a',
      kubeconfig,
      interval: '1m',
      'min-event-sync-interval': '10ms',
      'metrics-address': '127.0.0.1:0',
      'kube-api-qps': 0,
      ...extra,
    },
    env: {},
  });
}

async function launch(api: FakeApiServer, extra: Record<string, unknown> = {}): Promise<Running> {
  const { logger, logs } = captureLogs('debug');
  const ac = new AbortController();
  const sink = new Writable({ write: (_c, _e, cb) => cb() });
  let ready!: (r: Omit<Running, 'logs' | 'stop'>) => void;
  const readyP = new Promise<Omit<Running, 'logs' | 'stop'>>((r) => (ready = r));
  const done = runReconcile(
    config(api, extra),
    { logger, env: {}, stdout: sink, stderr: sink },
    {
      signal: ac.signal,
      onReady: (r) => ready({ ...r, provider: r.provider as InMemoryProvider }),
    },
  );
  const r = await Promise.race([
    readyP,
    done.then((code) => Promise.reject(new Error(`reconcile exited ${code}`))),
  ]);
  return {
    ...r,
    logs,
    stop: async () => {
      ac.abort();
      return done;
    },
  };
}

/** Resolves once `pred` holds, checked now and after every sync (no sleeping). */
function until<T>(
  reconciler: Reconciler,
  pred: () => Promise<T | undefined | false> | T | undefined | false,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const check = async () => {
      try {
        const v = await pred();
        if (v) {
          off();
          resolve(v);
        }
      } catch (e) {
        off();
        reject(e);
      }
    };
    off = reconciler.onSync(() => void check());
    void check();
  });
}

async function recordsOf(p: InMemoryProvider): Promise<string[]> {
  return (await p.records()).map((e) => `${e.dnsName} ${e.recordType} ${e.targets.join(',')}`).sort();
}

const service = (name: string, host: string, ip: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'external-dns.kubernetes.io/hostname': host },
  },
  spec: { type: 'LoadBalancer' },
  status: { loadBalancer: { ingress: [{ ip }] } },
});

const dnsEndpoint = (name: string, host: string, ip: string): KubeObject => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name, namespace: 'default' },
  spec: { endpoints: [{ dnsName: host, recordType: 'A', targets: [ip] }] },
});

const txt = (name: string, resource: string) =>
  `a-${name} TXT heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=${resource}`;

describe('reconcile through the Kubernetes API', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => {
    await api.close();
  });

  it('publishes, updates and deletes records as objects change; skips what the webhook would deny', async () => {
    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    api.apply(service('api', 'api.example.com', '203.0.113.8'));
    api.apply(dnsEndpoint('static', 'static.example.com', '203.0.113.10'));
    api.apply(ingress('private', 'private.example.com', '10.0.0.5'));
    const run = await launch(api);
    try {
      const expected = [
        'api.example.com A 203.0.113.8',
        txt('api.example.com', 'service/default/api'),
        'app.example.com A 203.0.113.7',
        txt('app.example.com', 'ingress/default/app'),
        'static.example.com A 203.0.113.10',
        txt('static.example.com', 'crd/default/static'),
      ].sort();
      await until(
        run.reconciler,
        async () => JSON.stringify(await recordsOf(run.provider)) === JSON.stringify(expected),
      );

      // Events on the source objects
      await until(run.reconciler, () => api.events().length >= 4);
      const events = api
        .events()
        .map((e) => `${(e.involvedObject as { name: string }).name} ${e.type} ${e.reason}: ${e.message}`);
      expect(events).toContain('app Normal DNSRecordPublished: published app.example.com A 203.0.113.7');
      expect(events).toContain(
        'static Normal DNSRecordPublished: published static.example.com A 203.0.113.10',
      );
      const rejected = events.find((e) => e.startsWith('private Warning DNSRecordRejected'));
      expect(rejected).toContain('private.example.com: public-private:');
      const skipped = run.logs.find((l) => l.msg === 'object skipped');
      expect(skipped).toMatchObject({
        hostname: 'private.example.com',
        rule: 'public-private',
        object: 'Ingress default/private',
      });

      // DNSEndpoint status
      const ep = api.get('externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'default', 'static')!;
      expect(ep.status).toMatchObject({
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status: 'True', reason: 'Published' }],
      });

      // the "ownership changed" Lease the webhooks watch, bumped after every write
      const signalWrites = () => {
        const lease = api.leases.get('default', 'zoneguard-ownership');
        expect(lease?.metadata?.labels).toEqual({ 'zoneguard.io/ownership-signal': 'zoneguard-ownership' });
        return Number(lease?.metadata?.annotations?.['zoneguard.io/ownership-writes']);
      };
      const firstWrites = signalWrites();
      expect(firstWrites).toBeGreaterThanOrEqual(1);

      // update
      api.apply(ingress('app', 'app.example.com', '203.0.113.9'));
      await until(run.reconciler, async () =>
        (await recordsOf(run.provider)).includes('app.example.com A 203.0.113.9'),
      );
      expect(signalWrites()).toBe(firstWrites + 1);
      // delete
      api.remove(service('api', 'api.example.com', '203.0.113.8'));
      await until(
        run.reconciler,
        async () => !(await recordsOf(run.provider)).some((r) => r.includes('api.example.com')),
      );
      expect(await recordsOf(run.provider)).toEqual(
        [
          'app.example.com A 203.0.113.9',
          txt('app.example.com', 'ingress/default/app'),
          'static.example.com A 203.0.113.10',
          txt('static.example.com', 'crd/default/static'),
        ].sort(),
      );

      // metrics endpoint
      const metrics = await (await fetch(`${run.metricsUrl}/metrics`)).text();
      expect(metrics).toMatch(/zoneguard_records_managed\{record_type="A"\} 2/);
      expect(metrics).toMatch(/zoneguard_changes_applied_total\{change="delete",record_type="A"\} 1/);
      expect(metrics).toMatch(/zoneguard_last_sync_timestamp_seconds \d/);
      // standard process metric names, what is running, and every provider call timed
      expect(metrics).toMatch(/^process_cpu_seconds_total \d/m);
      expect(metrics).not.toMatch(/zoneguard_(process|nodejs)_/);
      expect(metrics).toMatch(/^zoneguard_build_info\{version="[^"]+",node_version="v[\d.]+"\} 1$/m);
      expect(metrics).toMatch(
        /^zoneguard_provider_request_duration_seconds_count\{provider="inmemory",operation="records",result="ok"\} [1-9]/m,
      );
      expect(metrics).toMatch(
        /^zoneguard_provider_request_duration_seconds_count\{provider="inmemory",operation="apply_changes",result="ok"\} [1-9]/m,
      );
      expect((await fetch(`${run.metricsUrl}/healthz`)).status).toBe(200);
    } finally {
      expect(await run.stop()).toBe(0);
    }
  });

  it('--provider-cache-time keeps the record list between syncs until a write', async () => {
    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    const recordReads = async (run: Running) => {
      const text = await (await fetch(`${run.metricsUrl}/metrics`)).text();
      const m =
        /zoneguard_provider_request_duration_seconds_count\{[^}]*operation="records"[^}]*\} (\d+)/.exec(text);
      return Number(m?.[1] ?? 0);
    };
    for (const [flags, extraReads] of [
      [{}, 3],
      [{ 'provider-cache-time': '1h' }, 0],
    ] as const) {
      const run = await launch(api, flags);
      try {
        await until(run.reconciler, async () =>
          (await recordsOf(run.provider)).includes('app.example.com A 203.0.113.7'),
        );
        // the sync after the write reads the zone again; then nothing changes
        expect((await run.reconciler.sync()).ok).toBe(true);
        const before = await recordReads(run);
        for (let i = 0; i < 3; i++) expect((await run.reconciler.sync()).ok).toBe(true);
        expect((await recordReads(run)) - before).toBe(extraReads);
      } finally {
        await run.stop();
      }
    }
  });

  it('makes no provider write and no API write in steady state', async () => {
    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    api.apply(dnsEndpoint('static', 'static.example.com', '203.0.113.10'));
    api.apply(ingress('bad', 'bad.example.org', '203.0.113.7'));
    const run = await launch(api);
    try {
      // settled: records published, status written and seen back through the watch
      await until(run.reconciler, () => {
        const st = api.get('externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'default', 'static')?.status as
          { observedGeneration?: number } | undefined;
        return run.provider.writes === 1 && st?.observedGeneration === 1 && api.events().length === 3;
      });
      const writes = run.provider.writes;
      const apiWrites = () => api.requests().filter((r) => r.method !== 'GET').length;
      const before = apiWrites();
      for (let i = 0; i < 5; i++) {
        const r = await run.reconciler.sync();
        expect(r.ok).toBe(true);
      }
      expect(run.provider.writes).toBe(writes);
      expect(apiWrites()).toBe(before);
    } finally {
      await run.stop();
    }
  });

  it('publishes NodePort and headless Service targets from Nodes, Pods and EndpointSlices; with --listen-endpoint-events an endpoint change at once', async () => {
    // docs/sources/service.md "NodePort" (the nodes' ExternalIPs) and "ClusterIP (headless)"
    // (ready endpoints' Pod IPs, <spec.hostname>.<name>)
    api.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: {
        addresses: [
          { type: 'InternalIP', address: '10.0.0.90' },
          { type: 'ExternalIP', address: '203.0.113.90' },
        ],
      },
    });
    const svc = (name: string, host: string, spec: Record<string, unknown>): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default', annotations: { 'external-dns.kubernetes.io/hostname': host } },
      spec,
    });
    api.apply(svc('np', 'np.example.com', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    api.apply(svc('db', 'db.example.com', { clusterIP: 'None', selector: { app: 'db' } }));
    for (const [name, hostname] of [
      ['db-0', 'db-0'],
      ['db-1', undefined],
    ] as const)
      api.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, namespace: 'default', labels: { app: 'db' } },
        spec: { ...(hostname ? { hostname } : {}), nodeName: 'node-a' },
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    const slice = (ready1: boolean): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'db-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'db' } },
      addressType: 'IPv4',
      endpoints: [
        {
          addresses: ['198.51.100.10'],
          conditions: { ready: true },
          targetRef: { kind: 'Pod', name: 'db-0' },
        },
        {
          addresses: ['198.51.100.11'],
          conditions: { ready: ready1 },
          targetRef: { kind: 'Pod', name: 'db-1' },
        },
      ],
    });
    api.apply(slice(false));
    const run = await launch(api, { 'listen-endpoint-events': true });
    try {
      const addresses = async () => (await recordsOf(run.provider)).filter((r) => !r.includes(' TXT '));
      await until(run.reconciler, async () => (await addresses()).length === 3);
      expect(await addresses()).toEqual([
        'db-0.db.example.com A 198.51.100.10',
        'db.example.com A 198.51.100.10',
        'np.example.com A 203.0.113.90',
      ]);
      // db-1 becomes ready: the EndpointSlice change starts a sync (the interval is 1m)
      api.apply(slice(true));
      await until(run.reconciler, async () =>
        (await addresses()).includes('db.example.com A 198.51.100.10,198.51.100.11'),
      );
    } finally {
      await run.stop();
    }
  });

  it('honours --label-filter (server side) and --namespace', async () => {
    const labelled = (o: KubeObject, labels: Record<string, string>, ns = 'default') => ({
      ...o,
      metadata: { ...o.metadata!, labels, namespace: ns },
    });
    api.apply(labelled(ingress('a', 'a.example.com', '203.0.113.1'), { team: 'a' }));
    api.apply(labelled(ingress('b', 'b.example.com', '203.0.113.2'), { team: 'b' }));
    api.apply(labelled(ingress('c', 'c.example.com', '203.0.113.3'), { team: 'a' }, 'other'));
    // without the Istio sources, which read Ingresses unfiltered for their Gateways' targets
    const run = await launch(api, { 'label-filter': 'team=a', namespace: 'default', source: ['ingress'] });
    try {
      await until(run.reconciler, async () => run.provider.writes >= 1);
      expect((await recordsOf(run.provider)).filter((r) => / A /.test(r))).toEqual([
        'a.example.com A 203.0.113.1',
      ]);
      const watches = api
        .requests()
        .filter((r) => r.path.includes('watch=true') && r.path.includes('ingresses'));
      expect(watches.length).toBeGreaterThan(0);
      expect(
        watches.every(
          (r) =>
            r.path.startsWith('/apis/networking.k8s.io/v1/namespaces/default/ingresses') &&
            r.path.includes('labelSelector=team%3Da'),
        ),
      ).toBe(true);
    } finally {
      await run.stop();
    }
  });

  it('publishes a route attached to an Accepted ListenerSet only with --gateway-listener-sets', async () => {
    const GW = 'gateway.networking.k8s.io/v1';
    const ok = [{ type: 'Accepted', status: 'True' }];
    api.apply({
      apiVersion: GW,
      kind: 'Gateway',
      metadata: { name: 'shared', namespace: 'gateways' },
      spec: {
        gatewayClassName: 'x',
        allowedListeners: { namespaces: { from: 'All' } },
        listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }],
      },
      status: { addresses: [{ type: 'IPAddress', value: '203.0.113.44' }] },
    });
    for (const [name, accepted] of [
      ['team', true],
      ['pending', false],
    ] as const)
      api.apply({
        apiVersion: GW,
        kind: 'ListenerSet',
        metadata: { name, namespace: 'default' },
        spec: {
          parentRef: { name: 'shared', namespace: 'gateways' },
          listeners: [{ name: 'web', port: 443, protocol: 'HTTPS', hostname: `${name}.example.com` }],
        },
        ...(accepted ? { status: { conditions: ok, listeners: [{ name: 'web', conditions: ok }] } } : {}),
      });
    for (const ls of ['team', 'pending'])
      api.apply({
        apiVersion: GW,
        kind: 'HTTPRoute',
        metadata: { name: `${ls}-route`, namespace: 'default' },
        spec: { parentRefs: [{ kind: 'ListenerSet', name: ls }] },
        status: { parents: [{ parentRef: { kind: 'ListenerSet', name: ls }, conditions: ok }] },
      });
    api.apply(ingress('a', 'a.example.com', '203.0.113.1'));
    for (const [flags, want] of [
      [{}, []],
      [{ 'gateway-listener-sets': true }, ['team.example.com A 203.0.113.44']],
    ] as const) {
      const run = await launch(api, flags);
      try {
        await until(run.reconciler, async () =>
          (await recordsOf(run.provider)).includes('a.example.com A 203.0.113.1'),
        );
        expect((await recordsOf(run.provider)).filter((r) => / A /.test(r) && !r.startsWith('a.'))).toEqual(
          want,
        );
      } finally {
        await run.stop();
      }
    }
  });

  it('publishes F5 VirtualServers once CIS gave them an address, and Gloo Proxies with their Service targets', async () => {
    // f5_virtualserver_test.go: spec.virtualServerAddress, skipped without status.vsAddress
    const vs = (name: string, host: string, status?: object): KubeObject => ({
      apiVersion: 'cis.f5.com/v1',
      kind: 'VirtualServer',
      metadata: { name, namespace: 'default' },
      spec: { host, virtualServerAddress: '203.0.113.60' },
      ...(status ? { status } : {}),
    });
    api.apply(vs('shop', 'f5.example.com', { vsAddress: '203.0.113.60' }));
    api.apply(vs('pending', 'f5-pending.example.com'));
    // gloo_proxy_test.go: the Proxy's LoadBalancer Service, the VirtualService's ttl
    api.apply({
      apiVersion: 'gloo.solo.io/v1',
      kind: 'Proxy',
      metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
      spec: {
        listeners: [
          {
            httpListener: {
              virtualHosts: [
                {
                  domains: ['gloo.example.com'],
                  metadata: { sources: [{ kind: '*v1.VirtualService', name: 'shop', namespace: 'default' }] },
                },
              ],
            },
          },
        ],
      },
    });
    api.apply({
      apiVersion: 'gateway.solo.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'shop',
        namespace: 'default',
        annotations: { 'external-dns.kubernetes.io/ttl': '120' },
      },
    });
    const gloo = (ip: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip }] } },
    });
    api.apply(gloo('203.0.113.61'));
    const run = await launch(api);
    try {
      const expected = (ip: string) =>
        [
          'f5.example.com A 203.0.113.60',
          txt('f5.example.com', 'f5-virtualserver/default/shop'),
          `gloo.example.com A ${ip}`,
          txt('gloo.example.com', 'proxy/gloo-system/gateway-proxy'),
        ].sort();
      await until(
        run.reconciler,
        async () =>
          JSON.stringify(await recordsOf(run.provider)) === JSON.stringify(expected('203.0.113.61')),
      );
      const rec = (await run.provider.records()).find((e) => e.dnsName === 'gloo.example.com');
      expect(rec?.ttl).toBe(120);
      // the Proxy's Service moves: its record follows
      api.apply(gloo('203.0.113.62'));
      await until(
        run.reconciler,
        async () =>
          JSON.stringify(await recordsOf(run.provider)) === JSON.stringify(expected('203.0.113.62')),
      );
    } finally {
      await run.stop();
    }
  });

  it('honours --ingress-class and --annotation-filter (client side, with the rules)', async () => {
    const withClass = (o: KubeObject, cls: string, annotations: Record<string, string> = {}) => ({
      ...o,
      metadata: { ...o.metadata!, annotations },
      spec: { ...(o.spec as object), ingressClassName: cls },
    });
    api.apply(withClass(ingress('nginx', 'nginx.example.com', '203.0.113.1'), 'nginx'));
    api.apply(withClass(ingress('traefik', 'traefik.example.com', '203.0.113.2'), 'traefik'));
    api.apply(
      withClass(ingress('opted-out', 'out.example.com', '203.0.113.3'), 'nginx', {
        'zoneguard.io/skip': 'true',
      }),
    );
    const run = await launch(api, { 'ingress-class': ['nginx'], 'annotation-filter': '!zoneguard.io/skip' });
    try {
      await until(run.reconciler, async () => run.provider.writes >= 1);
      expect((await recordsOf(run.provider)).filter((r) => / A /.test(r))).toEqual([
        'nginx.example.com A 203.0.113.1',
      ]);
      // skipped objects are not rejected: no Warning Events
      expect(api.events().filter((e) => e.type === 'Warning')).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('with --leader-elect only the leader reconciles; the other takes over when it stops', async () => {
    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    const le = {
      'leader-elect': true,
      'leader-election-namespace': 'zoneguard',
      'leader-election-lease-duration': '2s',
      'leader-election-renew-deadline': '1500ms',
      'leader-election-retry-period': '100ms',
    };
    const one = await launch(api, { ...le, 'leader-election-identity': 'one' });
    await until(one.reconciler, () => one.reconciler.isActive && one.provider.writes === 1);
    const two = await launch(api, { ...le, 'leader-election-identity': 'two' });
    try {
      expect(api.leases.get('zoneguard', 'zoneguard-reconciler')?.spec).toMatchObject({
        holderIdentity: 'one',
      });
      // the second candidate keeps trying and failing while the first renews
      await until(one.reconciler, () => true);
      await new Promise<void>((resolve) => {
        const seen = () =>
          api.requests().filter((r) => r.method === 'GET' && r.path.includes('/leases/')).length;
        const start = seen();
        const t = setInterval(() => {
          if (seen() >= start + 4) {
            clearInterval(t);
            resolve();
          }
        }, 20);
      });
      expect(two.reconciler.isActive).toBe(false);
      expect(two.provider.writes).toBe(0);

      await one.stop();
      expect(api.leases.get('zoneguard', 'zoneguard-reconciler')?.spec).toMatchObject({ holderIdentity: '' });
      await until(two.reconciler, () => two.reconciler.isActive && two.provider.writes === 1);
      expect(api.leases.get('zoneguard', 'zoneguard-reconciler')?.spec).toMatchObject({
        holderIdentity: 'two',
      });
      expect(one.reconciler.isActive).toBe(false);
    } finally {
      await two.stop();
    }
  });
});
