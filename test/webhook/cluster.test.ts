/**
 * The duplicate rule against the cluster: the webhook's informers list and watch the local fake
 * Kubernetes API (test/kube/fake-apiserver.ts) and deny (or warn about) a hostname another object
 * already claims.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEndpoint, type Endpoint } from '../../core/model/endpoint.js';
import { silentLogger } from '../../core/log.js';
import type { KubeObject } from '../../core/model/objects.js';
import { OwnershipSignalWriter } from '../../kube/ownership-signal.js';
import type { Webhook } from '../../webhook/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { client, fixture, makeCerts, startTestWebhook, type CertDir } from './harness.js';

const lb = { loadBalancer: { ingress: [{ ip: '203.0.113.30' }] } };
const SEED: KubeObject[] = [
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'first', namespace: 'team-a' },
    spec: { rules: [{ host: 'taken.example.com' }] },
    status: lb,
  },
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'api',
      namespace: 'team-a',
      annotations: { 'external-dns.kubernetes.io/hostname': 'svc.example.com' },
    },
    spec: { type: 'LoadBalancer' },
    status: lb,
  },
  {
    apiVersion: 'externaldns.k8s.io/v1alpha1',
    kind: 'DNSEndpoint',
    metadata: { name: 'ep', namespace: 'team-a' },
    spec: { endpoints: [{ dnsName: 'ep.example.com', recordType: 'A', targets: ['203.0.113.31'] }] },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'public', namespace: 'gateways' },
    spec: {
      gatewayClassName: 'x',
      listeners: [
        { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      ],
    },
    status: { addresses: [{ type: 'IPAddress', value: '203.0.113.32' }] },
  },
  {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'store', namespace: 'team-a' },
    spec: { parentRefs: [{ name: 'public', namespace: 'gateways' }], hostnames: ['route.example.com'] },
  },
];

/** A CREATE review of an Ingress claiming `host`. */
function ingressReview(name: string, ns: string, host: string) {
  const r = fixture('duplicate-ingress.json');
  const obj = r.request.object as KubeObject & { spec: { rules: { host: string }[] } };
  obj.metadata = { ...obj.metadata, name, namespace: ns };
  obj.spec.rules[0].host = host;
  Object.assign(r.request, { name, namespace: ns });
  return r;
}

