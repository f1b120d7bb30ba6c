/**
 * Every newly read path, end to end over real HTTPS: each object of cli/fixtures/sources (the
 * same manifests `zoneguard plan` reads in cli/sources.test.ts) sent as the AdmissionReview
 * kube-apiserver would send on create. out-* objects carry a name outside --domain-filter
 * example.com and must be denied by domain-filter, naming that name; in-* objects are admitted.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceOf } from '../../core/hostnames/index.js';
import { kindOf } from '../../core/kinds.js';
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

const all = loadManifests([join(ROOT, 'cli', 'fixtures', 'sources')]).map((l) => l.obj);
const objects = all.filter((o) => sourceOf(o) !== undefined);
/** The Nodes, Pods and EndpointSlices NodePort and headless Services take targets from. */
const targetObjects = all.filter((o) => kindOf(o)?.targetsOnly);

/** The paths the issue asks to see denied, each by the object that uses it. */
const REQUIRED: Record<string, string> = {
  'out-v022-prefix': 'hostname under external-dns.kubernetes.io/ (v0.22 default prefix)',
  'out-alpha-prefix': 'hostname under external-dns.alpha.kubernetes.io/ only',
  'out-grpcroute': 'GRPCRoute spec.hostnames',
  'out-tlsroute': 'TLSRoute spec.hostnames (v1alpha2 object)',
  'out-tcproute': 'TCPRoute hostname annotation',
  'out-udproute': 'UDPRoute hostname annotation (alpha prefix)',
  'out-gateway-hostname-source': 'gateway-hostname-source: annotation-only',
  'out-clusterip-service': 'ClusterIP Service hostname annotation',
  'out-nodeport-service': 'NodePort Service',
  'out-headless-service': 'headless Service (alpha prefix)',
  'out-externalname-service': 'ExternalName Service',
};

describe('webhook: every newly read path denies an out-of-filter name', () => {
  let certs: CertDir;
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    certs = makeCerts();
    wh = await startTestWebhook(certs);
    await wh.refreshNow();
    c = client(wh.url, certs.ca);
  });
  afterAll(async () => {
    c.close();
    await wh.close();
  });

  it('the fixtures cover every required path', () => {
    const names = objects.map((o) => o.metadata?.name);
    for (const n of Object.keys(REQUIRED)) expect(names, REQUIRED[n]).toContain(n);
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
      for (const r of rules) expect(r).toMatch(/\.example\.org domain-filter$/);
    }
  });
});

describe("webhook with a cluster: NodePort and headless Services are checked with their nodes' and Pods' addresses", () => {
  let api: FakeApiServer;
  let c: ReturnType<typeof client>;
  let cluster: ClusterWebhook;
  beforeAll(async () => {
    cluster = await startClusterWebhook(targetObjects);
    ({ api, c } = cluster);
  });
  afterAll(() => cluster.close());
  const review = (name: string) => c.review(reviewOf(objects.find((o) => o.metadata?.name === name)!));

  it('the fixtures hold Nodes, Pods and EndpointSlices', () => {
    expect(targetObjects.map((o) => o.kind).sort()).toEqual(['EndpointSlice', 'Node', 'Node', 'Pod', 'Pod']);
  });

  it('admits a NodePort Service whose nodes have ExternalIPs', async () => {
    expect((await review('in-nodeport')).review.response?.allowed).toBe(true);
  });

  it.each([
    { name: 'in-nodeport-private', why: 'np-private.example.com: public-private: ', addr: '10.0.0.90' },
    { name: 'in-headless', why: 'web.example.com: public-private: ', addr: '10.1.0.10' },
  ])('denies $name in a public zone: its targets ($addr) are private', async ({ name, why, addr }) => {
    const res = (await review(name)).review.response!;
    expect(res.allowed, JSON.stringify(res)).toBe(false);
    expect(res.status?.message).toContain(`Service sources/${name} denied by zoneguard`);
    expect(res.status?.message).toContain(why);
    expect(res.status?.message).toContain(addr);
  });

  it("follows the watch: an EndpointSlice change re-reads its Service's record types for the duplicate rule", async () => {
    const ns = 'team-db';
    const pod = (name: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app: 'db' } },
      spec: { nodeName: 'node-a' },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    const slice = (name: string, addressType: string, address: string, podName: string): KubeObject => ({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, namespace: ns, labels: { 'kubernetes.io/service-name': 'db' } },
      addressType,
      endpoints: [
        { addresses: [address], conditions: { ready: true }, targetRef: { kind: 'Pod', name: podName } },
      ],
    });
    api.apply(pod('db-0'));
    api.apply(pod('db-1'));
    api.apply(slice('db-v6', 'IPv6', '2001:db8::10', 'db-0'));
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'db',
        namespace: ns,
        annotations: { 'external-dns.kubernetes.io/hostname': 'db.example.com' },
      },
      spec: { clusterIP: 'None', selector: { app: 'db' } },
    });
    // a DNSEndpoint asking for an A record at the name the headless Service holds as AAAA only
    const claimA = () =>
      c.review(
        reviewOf({
          apiVersion: 'externaldns.k8s.io/v1alpha1',
          kind: 'DNSEndpoint',
          metadata: { name: 'db-a', namespace: 'team-b' },
          spec: { endpoints: [{ dnsName: 'db.example.com', recordType: 'A', targets: ['203.0.113.77'] }] },
        }),
      );
    const settled = async (allowed: boolean) => {
      let res = (await claimA()).review.response!;
      for (let i = 0; i < 400 && res.allowed !== allowed; i++) {
        await new Promise((r) => setTimeout(r, 5));
        res = (await claimA()).review.response!;
      }
      return res;
    };
    expect((await settled(true)).allowed).toBe(true);
    // an IPv4 endpoint appears: the Service now claims db.example.com A too
    api.apply(slice('db-v4', 'IPv4', '10.2.0.11', 'db-1'));
    const res = await settled(false);
    expect(res.allowed).toBe(false);
    expect(res.status?.message).toContain('db.example.com: duplicate: also claimed by Service team-db/db');
  });

  it("follows the watch: a Node's new address re-reads the NodePort Services' record types", async () => {
    api.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'edge',
        namespace: 'team-np',
        annotations: { 'external-dns.kubernetes.io/hostname': 'edge.example.com' },
      },
      spec: { type: 'NodePort', ports: [{ port: 443, nodePort: 30443 }] },
    });
    // the nodes have IPv4 ExternalIPs only: the Service holds edge.example.com as A
    const claimAaaa = async () =>
      (
        await c.review(
          reviewOf({
            apiVersion: 'externaldns.k8s.io/v1alpha1',
            kind: 'DNSEndpoint',
            metadata: { name: 'edge-v6', namespace: 'team-b' },
            spec: {
              endpoints: [{ dnsName: 'edge.example.com', recordType: 'AAAA', targets: ['2001:db8::99'] }],
            },
          }),
        )
      ).review.response!;
    const settled = async (allowed: boolean) => {
      let res = await claimAaaa();
      for (let i = 0; i < 400 && res.allowed !== allowed; i++) {
        await new Promise((r) => setTimeout(r, 5));
        res = await claimAaaa();
      }
      return res;
    };
    expect((await settled(true)).allowed).toBe(true);
    api.apply({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-v6' },
      status: { addresses: [{ type: 'ExternalIP', address: '2001:db8::90' }] },
    });
    const res = await settled(false);
    expect(res.status?.message).toContain(
      'edge.example.com: duplicate: also claimed by Service team-np/edge',
    );
  });
});
