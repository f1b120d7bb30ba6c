/**
 * `zoneguard audit`: offline over manifests (--output json), and against the local API server
 * (test/kube/fake-apiserver.ts), writing wgpolicyk8s.io/v1alpha2 PolicyReports per namespace and a
 * ClusterPolicyReport — updated, never duplicated, on each pass; deleted where nothing is left.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../cli/paths.js';
import { loadManifests } from '../../core/manifests.js';
import type { KubeObject } from '../../core/model/objects.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { runCli } from '../cli-run.js';

const DIR = join(packageRoot(), 'cli', 'fixtures', 'zone-policies');
const REPORTS = 'wgpolicyk8s.io/v1alpha2';

const run = (args: string[]) => runCli([...args, '--log-level', 'error']);

interface Report extends KubeObject {
  summary: Record<string, number>;
  results: {
    policy: string;
    rule: string;
    result: string;
    message: string;
    resources: { kind: string; name: string }[];
  }[];
}

const summaryOf = (r: KubeObject | undefined) => (r as Report | undefined)?.summary;

describe('zoneguard audit, offline', () => {
  it('--output json: one PolicyReport per namespace and the ClusterPolicyReport', async () => {
    const r = await run(['audit', '-f', DIR, '-o', 'json']);
    expect(r.code).toBe(0);
    const { reports } = JSON.parse(r.out) as { reports: Report[] };
    expect(reports.map((x) => `${x.kind} ${x.metadata?.namespace ?? ''}/${x.metadata?.name}`)).toEqual([
      'PolicyReport sandbox/zoneguard',
      'PolicyReport team-a/zoneguard',
      'PolicyReport team-b/zoneguard',
      'ClusterPolicyReport /zoneguard',
    ]);
    for (const x of reports) expect(x.apiVersion).toBe(REPORTS);
    const teamA = reports[1];
    expect(teamA.summary).toEqual({ pass: 1, fail: 3, warn: 0, error: 0, skip: 0 });
    expect(teamA.results.find((x) => x.resources[0].name === 'steal')).toMatchObject({
      source: 'zoneguard',
      policy: 'team-a',
      rule: 'zone-policy',
      result: 'fail',
      severity: 'high',
      message: expect.stringContaining('shop.b.example.com: not delegated to namespace "team-a"'),
      resources: [
        { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', namespace: 'team-a', name: 'steal' },
      ],
      properties: expect.objectContaining({ hostname: 'shop.b.example.com', enforcement: 'Deny' }),
    });
    expect(reports[2].results.find((x) => x.resources[0].name === 'apex')).toMatchObject({
      result: 'warn',
      policy: 'team-b',
    });
    expect(reports[3].summary).toEqual({ pass: 2, fail: 0, warn: 0, error: 0, skip: 0 });
  });
});

describe('zoneguard audit, in the cluster (local API server)', () => {
  let api: FakeApiServer;
  let kubeconfig: string;
  let dir: string;
  beforeAll(async () => {
    api = await start();
    for (const l of loadManifests([DIR])) api.apply(l.obj);
    dir = mkdtempSync(join(tmpdir(), 'zoneguard-audit-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const report = (ns: string) => api.get(REPORTS, 'PolicyReport', ns, 'zoneguard');

  it('writes a PolicyReport per namespace and a ClusterPolicyReport', async () => {
    const r = await run(['audit', '--kubeconfig', kubeconfig]);
    expect(r.code).toBe(0);
    expect(r.err).toContain('policy reports: 4 created, 0 updated, 0 unchanged, 0 deleted');
    expect(
      api
        .list(REPORTS, 'PolicyReport')
        .map((x) => x.metadata?.namespace)
        .sort(),
    ).toEqual(['sandbox', 'team-a', 'team-b']);
    expect(summaryOf(report('team-a'))).toEqual({ pass: 1, fail: 3, warn: 0, error: 0, skip: 0 });
    expect(report('team-a')?.metadata?.labels).toEqual({ 'app.kubernetes.io/managed-by': 'zoneguard' });
    expect(api.list(REPORTS, 'ClusterPolicyReport')).toHaveLength(1);
  });

  it('a second pass with nothing changed writes nothing and duplicates nothing', async () => {
    const before = report('team-a')?.metadata?.resourceVersion;
    const r = await run(['audit', '--kubeconfig', kubeconfig]);
    expect(r.err).toContain('policy reports: 0 created, 0 updated, 4 unchanged, 0 deleted');
    expect(api.list(REPORTS, 'PolicyReport')).toHaveLength(3);
    expect(report('team-a')?.metadata?.resourceVersion).toBe(before);
  });

  it('updates reports in place when a policy changes, and deletes a report with nothing left', async () => {
    // team-a is now delegated shop.b.example.com; the sandbox namespace's only object goes away
    const policy = loadManifests([join(DIR, 'teams', 'zonepolicies.yaml')])[0].obj;
    (policy.spec as { domains: string[] }).domains = ['a.example.com', 'shop.b.example.com'];
    api.apply(policy);
    api.remove({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'demo', namespace: 'sandbox' },
    });
    const r = await run(['audit', '--kubeconfig', kubeconfig]);
    // team-a's report, and the cluster's: team-a now shares shop.b.example.com with team-b's *.b.example.com
    expect(r.err).toContain('policy reports: 0 created, 2 updated, 1 unchanged, 1 deleted');
    const cluster = api.get(REPORTS, 'ClusterPolicyReport', undefined, 'zoneguard') as Report;
    expect(cluster.results.find((x) => x.result === 'warn')?.message).toContain(
      'ZonePolicy team-a and ZonePolicy team-b both delegate shop.b.example.com to different namespace sets',
    );
    expect(summaryOf(report('team-a'))).toEqual({ pass: 2, fail: 2, warn: 0, error: 0, skip: 0 });
    expect(report('sandbox')).toBeUndefined();
    expect(api.list(REPORTS, 'PolicyReport')).toHaveLength(2);
  });

  it('reads the kinds the reconciler reads: a legacy Traefik IngressRoute with --traefik-enable-legacy', async () => {
    // team-a is delegated a.example.com only: a route of team-a's for c.example.com fails its policy
    api.apply({
      apiVersion: 'traefik.containo.us/v1alpha1',
      kind: 'IngressRoute',
      metadata: {
        name: 'legacy-route',
        namespace: 'team-a',
        annotations: { 'external-dns.kubernetes.io/target': '203.0.113.9' },
      },
      spec: { routes: [{ match: 'Host(`shop.c.example.com`)', kind: 'Rule' }] },
    });
    const r = await run(['audit', '--kubeconfig', kubeconfig, '--traefik-enable-legacy']);
    expect(r.code, r.err).toBe(0);
    const result = (report('team-a') as Report).results.find((x) => x.resources[0].name === 'legacy-route');
    expect(result, JSON.stringify(report('team-a'))).toMatchObject({ result: 'fail', policy: 'team-a' });
  });

  it('says how to proceed when the PolicyReport CRDs are not installed', async () => {
    api.unserve('PolicyReport');
    try {
      const r = await run(['audit', '--kubeconfig', kubeconfig]);
      expect(r.code).not.toBe(0);
      expect(r.err).toContain('PolicyReport CRDs (wgpolicyk8s.io/v1alpha2) are not installed');
    } finally {
      api.serve('PolicyReport');
    }
  });
});
