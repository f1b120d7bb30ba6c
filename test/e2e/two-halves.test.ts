/**
 * Both halves against one real BIND 9 and one (fake) Kubernetes API: cluster-b's reconciler
 * publishes an Ingress's name; cluster-a's webhook, which re-reads ownership only every hour here,
 * denies the same name moments later because the reconciler's "ownership changed" Lease told it to
 * re-read at once. The TXT ownership record in BIND is what both agree on. The API is served over
 * HTTPS, trusted through the kubeconfig's certificate-authority-data.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cli/settings.js';
import { silentLogger } from '../../core/log.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { runReconcile } from '../../reconciler/run.js';
import { startWebhook, type Webhook } from '../../webhook/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';
import { client, fixture, makeCerts, type CertDir } from '../webhook/harness.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

const PORT = 15366;

describe.skipIf(!!why)('webhook and reconciler of two clusters sharing a BIND zone', () => {
  let bind: BindServer;
  let api: FakeApiServer;
  let dir: string;
  let certs: CertDir;
  beforeAll(async () => {
    bind = await startBind({ port: PORT, zones: ['example.com'] });
    // HTTPS with the CA in the kubeconfig, as a real cluster: the Kubernetes client on Node 20 over TLS
    api = await start({ tls: true });
    dir = mkdtempSync(join(tmpdir(), 'zoneguard-two-halves-'));
    writeFileSync(join(dir, 'kubeconfig'), api.kubeconfigYaml());
    writeFileSync(join(dir, 'tsig.secret'), bind.tsig.secret);
    certs = makeCerts();
  });
  afterAll(async () => {
    await api?.close();
    await bind?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const provider = () => ({
    provider: 'rfc2136',
    'rfc2136-host': '127.0.0.1',
    'rfc2136-port': String(bind.port),
    'rfc2136-zone': ['example.com'],
    'rfc2136-tsig-keyname': bind.tsig.name,
    'rfc2136-tsig-secret-alg': bind.tsig.algorithm,
    'rfc2136-tsig-secret-file': join(dir, 'tsig.secret'),
    'domain-filter': ['example.com'],
    kubeconfig: join(dir, 'kubeconfig'),
  });

  it("cluster-a's webhook denies a name cluster-b's reconciler has just published", async () => {
    const cfgB = resolveSettings('reconcile', {
      cli: {
        ...provider(),
        'txt-owner-id': 'cluster-b',
        interval: '1m',
        'min-event-sync-interval': '10ms',
        'metrics-address': '',
      },
      env: {},
    });
    const ac = new AbortController();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const reconciler = await new Promise<Reconciler>((resolve, reject) => {
      runReconcile(
        cfgB,
        { logger: silentLogger(), env: {}, stdout: sink, stderr: sink },
        { signal: ac.signal, onReady: (r) => resolve(r.reconciler) },
      ).catch(reject);
    });
    const cfgA = resolveSettings('webhook', {
      cli: {
        ...provider(),
        'txt-owner-id': 'cluster-a',
        'listen-address': '127.0.0.1:0',
        'tls-cert-file': join(certs.dir, 'tls.crt'),
        'tls-private-key-file': join(certs.dir, 'tls.key'),
        'ownership-refresh': '1h',
        'max-ownership-age': '2h',
      },
      env: {},
    });
    const wh: Webhook = await startWebhook(cfgA, { logger: silentLogger(), env: {} });
    const c = client(wh.url, certs.ca);
    try {
      await wh.ownership!.whenLoaded();
      await wh.cluster!.whenSynced();
      const review = fixture('duplicate-ingress.json');
      const obj = review.request.object as {
        metadata: Record<string, unknown>;
        spec: { rules: { host: string }[] };
      };
      obj.metadata = { ...obj.metadata, name: 'shop', namespace: 'team-a' };
      obj.spec.rules[0].host = 'shop.example.com';
      Object.assign(review.request, { name: 'shop', namespace: 'team-a' });
      // the name is free: cluster-a may take it
      expect((await c.review(review)).review.response?.allowed).toBe(true);

      // cluster-b gets there first, through its own Ingress (the fake API is cluster-b's here)
      api.apply({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'storefront', namespace: 'shop' },
        spec: { rules: [{ host: 'shop.example.com' }] },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.70' }] } },
      });
      for (
        let i = 0;
        i < 400 && !(await bind.axfr('example.com')).some((l) => l.startsWith('a-shop.example.com.'));
        i++
      )
        await new Promise((r) => setTimeout(r, 25));
      expect((await bind.axfr('example.com')).find((l) => l.startsWith('a-shop.example.com.'))).toContain(
        'external-dns/owner=cluster-b',
      );

      // no hour-long wait: the Lease the reconciler bumped made the webhook re-read BIND
      for (
        let i = 0;
        i < 400 && wh.ownership!.current()?.blockerFor('shop.example.com', 'A', 'cluster-a') === undefined;
        i++
      )
        await new Promise((r) => setTimeout(r, 25));
      const denied = await c.review(review);
      expect(denied.review.response?.allowed).toBe(false);
      expect(denied.review.response?.status?.message).toContain(
        'shop.example.com: ownership: A record owned by "cluster-b" (ingress/shop/storefront), not "cluster-a"',
      );
      expect(reconciler).toBeDefined();
    } finally {
      c.close();
      await wh.close();
      ac.abort();
    }
  });
});
