/**
 * ZonePolicies at admission, end to end: the webhook watches Namespaces and ZonePolicies on the
 * local API server (test/kube/fake-apiserver.ts) and answers real AdmissionReviews over HTTPS:
 * admit, deny, warn, policy and namespace-label changes at run time (no restart), ZonePolicy
 * objects themselves checked, and the per-policy metric.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifests } from '../../core/manifests.js';
import type { KubeObject } from '../../core/model/objects.js';
import type { Webhook } from '../../webhook/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { client, FIXTURES, fixture, makeCerts, startTestWebhook, type CertDir } from './harness.js';

const SEED = loadManifests([join(FIXTURES, 'zone-policies.yaml')]).map((l) => l.obj);
const policyOf = (name: string) =>
  structuredClone(SEED.find((o) => o.kind === 'ZonePolicy' && o.metadata?.name === name)!);

let uid = 0;
/** A CREATE review of an Ingress in `ns` claiming `host` (the API server's request, as kubectl apply sends it). */
function ingressReview(ns: string, host: string, name = `web-${++uid}`) {
  const r = fixture('duplicate-ingress.json');
  const obj = r.request.object as KubeObject & { spec: { rules: { host: string }[] } };
  obj.metadata = { ...obj.metadata, name, namespace: ns };
  obj.spec.rules[0].host = host;
  Object.assign(r.request, {
    name,
    namespace: ns,
    uid: `00000000-0000-4000-8000-${String(uid).padStart(12, '0')}`,
  });
  return r;
}

/** A CREATE (or UPDATE) review of a ZonePolicy (cluster-scoped: no namespace). */
function policyReview(obj: KubeObject, operation: 'CREATE' | 'UPDATE' = 'CREATE') {
  const gvk = { group: 'zoneguard.io', version: 'v1alpha1' };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `10000000-0000-4000-8000-${String(++uid).padStart(12, '0')}`,
      kind: { ...gvk, kind: 'ZonePolicy' },
      resource: { ...gvk, resource: 'zonepolicies' },
      name: obj.metadata?.name,
      operation,
      userInfo: { username: 'platform-admin' },
      object: obj,
      oldObject: operation === 'UPDATE' ? obj : null,
      dryRun: false,
    },
  };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(cond()).toBe(true);
}

