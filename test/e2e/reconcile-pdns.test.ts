/**
 * Objects applied through the fake API server → `zoneguard reconcile --provider pdns` → a real
 * PowerDNS → answers checked with a DNS query: records and external-dns TXT ownership records,
 * another owner's records left alone, the server stopped and restarted under the running loop.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { captureLogs } from '../logs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../cli/settings.js';
import { queryDns } from '../../doctor/dns-query.js';
import { PdnsProvider } from '../../core/providers/pdns/pdns.js';
import type { Reconciler } from '../../reconciler/loop.js';
import { runReconcile } from '../../reconciler/run.js';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { ingress } from '../kube/objects.js';
import { pdnsUnavailable, startPdns, type PdnsServer } from '../servers/pdns.js';
import { freeTcpUdpPort as freePort } from '../servers/ports.js';

const why = pdnsUnavailable();
if (why && process.env.CI) throw new Error(`PowerDNS is required in CI: ${why}`);

function until(reconciler: Reconciler, pred: () => Promise<boolean>): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const check = () =>
      pred().then(
        (v) => {
          if (v) {
            off();
            resolve();
          }
        },
        (e: unknown) => {
          off();
          reject(e);
        },
      );
    off = reconciler.onSync(() => void check());
    void check();
  });
}

describe.skipIf(why)('reconcile to a real PowerDNS', () => {
  let pdns: PdnsServer;
  let api: FakeApiServer;
  let dir: string;
  beforeAll(async () => {
    pdns = await startPdns({ port: await freePort(), apiPort: await freePort(), zones: ['example.com'] });
    api = await start();
    dir = mkdtempSync(join(tmpdir(), 'zoneguard-reconcile-pdns-'));
  });
  afterAll(async () => {
    await api?.close();
    await pdns?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ask = async (name: string, type: string) => {
    const a = await queryDns({ host: '127.0.0.1', port: pdns.port }, name, type, {
      timeoutMs: 1000,
      tries: 2,
    });
    return a.records
      .filter((r) => r.type === type)
      .map((r) => r.data)
      .sort();
  };

  it('publishes what the webhook admits, keeps TXT ownership byte-compatible, survives a server restart', async () => {
    // another owner's record and an unowned record, already in the zone
    const seeder = new PdnsProvider({ server: pdns.server, apiKey: pdns.apiKey });
    const other = {
      dnsName: 'shop.example.com',
      recordType: 'A',
      targets: ['198.51.100.20'],
      ttl: 300,
      labels: {},
    };
    const otherTxt = {
      dnsName: 'a-shop.example.com',
      recordType: 'TXT',
      targets: [
        'heritage=external-dns,external-dns/owner=cluster-b,external-dns/resource=ingress/shop/storefront',
      ],
      ttl: 300,
      labels: {},
    };
    const unowned = {
      dnsName: 'www.example.com',
      recordType: 'A',
      targets: ['192.0.2.80'],
      ttl: 300,
      labels: {},
    };
    await seeder.applyChanges({
      create: [other, otherTxt, unowned],
      updateOld: [],
      updateNew: [],
      delete: [],
    });

    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    api.apply(ingress('steal', 'shop.example.com', '203.0.113.66'));

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
    const cfg = resolveSettings('reconcile', {
      cli: {
        provider: 'pdns',
        'pdns-server': pdns.server,
        'domain-filter': ['example.com'],
        'txt-owner-id': 'cluster-a',
        kubeconfig,
        interval: '1m',
        'min-event-sync-interval': '10ms',
        'metrics-address': '',
        'retry-base-delay': '20ms',
        'retry-max-delay': '100ms',
        'pdns-timeout': '1s',
      },
      env: { ZONEGUARD_PDNS_API_KEY: pdns.apiKey },
    });
    const { logger, logs } = captureLogs('info');
    const ac = new AbortController();
    let reconciler!: Reconciler;
    const ready = new Promise<void>((resolve) => {
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      void runReconcile(
        cfg,
        { logger, env: { ZONEGUARD_PDNS_API_KEY: pdns.apiKey }, stdout: sink, stderr: sink },
        { signal: ac.signal, onReady: (r) => ((reconciler = r.reconciler), resolve()) },
      );
    });
    await ready;
    try {
      await until(reconciler, async () => (await ask('app.example.com', 'A')).join() === '203.0.113.7');
      expect(await ask('a-app.example.com', 'TXT')).toEqual([
        'heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/default/app',
      ]);
      // the other owner's and the unowned records are untouched; the object that claims one is skipped with an Event
      expect(await ask('shop.example.com', 'A')).toEqual(['198.51.100.20']);
      expect(await ask('a-shop.example.com', 'TXT')).toEqual([otherTxt.targets[0]]);
      expect(await ask('www.example.com', 'A')).toEqual(['192.0.2.80']);
      expect(
        api
          .events()
          .some(
            (e) =>
              e.reason === 'DNSRecordRejected' && (e.involvedObject as { name: string }).name === 'steal',
          ),
      ).toBe(true);

      // PowerDNS goes away: failed syncs are logged, then the loop recovers once it is back
      await pdns.kill();
      api.apply(ingress('app', 'app.example.com', '203.0.113.8'));
      await until(reconciler, async () => logs.some((l) => l.msg === 'provider error'));
      await pdns.restart();
      await until(reconciler, async () => (await ask('app.example.com', 'A')).join() === '203.0.113.8');
      expect(await ask('a-app.example.com', 'TXT')).toEqual([
        'heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=ingress/default/app',
      ]);
      const failure = logs.find((l) => l.msg === 'provider error')!;
      expect(failure).toMatchObject({ provider: 'pdns', kind: 'records' });

      // delete: record and ownership record go together
      api.remove(ingress('app', 'app.example.com', '203.0.113.8'));
      await until(reconciler, async () => (await ask('app.example.com', 'A')).length === 0);
      expect(await ask('a-app.example.com', 'TXT')).toEqual([]);
      expect(await ask('shop.example.com', 'A')).toEqual(['198.51.100.20']);
    } finally {
      ac.abort();
    }
  });
});
