/**
 * The reconciler never publishes a name its namespace is not delegated — defence in depth for a
 * webhook running with failurePolicy: Ignore. Through the Kubernetes API (Namespaces and
 * ZonePolicies watched on the local API server, a label change applied at run time) and from
 * manifest files (`reconcile --once -f` over Namespaces, ZonePolicies and workloads).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cli/settings.js';
import { packageRoot } from '../../cli/paths.js';
import type { KubeObject } from '../../core/model/objects.js';
import type { InMemoryProvider } from '../../core/providers/inmemory/index.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { runReconcile } from '../../reconciler/run.js';
import { main } from '../../cli/main.js';
import { captureLogs } from '../logs.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'zoneguard-zp-reconcile-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ingress = (namespace: string, name: string, host: string, ip = '203.0.113.7'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name, namespace },
  spec: { rules: [{ host }] },
  status: { loadBalancer: { ingress: [{ ip }] } },
});
const namespace = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const zonePolicy = (name: string, team: string, domains: string[], enforcement = 'Deny'): KubeObject => ({
  apiVersion: 'zoneguard.io/v1alpha1',
  kind: 'ZonePolicy',
  metadata: { name },
  spec: { namespaceSelector: { matchLabels: { team } }, domains, enforcement },
});

const published = async (p: InMemoryProvider) =>
  (await p.records())
    .filter((e) => e.recordType === 'A')
    .map((e) => e.dnsName)
    .sort();

function until(reconciler: Reconciler, pred: () => Promise<boolean> | boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const check = async () => {
      try {
        if (await pred()) {
          off();
          resolve();
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

describe('the reconciler and ZonePolicies (through the Kubernetes API)', () => {
  let api: FakeApiServer;
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => api.close());

  it('publishes only delegated names, tells why it skipped the others, and follows label changes', async () => {
    for (const o of [
      namespace('team-a', { team: 'a' }),
      namespace('team-c', { team: 'c' }),
      namespace('sandbox'),
      zonePolicy('team-a', 'a', ['a.example.com']),
      zonePolicy('team-c', 'c', ['c.example.com'], 'Audit'),
      ingress('team-a', 'shop', 'shop.a.example.com'),
      ingress('team-a', 'steal', 'steal.example.com'),
      ingress('sandbox', 'demo', 'demo.a.example.com'),
      ingress('team-c', 'legacy', 'legacy.example.com'),
    ])
      api.apply(o);
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
    const cfg = resolveSettings('reconcile', {
      cli: {
        provider: 'inmemory',
        'inmemory-zone': ['example.com'],
        'domain-filter': ['example.com'],
        'txt-owner-id': 'cluster-a',
        kubeconfig,
        interval: '1m',
        'min-event-sync-interval': '10ms',
        'policy-reports-interval': '1ms',
      },
      env: {},
    });
    const { logger, logs } = captureLogs('debug');
    const ac = new AbortController();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    let ready!: (r: { reconciler: Reconciler; provider: InMemoryProvider }) => void;
    const readyP = new Promise<{ reconciler: Reconciler; provider: InMemoryProvider }>((r) => (ready = r));
    const done = runReconcile(
      cfg,
      { logger, env: {}, stdout: sink, stderr: sink },
      {
        signal: ac.signal,
        onReady: (r) => ready({ reconciler: r.reconciler, provider: r.provider as InMemoryProvider }),
      },
    );
    const run = await Promise.race([
      readyP,
      done.then((code) => Promise.reject(new Error(`exited ${code}`))),
    ]);
    try {
      // Audit never blocks: legacy.example.com is published, only the audit report lists it
      await until(
        run.reconciler,
        async () =>
          JSON.stringify(await published(run.provider)) ===
          JSON.stringify(['legacy.example.com', 'shop.a.example.com']),
      );
      await until(run.reconciler, () => api.events().length >= 4);
      const events = api
        .events()
        .map((e) => `${(e.involvedObject as { name: string }).name} ${e.type} ${e.reason}: ${e.message}`);
      expect(events.find((e) => e.startsWith('steal Warning DNSRecordRejected'))).toContain(
        'steal.example.com: zone-policy: not delegated to namespace "team-a" (ZonePolicy team-a: not in [a.example.com])',
      );
      expect(events.find((e) => e.startsWith('demo Warning DNSRecordRejected'))).toContain(
        'demo.a.example.com: zone-policy: no ZonePolicy selects namespace "sandbox"',
      );
      expect(logs.find((l) => l.msg === 'object skipped' && l.rule === 'zone-policy')).toBeDefined();

      // the background audit after the sync: Audit findings and denials as PolicyReports
      await until(
        run.reconciler,
        () => api.get('wgpolicyk8s.io/v1alpha2', 'PolicyReport', 'team-c', 'zoneguard') !== undefined,
      );
      const teamC = api.get(
        'wgpolicyk8s.io/v1alpha2',
        'PolicyReport',
        'team-c',
        'zoneguard',
      ) as KubeObject & {
        results: { policy: string; result: string; message: string; properties: Record<string, string> }[];
      };
      expect(teamC.results).toEqual([
        expect.objectContaining({
          policy: 'team-c',
          result: 'fail',
          message: expect.stringContaining('legacy.example.com: not delegated to namespace "team-c"'),
          properties: expect.objectContaining({ enforcement: 'Audit' }),
        }),
      ]);
      const teamA = api.get(
        'wgpolicyk8s.io/v1alpha2',
        'PolicyReport',
        'team-a',
        'zoneguard',
      ) as KubeObject & {
        summary: Record<string, number>;
      };
      expect(teamA.summary).toMatchObject({ pass: 1, fail: 1 });

      // the sandbox namespace joins team a: its name is published on the next sync, no restart
      api.apply(namespace('sandbox', { team: 'a' }));
      await until(run.reconciler, async () => (await published(run.provider)).includes('demo.a.example.com'));
      expect(await published(run.provider)).not.toContain('steal.example.com');
    } finally {
      ac.abort();
      await done;
    }
  });
});

describe('the reconciler and ZonePolicies (manifest files)', () => {
  it('reconcile --once --dry-run -f over Namespaces, ZonePolicies and workloads plans the delegated names only', async () => {
    let out = '';
    const stdout = new Writable({
      write: (c: Buffer, _e, cb) => {
        out += c.toString();
        cb();
      },
    });
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const code = await main(
      [
        'node',
        'zoneguard',
        'reconcile',
        '--once',
        '--dry-run',
        '--kube-api',
        'off',
        '--provider',
        'inmemory',
        '--inmemory-zone',
        'example.com',
        '--txt-owner-id',
        'cluster-a',
        '--log-level',
        'error',
        '-f',
        join(packageRoot(), 'cli', 'fixtures', 'zone-policies'),
      ],
      { stdout, stderr: sink, env: {} },
    );
    expect(code).toBe(0);
    // team-b's apex is outside its Warn policy: warned, still published; team-a's denials are not
    expect(
      out
        .split('\n')
        .filter((l) => l.startsWith('CREATE'))
        .map((l) => l.split(' ')[1]),
    ).toEqual(['api.b.example.com', 'b.example.com', 'shop.a.example.com']);
    expect(out).toContain('4 denied, 1 warned');
  });
});