describe('ZonePolicies at admission (informers on the local API server, HTTPS reviews)', () => {
  let api: FakeApiServer;
  let certs: CertDir;
  let wh: Webhook;
  let c: ReturnType<typeof client>;
  beforeAll(async () => {
    api = await start();
    for (const o of SEED) api.apply(o);
    certs = makeCerts();
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'zoneguard-kube-')), 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
    wh = await startTestWebhook(certs, { kubeconfig, 'duplicate-policy': 'off' });
    await wh.ownership!.whenLoaded();
    await until(() => wh.zonePolicies!.synced && wh.zonePolicies!.current().policies.length === 2);
    c = client(wh.url, certs.ca);
  });
  afterAll(async () => {
    c?.close();
    await wh?.close();
    await api?.close();
  });

  it('is ready once Namespaces and ZonePolicies are listed', async () => {
    expect((await c.get('/readyz')).status).toBe(200);
    expect(await wh.metrics.registry.getSingleMetricAsString('zoneguard_zone_policies')).toContain(
      'zoneguard_zone_policies{state="valid"} 2',
    );
  });

  it('admits a name delegated to the namespace', async () => {
    const r = await c.review(ingressReview('team-a', 'shop.a.example.com'));
    expect(r.status).toBe(200);
    expect(r.review.response).toMatchObject({ allowed: true });
    expect(r.review.response?.warnings ?? []).toEqual([]);
  });

  it('denies a name the namespace is not delegated, naming the policy and the fix', async () => {
    const r = await c.review(ingressReview('team-a', 'shop.b.example.com', 'steal'));
    expect(r.review.response?.allowed).toBe(false);
    expect(r.review.response?.status?.message).toBe(
      'Ingress team-a/steal denied by zoneguard: shop.b.example.com: zone-policy: not delegated to namespace "team-a" (ZonePolicy team-a: not in [a.example.com]) ' +
        '(fix: use a name namespace "team-a" is delegated (team-a [a.example.com] excluding [admin.a.example.com]), or have ZonePolicy team-a changed to delegate it)',
    );
  });

  it('denies an excluded name', async () => {
    const r = await c.review(ingressReview('team-a', 'admin.a.example.com'));
    expect(r.review.response?.status?.message).toContain('excluded by admin.a.example.com');
  });

  it('denies in a namespace no ZonePolicy selects', async () => {
    const r = await c.review(ingressReview('sandbox', 'demo.a.example.com'));
    expect(r.review.response?.allowed).toBe(false);
    expect(r.review.response?.status?.message).toContain(
      'zone-policy: no ZonePolicy selects namespace "sandbox"',
    );
  });

  it('warns (and admits) under an enforcement: Warn policy', async () => {
    const r = await c.review(ingressReview('team-b', 'shop.a.example.com'));
    expect(r.review.response?.allowed).toBe(true);
    expect(r.review.response?.warnings).toEqual([
      'shop.a.example.com: zone-policy: not delegated to namespace "team-b" (ZonePolicy team-b: not in [b.example.com])',
    ]);
  });

  it('counts findings per policy and decision', async () => {
    const text = await wh.metrics.registry.getSingleMetricAsString('zoneguard_zone_policy_findings_total');
    expect(text).toContain('zoneguard_zone_policy_findings_total{policy="team-a",decision="denied"} 2');
    expect(text).toContain('zoneguard_zone_policy_findings_total{policy="",decision="denied"} 1');
    expect(text).toContain('zoneguard_zone_policy_findings_total{policy="team-b",decision="warned"} 1');
  });

  it('applies a ZonePolicy changed at run time to the next review (no restart)', async () => {
    expect((await c.review(ingressReview('team-a', 'shop.b.example.com'))).review.response?.allowed).toBe(
      false,
    );
    const p = policyOf('team-a');
    (p.spec as { domains: string[] }).domains = ['a.example.com', 'shop.b.example.com'];
    api.apply(p);
    await until(() => wh.zonePolicies!.current().policies.some((x) => x.domains.length === 2));
    expect((await c.review(ingressReview('team-a', 'shop.b.example.com'))).review.response?.allowed).toBe(
      true,
    );
  });

  it('applies a Namespace label change at run time', async () => {
    api.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'sandbox', labels: { team: 'a' } } });
    await until(() => wh.zonePolicies!.current().policiesFor('sandbox').length === 1);
    expect((await c.review(ingressReview('sandbox', 'demo.a.example.com'))).review.response?.allowed).toBe(
      true,
    );
  });

  it('turns Deny into Warn at run time', async () => {
    const p = policyOf('team-a');
    (p.spec as { enforcement: string }).enforcement = 'Warn';
    api.apply(p);
    await until(
      () => wh.zonePolicies!.current().policies.find((x) => x.name === 'team-a')?.enforcement === 'Warn',
    );
    const r = await c.review(ingressReview('team-a', 'other.example.com'));
    expect(r.review.response?.allowed).toBe(true);
    expect(r.review.response?.warnings?.[0]).toContain('zone-policy: not delegated to namespace "team-a"');
  });

  it('denies an invalid ZonePolicy, naming the field', async () => {
    const bad = policyOf('team-a');
    bad.metadata = { name: 'bad' };
    (bad.spec as Record<string, unknown>).namespaceSelector = {
      matchExpressions: [{ key: 'team', operator: 'In', values: [] }],
    };
    const r = await c.review(policyReview(bad));
    expect(r.review.response?.allowed).toBe(false);
    expect(r.review.response?.status?.message).toContain(
      'ZonePolicy bad denied by zoneguard: zone-policy: spec.namespaceSelector.matchExpressions[0].values must not be empty for operator In',
    );
  });

  it('admits a ZonePolicy delegating a name another policy delegates elsewhere, with a warning naming both', async () => {
    const p: KubeObject = {
      apiVersion: 'zoneguard.io/v1alpha1',
      kind: 'ZonePolicy',
      metadata: { name: 'platform' },
      spec: { namespaceSelector: { matchLabels: { team: 'platform' } }, domains: ['example.com'] },
    };
    const r = await c.review(policyReview(p));
    expect(r.review.response?.allowed).toBe(true);
    expect(r.review.response?.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^zone-policy: ZonePolicy platform and ZonePolicy team-a both delegate a\.example\.com to different namespace sets/,
        ),
        expect.stringMatching(/ZonePolicy platform and ZonePolicy team-b both delegate b\.example\.com/),
      ]),
    );
  });

  it('an invalid ZonePolicy in the cluster fails closed; deleting every ZonePolicy turns the rule off', async () => {
    api.apply({
      apiVersion: 'zoneguard.io/v1alpha1',
      kind: 'ZonePolicy',
      metadata: { name: 'broken' },
      spec: { namespaceSelector: {} },
    });
    await until(() => wh.zonePolicies!.current().invalid.includes('broken'));
    for (const name of ['team-a', 'team-b']) api.remove(policyOf(name));
    await until(() => wh.zonePolicies!.current().policies.length === 0);
    const r = await c.review(ingressReview('team-a', 'shop.a.example.com'));
    expect(r.review.response?.status?.message).toContain('(ZonePolicy broken is invalid and allows nothing)');
    api.remove({ apiVersion: 'zoneguard.io/v1alpha1', kind: 'ZonePolicy', metadata: { name: 'broken' } });
    await until(() => !wh.zonePolicies!.current().active);
    expect((await c.review(ingressReview('sandbox', 'anything.example.com'))).review.response?.allowed).toBe(
      true,
    );
  });
});
