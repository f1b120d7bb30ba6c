/**
 * The CRD sources end to end over real HTTPS: each object of cli/fixtures/crd-sources (the same
 * manifests `zoneguard plan` and `validate -f` read in cli/crd-sources.test.ts) sent as the
 * AdmissionReview kube-apiserver would send on create. out-* objects carry a name outside
 * --domain-filter example.com and must be denied by domain-filter naming it; in-* are admitted.
 * With a cluster (the fake API server): a Gloo Proxy takes its watched Service's address and its
 * VirtualServices' annotations.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceOf } from '../../core/hostnames/index.js';
import { loadManifests } from '../../core/manifests.js';
import type { KubeObject } from '../../core/model/objects.js';
import type { FakeApiServer } from '../kube/fake-apiserver.js';
import type { Webhook } from '../../webhook/run.js';
import {
  client,
  makeCerts,
  reviewOf,
  ROOT,
  startTestWebhook,
  type CertDir,
  startClusterWebhook,
  type ClusterWebhook,
} from './harness.js';

const objects = loadManifests([join(ROOT, 'cli', 'fixtures', 'crd-sources')])
  .map((l) => l.obj)
  .filter((o) => sourceOf(o) !== undefined);

/** One denied object per CRD kind (the "each CRD source denied for an out-of-filter name"). */
const REQUIRED = [
  'networking.istio.io/v1 Gateway out-istio-gateway',
  'networking.istio.io/v1 VirtualService out-istio-vs',
  'projectcontour.io/v1 HTTPProxy out-contour',
  'traefik.io/v1alpha1 IngressRoute out-traefik',
  'traefik.io/v1alpha1 IngressRouteTCP out-traefik-tcp',
  'traefik.io/v1alpha1 IngressRouteUDP out-traefik-udp',
  'route.openshift.io/v1 Route out-route',
  'configuration.konghq.com/v1beta1 TCPIngress out-kong',
  'cis.f5.com/v1 VirtualServer out-f5-vs',
  'cis.f5.com/v1 TransportServer out-f5-ts',
  'zalando.org/v1 RouteGroup out-skipper',
  'gloo.solo.io/v1 Proxy out-gloo',
  'getambassador.io/v3alpha1 Host out-ambassador',
];