/** Waits for a condition of the watch cache (driven by the fake's watch events, no fixed sleeps). */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('duplicates in the cluster (informers against a local API server)', () => {
  let api: FakeApiServer;
  let certs: CertDir;
  let kubeconfig: string;
  beforeAll(async () => {
    api = await start();
    for (const o of SEED) api.apply(o);
    certs = makeCerts();
    kubeconfig = join(mkdtempSync(join(tmpdir(), 'zoneguard-kube-')), 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
  });
  afterAll(async () => api.close());

  describe('--duplicate-policy=deny', () => {
    let wh: Webhook;
    let c: ReturnType<typeof client>;
    beforeAll(async () => {
      wh = await startTestWebhook(certs, { kubeconfig });
      await wh.cluster!.whenSynced();
      await wh.ownership!.whenLoaded();
      c = client(wh.url, certs.ca);
    });
    afterAll(async () => {
      c.close();
      await wh.close();
    });

    it('is ready once the watch cache has synced', async () => {
      expect((await c.get('/readyz')).status).toBe(200);
      expect(wh.cluster!.index.objects).toBe(4);
      expect(await wh.metrics.registry.getSingleMetricAsString('zoneguard_cluster_claim_objects')).toContain(
        'zoneguard_cluster_claim_objects 4',
      );
    });

    it.each([
      { host: 'taken.example.com', by: 'Ingress team-a/first' },
      { host: 'svc.example.com', by: 'Service team-a/api' },
      { host: 'ep.example.com', by: 'DNSEndpoint team-a/ep' },
      { host: 'route.example.com', by: 'HTTPRoute team-a/store' },
    ])('denies $host, claimed by $by', async ({ host, by }) => {
      const r = await c.review(ingressReview('second', 'team-b', host));
      expect(r.review.response?.allowed).toBe(false);
      expect(r.review.response?.status?.message).toContain(
        `Ingress team-b/second denied by zoneguard: ${host}: duplicate: also claimed by ${by} (fix: use a different hostname, or remove it from ${by})`,
      );
    });

    it('allows the object that holds the name to be updated', async () => {
      const r = ingressReview('first', 'team-a', 'taken.example.com');
      Object.assign(r.request, { operation: 'UPDATE', oldObject: structuredClone(r.request.object) });
      expect((await c.review(r)).review.response).toMatchObject({ allowed: true });
    });

    it('follows the watch: new claims deny, deleted ones free the name', async () => {
      const review = ingressReview('late', 'team-b', 'fresh.example.com');
      expect((await c.review(review)).review.response?.allowed).toBe(true);
      api.apply({
        apiVersion: 'externaldns.k8s.io/v1alpha1',
        kind: 'DNSEndpoint',
        metadata: { name: 'fresh', namespace: 'team-c' },
        spec: { endpoints: [{ dnsName: 'fresh.example.com', recordType: 'A', targets: ['203.0.113.40'] }] },
      });
      await until(
        () =>
          wh.cluster!.index.claimants('fresh.example.com', 'A', { apiVersion: 'v1', kind: 'X', name: 'y' })
            .length === 1,
      );
      const denied = await c.review(review);
      expect(denied.review.response?.status?.message).toContain(
        'fresh.example.com: duplicate: also claimed by DNSEndpoint team-c/fresh',
      );
      api.remove({
        apiVersion: 'externaldns.k8s.io/v1alpha1',
        kind: 'DNSEndpoint',
        metadata: { name: 'fresh', namespace: 'team-c' },
      });
      await until(
        () =>
          wh.cluster!.index.claimants('fresh.example.com', 'A', { apiVersion: 'v1', kind: 'X', name: 'y' })
            .length === 0,
      );
      expect((await c.review(review)).review.response?.allowed).toBe(true);
    });
  });

  it('--duplicate-policy=warn allows with a warning', async () => {
    const wh = await startTestWebhook(certs, { kubeconfig, 'duplicate-policy': 'warn' });
    const c = client(wh.url, certs.ca);
    try {
      await wh.cluster!.whenSynced();
      const r = await c.review(ingressReview('second', 'team-b', 'taken.example.com'));
      expect(r.review.response?.allowed).toBe(true);
      expect(r.review.response?.warnings).toEqual([
        'taken.example.com: duplicate: also claimed by Ingress team-a/first',
      ]);
      expect(
        await wh.metrics.registry.getSingleMetricAsString('zoneguard_admission_rule_findings_total'),
      ).toContain('{kind="Ingress",operation="CREATE",rule="duplicate",decision="warned"} 1');
    } finally {
      c.close();
      await wh.close();
    }
  });

  it('--duplicate-policy=off does not watch the cluster', async () => {
    const wh = await startTestWebhook(certs, { kubeconfig, 'duplicate-policy': 'off' });
    try {
      expect(wh.cluster).toBeUndefined();
    } finally {
      await wh.close();
    }
  });

  it('re-reads ownership as soon as a reconciler signals a write, not at the next --ownership-refresh', async () => {
    // the provider as another cluster's reconciler leaves it: starts empty, then gains a record
    const records: Endpoint[] = [];
    const wh = await startTestWebhook(
      certs,
      { kubeconfig, 'ownership-refresh': '1h', 'max-ownership-age': '2h' },
      { readSnapshot: async () => ({ records: [...records], claims: [] }) },
    );
    const c = client(wh.url, certs.ca);
    try {
      await wh.cluster!.whenSynced();
      await wh.ownership!.whenLoaded();
      const review = ingressReview('newcomer', 'team-b', 'signal.example.com');
      expect((await c.review(review)).review.response?.allowed).toBe(true);
      records.push(
        newEndpoint('signal.example.com', 'A', ['203.0.113.60'], 300, {
          owner: 'cluster-b',
          resource: 'ingress/shop/front',
        }),
      );
      await new OwnershipSignalWriter(
        {
          kubeConfig: api.kubeConfig(),
          namespace: 'default',
          name: 'zoneguard-ownership',
          logger: silentLogger(),
        },
        'reconciler-b',
      ).bump();
      await until(
        () => wh.ownership!.current()?.blockerFor('signal.example.com', 'A', 'cluster-a') !== undefined,
      );
      const denied = await c.review(review);
      expect(denied.review.response?.status?.message).toContain(
        'signal.example.com: ownership: A record owned by "cluster-b" (ingress/shop/front), not "cluster-a"',
      );
    } finally {
      c.close();
      await wh.close();
    }
  });

  it('says which kind it still waits for when not ready (RBAC forbids HTTPRoutes)', async () => {
    api.failNext('GET', /httproutes/, 403, 1_000_000);
    const wh = await startTestWebhook(certs, { kubeconfig });
    try {
      await wh.ownership!.whenLoaded();
      // the other kinds list moments later on a loaded machine: wait for them, then the 403 is all that is left
      await until(
        () =>
          wh.readiness().join() === 'cluster watch cache not synced yet (HTTPRoute not listed yet: HTTP 403)',
      );
      expect(wh.readiness()).toEqual([
        'cluster watch cache not synced yet (HTTPRoute not listed yet: HTTP 403)',
      ]);
    } finally {
      api.clearFaults();
      await wh.close();
    }
  });

  it('is ready in a cluster without the Gateway API CRDs, and checks the kinds it has', async () => {
    api.unserve('HTTPRoute');
    api.unserve('Gateway');
    const wh = await startTestWebhook(certs, { kubeconfig });
    const c = client(wh.url, certs.ca);
    try {
      await wh.cluster!.whenSynced();
      await wh.ownership!.whenLoaded();
      expect((await c.get('/readyz')).status).toBe(200);
      expect(wh.cluster!.index.objects).toBe(3);
      const r = await c.review(ingressReview('second', 'team-b', 'taken.example.com'));
      expect(r.review.response?.status?.message).toContain(
        'taken.example.com: duplicate: also claimed by Ingress team-a/first',
      );
    } finally {
      api.serve('HTTPRoute');
      api.serve('Gateway');
      c.close();
      await wh.close();
    }
  });

  it('is not ready while the first list fails, and recovers', async () => {
    api.failNext('GET', /\/ingresses/, 500, 1);
    const wh = await startTestWebhook(certs, { kubeconfig });
    const c = client(wh.url, certs.ca);
    try {
      await wh.ownership!.whenLoaded();
      const r = await c.get('/readyz');
      if (!wh.cluster!.synced)
        // (the Namespace and ZonePolicy watch may still be listing too)
        expect((r.body as { reasons: string[] }).reasons).toEqual(
          expect.arrayContaining([
            expect.stringMatching(
              /^cluster watch cache not synced yet \(.*(Ingress not listed yet|starting)/,
            ),
          ]),
        );
      await wh.cluster!.whenSynced();
      await until(() => wh.zonePolicies!.synced);
      expect((await c.get('/readyz')).status).toBe(200);
      expect(wh.cluster!.index.objects).toBe(4);
    } finally {
      c.close();
      await wh.close();
    }
  });
});
