/**
 * The deletion guard against a real BIND 9, through `zoneguard reconcile` (manifest source, the
 * fake API server for Events and the Lease): 2,000 records published for 2,000 Services, then every
 * Service's annotation prefix renamed (the v0.22 storm: the source suddenly yields nothing). The
 * zone stays byte-for-byte as it was; the hold is in `zoneguard plan`, a Warning Event on the
 * Lease, the log, the metrics and /readyz; an annotation with the wrong count releases nothing; the
 * right count applies the deletes once and the annotation is removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { resolveSettings } from '../../cli/settings.js';
import { main } from '../../cli/main.js';
import { RELEASE_ANNOTATION } from '../../core/deletion-guard.js';
import { runReconcile } from '../../reconciler/run.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { captureLogs } from '../logs.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

const PORT = 15372;
const N = 2000;
const LEASE = { namespace: 'default', name: 'zoneguard-reconciler' };

/** N Services, their hostname under the annotation prefix given. */
function services(prefix: string): string {
  const docs = Array.from({ length: N }, (_, i) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: `svc${i}`,
      namespace: `team-${i % 4}`,
      annotations: { [`${prefix}/hostname`]: `svc${i}.example.com` },
    },
    spec: { type: 'LoadBalancer' },
    status: { loadBalancer: { ingress: [{ ip: `10.${(i >> 8) & 255}.${i & 255}.1` }] } },
  }));
  return docs.map((d) => YAML.stringify(d)).join('---\n');
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