describe('webhook: every CRD source denies an out-of-filter name', () => {
  let certs: CertDir;
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    certs = makeCerts();
    // the fixtures' Gloo Proxies are in namespace crd
    wh = await startTestWebhook(certs, { 'gloo-namespace': ['crd'] });
    await wh.refreshNow();
    c = client(wh.url, certs.ca);
  });
  afterAll(async () => {
    c.close();
    await wh.close();
  });

  it('the fixtures cover every CRD kind', () => {
    const have = objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`);
    for (const r of REQUIRED) expect(have).toContain(r);
  });

  it.each(objects.map((o) => ({ name: `${o.kind} ${o.metadata?.name}`, o })))('$name', async ({ o }) => {
    const review = reviewOf(o);
    const r = await c.review(review);
    expect(r.status).toBe(200);
    const res = r.review.response!;
    expect(res.uid).toBe(review.request.uid);
    const out = o.metadata!.name!.startsWith('out-');
    expect(res.allowed, JSON.stringify(res)).toBe(!out);
    if (out) {
      const msg = res.status?.message ?? '';
      expect(msg).toContain(`${o.kind} ${o.metadata?.namespace}/${o.metadata?.name} denied by zoneguard`);
      const rules = [...msg.matchAll(/([^\s:;]+): ([a-z-]+): /g)].map((m) => `${m[1]} ${m[2]}`);
      expect(rules.length).toBeGreaterThan(0);
      for (const x of rules) expect(x).toMatch(/\.example\.org domain-filter$/);
    }
  });
});

// ambassador_host.go gets the Service named by external-dns.ambassador-service by namespace and
// name (any namespace): in a cluster the webhook reads it from its watch of Services
describe("webhook with a cluster: an Ambassador Host is checked with its Service's address", () => {
  let api: FakeApiServer;
  let c: ReturnType<typeof client>;
  const service = (ip: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'edge', namespace: 'emissary' },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip }] } },
  });
  const host = (name: string, hostname: string): KubeObject => ({
    apiVersion: 'getambassador.io/v3alpha1',
    kind: 'Host',
    metadata: {
      name,
      namespace: 'team-a',
      annotations: { 'external-dns.ambassador-service': 'emissary/edge' },
    },
    spec: { hostname },
  });
  let cluster: ClusterWebhook;
  beforeAll(async () => {
    cluster = await startClusterWebhook([service('10.0.0.80'), host('held', 'held.example.com')]);
    ({ api, c } = cluster);
  });
  afterAll(() => cluster.close());
  /** Reviews until the answer is `allowed` (the watch delivers changes asynchronously). */
  const settled = async (o: KubeObject, allowed: boolean) => {
    let res = (await c.review(reviewOf(o))).review.response!;
    for (let i = 0; i < 400 && res.allowed !== allowed; i++) {
      await new Promise((r) => setTimeout(r, 5));
      res = (await c.review(reviewOf(o))).review.response!;
    }
    return res;
  };

  it('denies a Host whose Service (another namespace) has a private address, admits it once the address is public', async () => {
    const res = await settled(host('web', 'web.example.com'), false);
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('Host team-a/web denied by zoneguard');
    expect(res.status?.message).toContain('web.example.com: public-private: ');
    expect(res.status?.message).toContain('10.0.0.80');
    api.apply(service('203.0.113.80'));
    expect((await settled(host('web', 'web.example.com'), true)).allowed).toBe(true);
  });

  it("follows the watch: the Service's address decides the record type a Host in the cluster holds", async () => {
    api.apply(service('203.0.113.80'));
    // the Host held.example.com holds an A record: a DNSEndpoint asking for AAAA there is admitted
    // only while the Service gives it no IPv6 address
    const aaaa: KubeObject = {
      apiVersion: 'externaldns.k8s.io/v1alpha1',
      kind: 'DNSEndpoint',
      metadata: { name: 'held-v6', namespace: 'team-b' },
      spec: { endpoints: [{ dnsName: 'held.example.com', recordType: 'AAAA', targets: ['2001:db8::80'] }] },
    };
    expect((await settled(aaaa, true)).allowed).toBe(true);
    api.apply(service('2001:db8::81'));
    const res = await settled(aaaa, false);
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('held.example.com: duplicate: also claimed by Host team-a/held');
  });
});

describe("webhook with a cluster: a Gloo Proxy is checked with its Service's address, an F5 VirtualServer with its own", () => {
  let api: FakeApiServer;
  let c: ReturnType<typeof client>;
  const service = (ip: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip }] } },
  });
  // gloo_proxy_test.go: the Proxy's targets are its same-named LoadBalancer Service's addresses
  const proxy: KubeObject = {
    apiVersion: 'gloo.solo.io/v1',
    kind: 'Proxy',
    metadata: { name: 'gateway-proxy', namespace: 'gloo-system' },
    spec: { listeners: [{ httpListener: { virtualHosts: [{ domains: ['gloo.example.com'] }] } }] },
  };
  let cluster: ClusterWebhook;
  beforeAll(async () => {
    cluster = await startClusterWebhook([service('10.0.0.7')]);
    ({ api, c } = cluster);
  });
  afterAll(() => cluster.close());

  it('denies the Proxy while its Service has a private address, admits it once the Service moves', async () => {
    const settled = async (allowed: boolean) => {
      let res = (await c.review(reviewOf(proxy))).review.response!;
      for (let i = 0; i < 400 && res.allowed !== allowed; i++) {
        await new Promise((r) => setTimeout(r, 5));
        res = (await c.review(reviewOf(proxy))).review.response!;
      }
      return res;
    };
    const denied = await settled(false);
    expect(denied.status?.message).toContain('gloo.example.com: public-private: ');
    expect(denied.status?.message).toContain('10.0.0.7');
    api.apply(service('203.0.113.80'));
    expect((await settled(true)).allowed).toBe(true);
  });

  it("reads a virtual host's record annotations from its watched Gloo VirtualService", async () => {
    // gloo_proxy_test.go: a virtual host's annotations come from its VirtualService (here a Route 53
    // weight without set identifier, which zoneguard refuses wherever it is written)
    const weighted: KubeObject = {
      apiVersion: 'gloo.solo.io/v1',
      kind: 'Proxy',
      metadata: { name: 'weighted', namespace: 'gloo-system' },
      spec: {
        listeners: [
          {
            httpListener: {
              virtualHosts: [
                {
                  domains: ['weighted.example.com'],
                  metadata: {
                    sources: [{ kind: '*v1.VirtualService', name: 'weighted', namespace: 'apps' }],
                  },
                },
              ],
            },
          },
        ],
      },
    };
    api.apply({
      apiVersion: 'gateway.solo.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'weighted',
        namespace: 'apps',
        annotations: { 'external-dns.kubernetes.io/aws-weight': '10' },
      },
    });
    let res = (await c.review(reviewOf(weighted))).review.response!;
    for (let i = 0; i < 400 && res.allowed; i++) {
      await new Promise((r) => setTimeout(r, 5));
      res = (await c.review(reviewOf(weighted))).review.response!;
    }
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('needs the set-identifier annotation');
  });

  it('denies an F5 VirtualServer whose address is private (f5_virtualserver_test.go status.vsAddress)', async () => {
    const res = (
      await c.review(
        reviewOf({
          apiVersion: 'cis.f5.com/v1',
          kind: 'VirtualServer',
          metadata: { name: 'private', namespace: 'web' },
          spec: { host: 'f5-private.example.com' },
          status: { vsAddress: '10.0.0.8' },
        }),
      )
    ).review.response!;
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('f5-private.example.com: public-private: ');
  });
});
