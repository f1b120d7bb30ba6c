/**
 * Every newly read path, end to end over real HTTPS: each object of cli/fixtures/sources (the
 * same manifests `zoneguard plan` reads in cli/sources.test.ts) sent as the AdmissionReview
 * kube-apiserver would send on create. out-* objects carry a name outside --domain-filter
 * example.com and must be denied by domain-filter, naming that name; in-* objects are admitted.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceOf } from '../../core/hostnames/index.js';
import { loadManifests } from '../../core/manifests.js';
import type { Webhook } from '../../webhook/run.js';
import { client, makeCerts, reviewOf, ROOT, startTestWebhook, type CertDir } from './harness.js';

const objects = loadManifests([join(ROOT, 'cli', 'fixtures', 'sources')])
  .map((l) => l.obj)
  .filter((o) => sourceOf(o) !== undefined);

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
