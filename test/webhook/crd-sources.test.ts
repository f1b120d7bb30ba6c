/**
 * The CRD sources end to end over real HTTPS: each object of cli/fixtures/crd-sources (the same
 * manifests `zoneguard plan` and `validate -f` read in cli/crd-sources.test.ts) sent as the
 * AdmissionReview kube-apiserver would send on create. out-* objects carry a name outside
 * --domain-filter example.com and must be denied by domain-filter naming it; in-* are admitted.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceOf } from '../../core/hostnames/index.js';
import { loadManifests } from '../../core/manifests.js';
import type { Webhook } from '../../webhook/run.js';
import { client, makeCerts, reviewOf, ROOT, startTestWebhook, type CertDir } from './harness.js';

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
