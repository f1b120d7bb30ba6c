/**
 * Objects applied through the fake API server → `zoneguard reconcile --provider rfc2136` → a real
 * BIND 9 (signed UPDATE and AXFR) → answers checked with dig and the zone by AXFR: records and
 * external-dns TXT ownership records, another owner's and unowned records byte-for-byte untouched
 * under --policy sync, update, delete, a steady state without writes; and the faults: a wrong key,
 * a server that hangs, a server killed in the middle of a batch and restarted.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { captureLogs } from '../logs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cli/settings.js';
import type { Rfc2136Provider } from '../../core/providers/rfc2136/rfc2136.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { runReconcile } from '../../reconciler/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { ingress } from '../kube/objects.js';
import { bindUnavailable, startBind, type BindServer } from '../servers/bind.js';
import { startRelay, type Relay, type RelayAction } from '../servers/relay.js';

const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

const PORT = 15364;
const OWNED = (resource: string, owner = 'cluster-a') =>
  `"heritage=external-dns,external-dns/owner=${owner},external-dns/resource=${resource}"`;

function until(
  reconciler: Reconciler,
  pred: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for: ${what}`));
    }, timeoutMs);
    const check = () =>
      Promise.resolve(pred()).then(
        (v) => {
          if (v) {
            off();
            clearTimeout(timer);
            resolve();
          }
        },
        (e: unknown) => {
          off();
          clearTimeout(timer);
          reject(e);
        },
      );
    off = reconciler.onSync(() => void check());
    void check();
  });
}

const dnsEndpoint = (
  name: string,
  endpoints: { dnsName: string; recordType: string; targets: string[] }[],
) => ({
  apiVersion: 'externaldns.k8s.io/v1alpha1',
  kind: 'DNSEndpoint',
  metadata: { name, namespace: 'default', generation: 1 },
  spec: { endpoints },
});

interface Running {
  reconciler: Reconciler;
  provider: Rfc2136Provider;
  logs: Record<string, unknown>[];
  metricsUrl?: string;
  stop(): void;
}

describe.skipIf(!!why)('reconcile to a real BIND 9 (RFC 2136 + TSIG)', () => {
  let bind: BindServer;
  let api: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    bind = await startBind({ port: PORT, zones: ['example.com'] });
    api = await start();
    dir = mkdtempSync(join(tmpdir(), 'zoneguard-reconcile-bind-'));
    writeFileSync(join(dir, 'kubeconfig'), api.kubeconfigYaml());
  });
  afterAll(async () => {
    await api?.close();
    await bind?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function reconcile(
    opts: { port?: number; secret?: string; flags?: Record<string, string | string[]> } = {},
  ): Promise<Running> {
    const env = { ZONEGUARD_RFC2136_TSIG_SECRET: opts.secret ?? bind.tsig.secret };
    const cfg = resolveSettings('reconcile', {
      cli: {
        provider: 'rfc2136',
        'rfc2136-host': '127.0.0.1',
        'rfc2136-port': String(opts.port ?? bind.port),
        'rfc2136-zone': ['example.com'],
        'rfc2136-tsig-keyname': bind.tsig.name,
        'rfc2136-tsig-secret-alg': bind.tsig.algorithm,
        'rfc2136-timeout': '2s',
        'domain-filter': ['example.com'],
        'txt-owner-id': 'cluster-a',
        kubeconfig: join(dir, 'kubeconfig'),
        interval: '1m',
        'min-event-sync-interval': '10ms',
        'metrics-address': '127.0.0.1:0',
        'retry-base-delay': '20ms',
        'retry-max-delay': '100ms',
        ...opts.flags,
      },
      env,
    });
    const { logger, logs } = captureLogs('info');
    const ac = new AbortController();
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    return new Promise<Running>((resolve, reject) => {
      runReconcile(
        cfg,
        { logger, env, stdout: sink, stderr: sink },
        {
          signal: ac.signal,
          onReady: (r) =>
            resolve({
              reconciler: r.reconciler,
              provider: r.provider as Rfc2136Provider,
              logs,
              metricsUrl: r.metricsUrl,
              stop: () => ac.abort(),
            }),
        },
      ).catch(reject);
    });
  }

  /** The zone by AXFR, without our own names (for "untouched" comparisons). */
  const zoneWithout = async (ours: RegExp) =>
    (await bind.axfr('example.com')).filter((l) => !ours.test(l.split(' ')[0]) && !/ SOA /.test(l));

  it('publishes with byte-compatible TXT ownership, leaves foreign and unowned records untouched, updates, deletes, then makes no writes', async () => {
    await bind.nsupdate('example.com', [
      'update add shop.example.com 300 A 198.51.100.20',
      'update add shop.example.com 300 A 198.51.100.21',
      `update add a-shop.example.com 300 TXT ${OWNED('ingress/shop/storefront', 'cluster-b')}`,
      'update add www.example.com 120 A 192.0.2.80',
      'update add mail.example.com 300 A 192.0.2.25',
      'update add example.com 300 MX 10 mail.example.com.',
      'update add legacy.example.com 300 CNAME old-lb.example.net.',
      'update add legacy.example.com 300 TXT "v=spf1 -all"',
    ]);
    const ours = /^(a-)?(app|cname-api|api)\.example\.com\.$/;
    const before = await zoneWithout(ours);

    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    api.apply(ingress('steal', 'shop.example.com', '203.0.113.66'));
    api.apply(ingress('squat', 'www.example.com', '203.0.113.67'));
    api.apply(
      dnsEndpoint('api', [
        { dnsName: 'api.example.com', recordType: 'CNAME', targets: ['lb-1.elb.example.net'] },
      ]),
    );
    const r = await reconcile();
    try {
      await until(
        r.reconciler,
        async () =>
          (await bind.dig('app.example.com', 'A')).join() === '203.0.113.7' &&
          (await bind.dig('api.example.com', 'CNAME')).length === 1,
        'app and api published',
      );
      const zone = await bind.axfr('example.com');
      // the TXT ownership records, exactly as external-dns writes them
      expect(zone).toContain(`a-app.example.com. 300 IN TXT ${OWNED('ingress/default/app')}`);
      expect(zone).toContain(`cname-api.example.com. 300 IN TXT ${OWNED('crd/default/api')}`);
      expect(zone).toContain('api.example.com. 300 IN CNAME lb-1.elb.example.net.');
      // another owner's records, unowned records and other types: byte for byte as before
      expect(await zoneWithout(ours)).toEqual(before);
      expect(
        api
          .events()
          .some(
            (e) =>
              e.reason === 'DNSRecordRejected' && (e.involvedObject as { name: string }).name === 'steal',
          ),
      ).toBe(true);
      expect(
        api
          .events()
          .some(
            (e) =>
              e.reason === 'DNSRecordRejected' && (e.involvedObject as { name: string }).name === 'squat',
          ),
      ).toBe(true);

      // update: the address moves, the ownership record stays
      api.apply(ingress('app', 'app.example.com', '203.0.113.8'));
      await until(
        r.reconciler,
        async () => (await bind.dig('app.example.com', 'A')).join() === '203.0.113.8',
        'app moved',
      );
      expect(await bind.dig('a-app.example.com', 'TXT')).toEqual([OWNED('ingress/default/app')]);

      // steady state: a full resync with nothing changed sends no UPDATE
      const writes = r.provider.calls.writes;
      await r.reconciler.sync();
      await r.reconciler.sync();
      expect(r.provider.calls.writes).toBe(writes);

      // delete: the record and its ownership record go together; nothing else moves
      api.remove(ingress('app', 'app.example.com', '203.0.113.8'));
      api.remove(dnsEndpoint('api', []));
      await until(
        r.reconciler,
        async () =>
          (await bind.dig('app.example.com', 'A')).length === 0 &&
          (await bind.dig('api.example.com', 'CNAME')).length === 0,
        'app and api deleted',
      );
      const after = await bind.axfr('example.com');
      expect(after.filter((l) => ours.test(l.split(' ')[0]))).toEqual([]);
      expect(await zoneWithout(ours)).toEqual(before);
    } finally {
      r.stop();
      api.remove(ingress('steal', 'shop.example.com', '203.0.113.66'));
      api.remove(ingress('squat', 'www.example.com', '203.0.113.67'));
    }
  });

  it('reports a wrong TSIG secret as NOTAUTH(BADSIG) with a metric, without crashing or writing', async () => {
    api.apply(ingress('badkey', 'badkey.example.com', '203.0.113.30'));
    const r = await reconcile({ secret: Buffer.from('not the right secret').toString('base64') });
    try {
      await until(r.reconciler, () => r.logs.some((l) => l.msg === 'provider error'), 'a provider error');
      const failure = r.logs.find((l) => l.msg === 'provider error')!;
      expect(failure).toMatchObject({ provider: 'rfc2136', retryable: false });
      expect(String(failure.err)).toMatch(
        /NOTAUTH\(BADSIG\).*TSIG key "zoneguard-key" \(hmac-sha256\).*wrong secret/,
      );
      expect(JSON.stringify(r.logs)).not.toContain(bind.tsig.secret);
      const metrics = await (await fetch(`${r.metricsUrl}/metrics`)).text();
      expect(metrics).toMatch(/zoneguard_provider_errors_total\{provider="rfc2136",kind="records"\} [1-9]/);
      expect(await bind.dig('badkey.example.com', 'A')).toEqual([]);
    } finally {
      r.stop();
      api.remove(ingress('badkey', 'badkey.example.com', '203.0.113.30'));
    }
  });

  it('times out on a server that accepts and never answers, and recovers when it answers again', async () => {
    let action: RelayAction = 'hang';
    const relay: Relay = await startRelay(bind.port, () => action);
    api.apply(ingress('slow', 'slow.example.com', '203.0.113.31'));
    const r = await reconcile({ port: relay.port, flags: { 'rfc2136-timeout': '300ms' } });
    try {
      await until(
        r.reconciler,
        () =>
          r.logs.some(
            (l) =>
              l.msg === 'provider error' &&
              /no answer from 127\.0\.0\.1:\d+ within 300 ms/.test(String(l.err)),
          ),
        'a timeout',
      );
      action = 'pass';
      await until(
        r.reconciler,
        async () => (await bind.dig('slow.example.com', 'A')).join() === '203.0.113.31',
        'slow published after recovery',
      );
    } finally {
      r.stop();
      await relay.close();
      api.remove(ingress('slow', 'slow.example.com', '203.0.113.31'));
    }
  });

  it('converges after the server is killed in the middle of a batch: no duplicates, no orphaned records or TXT', async () => {
    const n = 120;
    const endpoints = Array.from({ length: n }, (_, i) => ({
      dnsName: `bulk-${i}.example.com`,
      recordType: 'A',
      targets: [`198.18.${i >> 8}.${i & 255}`],
    }));
    let killed = false;
    // the 4th UPDATE finds the server gone (killed just before it is relayed)
    const relay = await startRelay(bind.port, async (count): Promise<RelayAction> => {
      if (!killed && count >= 5) {
        killed = true;
        await bind.kill();
      }
      return 'pass';
    });
    api.apply(dnsEndpoint('bulk', endpoints));
    const r = await reconcile({ port: relay.port, flags: { 'rfc2136-batch-change-size': '20' } });
    try {
      await until(
        r.reconciler,
        () => killed && r.logs.some((l) => l.msg === 'provider error'),
        'the kill to be noticed',
      );
      await bind.restart();
      await until(
        r.reconciler,
        async () =>
          (await bind.axfr('example.com')).filter((l) => /^bulk-\d+\.example\.com\. \d+ IN A /.test(l))
            .length === n,
        'all bulk records published',
      );
      const zone = await bind.axfr('example.com');
      const records = zone.filter((l) => /^bulk-/.test(l));
      const txts = zone.filter((l) => /^a-bulk-/.test(l));
      expect(records).toHaveLength(n);
      expect(txts).toHaveLength(n);
      for (const e of endpoints) {
        expect(records).toContain(`${e.dnsName}. 300 IN A ${e.targets[0]}`);
        expect(txts).toContain(`a-${e.dnsName}. 300 IN TXT ${OWNED('crd/default/bulk')}`);
      }
      const writes = r.provider.calls.writes;
      await r.reconciler.sync();
      expect(r.provider.calls.writes).toBe(writes);
    } finally {
      r.stop();
      await relay.close();
    }
  });
});