describe.skipIf(!!why)('deletion guard: a source that suddenly yields nothing, against BIND 9', () => {
  let bind: BindServer;
  let api: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    bind = await startBind({ port: PORT, zones: ['example.com'] });
    api = await start();
    dir = mkdtempSync(join(tmpdir(), 'zoneguard-guard-bind-'));
    writeFileSync(join(dir, 'kubeconfig'), api.kubeconfigYaml());
  });
  afterAll(async () => {
    await api?.close();
    await bind?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const rfc2136 = () => ({
    provider: 'rfc2136',
    'rfc2136-host': '127.0.0.1',
    'rfc2136-port': String(bind.port),
    'rfc2136-zone': ['example.com'],
    'rfc2136-tsig-keyname': bind.tsig.name,
    'rfc2136-tsig-secret-alg': bind.tsig.algorithm,
    'domain-filter': ['example.com'],
    'txt-owner-id': 'cluster-a',
  });

  it('holds 2,000 deletes (zone unchanged; plan, Event, metric, /readyz), released by the Lease annotation', async () => {
    const manifests = join(dir, 'services.yaml');
    writeFileSync(manifests, services('external-dns.kubernetes.io'));
    api.apply({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { ...LEASE },
      spec: { holderIdentity: '' },
    });
    const env = { ZONEGUARD_RFC2136_TSIG_SECRET: bind.tsig.secret };
    const cfg = resolveSettings('reconcile', {
      cli: {
        ...rfc2136(),
        file: [manifests],
        kubeconfig: join(dir, 'kubeconfig'),
        interval: '10m',
        'metrics-address': '127.0.0.1:0',
      },
      env,
    });
    const { logger, logs } = captureLogs('info');
    const ac = new AbortController();
    const out = new Sink();
    let reconciler!: Reconciler;
    let metricsUrl = '';
    const firstSync = new Promise<void>((resolve, reject) => {
      runReconcile(
        cfg,
        { logger, env, stdout: out, stderr: out },
        {
          signal: ac.signal,
          onReady: (r) => {
            reconciler = r.reconciler;
            metricsUrl = r.metricsUrl!;
            const off = reconciler.onSync((s) => {
              off();
              if (s.ok) resolve();
              else reject(s.error as Error);
            });
          },
        },
      ).catch(reject);
    });
    try {
      await firstSync;
      const published = await bind.axfr('example.com');
      expect(published.filter((l) => /^svc\d+\.example\.com\.\s+\d+\s+IN\s+A\s/.test(l))).toHaveLength(N);
      expect(published.filter((l) => /^a-svc\d+\.example\.com\.\s+\d+\s+IN\s+TXT\s/.test(l))).toHaveLength(N);
      expect((await fetch(`${metricsUrl}/readyz`)).status).toBe(200);

      // the storm: every annotation renamed, zoneguard reads no hostname any more
      writeFileSync(manifests, services('external-dns.example.io'));
      const storm = await reconciler.sync();
      expect(storm.ok).toBe(true);
      expect(storm.plan?.hold).toMatchObject({ count: N, owned: N, released: false });
      expect(storm.applied.delete).toEqual([]);
      expect(await bind.axfr('example.com')).toEqual(published);

      // the log line names the count and the largest groups
      const held = logs.find((l) => l.msg === 'deletions held back');
      expect(held).toMatchObject({ count: N, owned: N, byZone: { 'example.com': N } });
      expect(Object.keys(held!.byResource as object)).toHaveLength(5);

      // Event on the Lease
      const events = api.events().filter((e) => (e as { reason?: string }).reason === 'DNSDeletionsHeld');
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        type: 'Warning',
        involvedObject: { kind: 'Lease', name: LEASE.name, namespace: LEASE.namespace },
      });
      expect((events[0] as { message: string }).message).toMatch(
        /^held back 2000 deletion\(s\): 2000 deletions is more than --max-deletions=100; largest zones: example\.com 2000; .*release: annotation zoneguard\.io\/release-deletions on Lease default\/zoneguard-reconciler = 2000$/,
      );

      // metrics and /readyz
      const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
      expect(metrics).toMatch(/^zoneguard_deletions_held 2000$/m);
      expect(metrics).toMatch(
        /^zoneguard_deletions_held_by_group\{group="zone",name="example\.com"\} 2000$/m,
      );
      expect(metrics).toMatch(
        /^zoneguard_deletions_held_by_group\{group="resource",name="service\/team-0\/svc0"\} 1$/m,
      );
      const readyz = await fetch(`${metricsUrl}/readyz`);
      expect(readyz.status).toBe(503);
      expect(await readyz.text()).toMatch(/^deletion guard: held back 2000 deletion\(s\)/);

      // `zoneguard plan` shows the same hold
      const planOut = new Sink();
      const code = await main(['node', 'zoneguard', 'plan', '-f', manifests, ...flagArgs(rfc2136())], {
        stdout: planOut,
        stderr: planOut,
        env,
      });
      expect(code).toBe(0);
      expect(planOut.text).toMatch(
        /^HOLD held back 2000 deletion\(s\): 2000 deletions is more than --max-deletions=100;/m,
      );
      expect(planOut.text).toMatch(/^plan: 0 to create, 0 to update, 0 to delete, 2000 deletions held,/m);

      // an approval for another count releases nothing
      annotate('5');
      const wrong = await reconciler.sync();
      expect(wrong.plan?.hold?.released).toBe(false);
      expect(await bind.axfr('example.com')).toEqual(published);

      // the right count: applied once, the annotation removed
      annotate(String(N));
      const released = await reconciler.sync();
      expect(released.ok).toBe(true);
      expect(released.plan?.hold).toMatchObject({ count: N, released: true });
      expect(released.applied.delete).toHaveLength(2 * N); // the records and their TXT ownership records
      const after = await bind.axfr('example.com');
      expect(after.filter((l) => l.includes('svc'))).toEqual([]);
      const lease = api.leases.get(LEASE.namespace, LEASE.name) as {
        metadata: { annotations?: Record<string, string> };
      };
      expect(lease.metadata.annotations?.[RELEASE_ANNOTATION]).toBeUndefined();
      expect(api.events().some((e) => (e as { reason?: string }).reason === 'DNSDeletionsReleased')).toBe(
        true,
      );
      expect(logs.find((l) => l.msg === 'held deletions released and applied')).toMatchObject({ count: N });
      expect(logs.filter((l) => l.msg === 'changes applied').at(-1)).toMatchObject({
        create: 0,
        update: 0,
        delete: N,
      });
      expect((await fetch(`${metricsUrl}/readyz`)).status).toBe(200);
      expect(await (await fetch(`${metricsUrl}/metrics`)).text()).toMatch(/^zoneguard_deletions_held 0$/m);
    } finally {
      ac.abort();
    }
  }, 180_000);

  function annotate(value: string): void {
    const lease = api.leases.get(LEASE.namespace, LEASE.name)!;
    api.apply({
      ...lease,
      metadata: {
        ...lease.metadata!,
        annotations: { ...(lease.metadata?.annotations ?? {}), [RELEASE_ANNOTATION]: value },
      },
    });
  }
});

function flagArgs(flags: Record<string, string | string[]>): string[] {
  return Object.entries(flags).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).flatMap((x) => [`--${k}`, x]),
  );
}
