/**
 * SIGTERM to the real `zoneguard reconcile` process (bin/zoneguard.js) leading through the fake
 * API server: the sync finishes, the Lease is released at once (holder cleared, so the next
 * replica need not wait for it to expire), the metrics listener closes and the process exits 0.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { start, type FakeApiServer } from '../kube/fake-apiserver.js';
import { ingress } from '../kube/objects.js';
import { bindUnavailable, startBind } from '../servers/bind.js';
import { freeTcpUdpPort } from '../servers/ports.js';

const ROOT = resolve(__dirname, '../..');
const BIN = join(ROOT, 'bin', 'zoneguard.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const why = built ? undefined : 'dist/ is not built (npm ci builds it; or npm run build)';
if (why && process.env.CI) throw new Error(`the reconcile stop test needs dist/: ${why}`);
const noBind = bindUnavailable();
if (noBind && process.env.CI) throw new Error(`BIND9 is required in CI: ${noBind}`);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The HTTP status of GET url, or the error's code (ECONNREFUSED once the listener is closed). */
const status = (url: string) =>
  new Promise<number | string>((done) => {
    const req = get(url, { agent: false }, (res) => {
      res.resume();
      done(res.statusCode ?? 0);
    });
    req.on('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });

describe.skipIf(!built)(`reconcile on SIGTERM${why ? ` (skipped: ${why})` : ''}`, () => {
  let api: FakeApiServer;
  const started: number[] = [];
  beforeEach(async () => {
    api = await start();
  });
  afterEach(async () => {
    // only the processes this test started, by PID
    for (const pid of started.splice(0))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited
      }
    await api.close();
  });

  interface Exit {
    code: number | null;
    signal: string | null;
    at: number;
  }
  /** `zoneguard <args>` as its own process, its stdout and stderr in `log`, killed by PID after the test. */
  const launch = (args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env });
    started.push(p.pid!);
    const run = {
      p,
      log: '',
      exited: new Promise<Exit>((r) => p.on('exit', (code, signal) => r({ code, signal, at: Date.now() }))),
      /** How it exited, or "still running" `ms` after now. */
      exitWithin: (ms: number) =>
        Promise.race([
          run.exited,
          sleep(ms).then((): Exit => ({ code: -1, signal: `still running ${ms / 1000} s after`, at: 0 })),
        ]),
    };
    p.stdout!.on('data', (d: Buffer) => (run.log += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (run.log += d.toString()));
    return run;
  };

  it('the leader finishes its sync, releases the Lease, closes /metrics and exits 0', async () => {
    api.apply(ingress('app', 'app.example.com', '203.0.113.7'));
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'zoneguard-stop-')), 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfigYaml());
    const run = launch([
      'reconcile',
      '--provider=inmemory',
      '--inmemory-zone=example.com',
      '--domain-filter=example.com',
      '--txt-owner-id=cluster-a',
      `--kubeconfig=${kubeconfig}`,
      '--interval=1m',
      '--metrics-address=127.0.0.1:0',
      '--kube-api-qps=0',
      '--leader-elect',
      '--leader-election-namespace=zoneguard',
      '--leader-election-identity=one',
      '--log-format=json',
      '--log-level=debug',
    ]);
    const { p } = run;
    // leading, one sync applied, /metrics served
    let metrics = '';
    for (let i = 0; i < 400; i++) {
      metrics = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/metrics"/.exec(run.log)?.[1] ?? '';
      if (metrics && /"msg":"[^"]*applied/.test(run.log) && (await status(`${metrics}/readyz`)) === 200)
        break;
      await sleep(25);
    }
    expect(metrics, run.log).not.toBe('');
    expect(await status(`${metrics}/readyz`), run.log).toBe(200);
    expect(api.leases.get('zoneguard', 'zoneguard-reconciler')?.spec).toMatchObject({
      holderIdentity: 'one',
    });

    const term = Date.now();
    process.kill(p.pid!, 'SIGTERM');
    const { code, signal, at } = await run.exited;
    expect({ code, signal }, run.log).toEqual({ code: 0, signal: null });
    expect(at - term).toBeLessThan(5_000);
    // released: the holder cleared, so a successor takes over without waiting out the lease
    expect(api.leases.get('zoneguard', 'zoneguard-reconciler')?.spec).toMatchObject({ holderIdentity: '' });
    expect(run.log).toContain('leader election: released the lease');
    expect(await status(`${metrics}/metrics`)).toBe('ECONNREFUSED');
  }, 60_000);

  it('stops on SIGTERM while the API server does not answer its first read (exit 0, nothing left running)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zoneguard-stop-'));
    const kubeconfig = join(dir, 'kubeconfig');
    // an API server that refuses connections: the informers retry their first list with backoff
    writeFileSync(kubeconfig, api.kubeconfigYaml().replace(/server: \S+/, 'server: https://127.0.0.1:1'));
    const run = launch([
      'reconcile',
      '--provider=inmemory',
      '--inmemory-zone=example.com',
      `--kubeconfig=${kubeconfig}`,
      '--metrics-address=127.0.0.1:0',
      '--log-format=json',
    ]);
    const { p } = run;
    for (let i = 0; i < 400 && !run.log.includes('watch failed'); i++) await sleep(25);
    expect(run.log).toContain('watch failed');
    const term = Date.now();
    process.kill(p.pid!, 'SIGTERM');
    const { code, signal, at } = await run.exitWithin(10_000);
    expect({ code, signal }, run.log).toEqual({ code: 0, signal: null });
    expect(at - term).toBeLessThan(5_000);
    expect(run.log).toContain('reconciler stopping before the sources finished their first read');
  }, 60_000);

  it.skipIf(!!noBind)(
    `the first SIGTERM during a paced write sends no further batch: real BIND keeps whole names, exit 0 at once${noBind ? ` (skipped: ${noBind})` : ''}`,
    async () => {
      const bind = await startBind({ port: await freeTcpUdpPort() });
      const dir = mkdtempSync(join(tmpdir(), 'zoneguard-stop-'));
      const manifests = join(dir, 'three.yaml');
      // three names, one per RFC 2136 message (each with its ownership TXT), 30 s apart
      writeFileSync(
        manifests,
        ['one', 'two', 'three']
          .map((n, i) =>
            [
              'apiVersion: externaldns.k8s.io/v1alpha1',
              'kind: DNSEndpoint',
              `metadata: { name: ${n}, namespace: default }`,
              `spec: { endpoints: [{ dnsName: ${n}.example.com, recordType: A, targets: [192.0.2.${i + 1}] }] }`,
            ].join('\n'),
          )
          .join('\n---\n'),
      );
      try {
        const run = launch(
          [
            'reconcile',
            '--kube-api=off',
            '-f',
            manifests,
            '--provider=rfc2136',
            '--rfc2136-host=127.0.0.1',
            `--rfc2136-port=${bind.port}`,
            '--rfc2136-zone=example.com',
            `--rfc2136-tsig-keyname=${bind.tsig.name}`,
            `--rfc2136-tsig-secret-alg=${bind.tsig.algorithm}`,
            '--rfc2136-batch-change-size=2',
            '--batch-change-interval=30s',
            '--domain-filter=example.com',
            '--txt-owner-id=cluster-a',
            '--log-format=json',
          ],
          { ...process.env, ZONEGUARD_RFC2136_TSIG_SECRET: bind.tsig.secret },
        );
        const { p } = run;
        // the first message is in: its name and ownership record; the next waits 30 s
        for (let i = 0; i < 400 && (await bind.dig('one.example.com', 'A')).length === 0; i++)
          await sleep(25);
        expect(await bind.dig('one.example.com', 'A'), run.log).toEqual(['192.0.2.1']);
        const term = Date.now();
        process.kill(p.pid!, 'SIGTERM');
        const { code, signal, at } = await run.exitWithin(15_000);
        expect({ code, signal }, run.log).toEqual({ code: 0, signal: null });
        expect(at - term).toBeLessThan(5_000);
        expect(run.log).toContain('sync stopped before all changes were sent');
        expect(run.log).toContain('stopping: 2 of 3 batches not sent');
        expect(run.log).not.toContain('"level":"error"');
        // whole names only: the one sent has its ownership record, the others nothing
        expect(await bind.dig('a-one.example.com', 'TXT')).toEqual([
          '"heritage=external-dns,external-dns/owner=cluster-a,external-dns/resource=crd/default/one"',
        ]);
        for (const n of ['two', 'three', 'a-two', 'a-three'])
          expect(await bind.dig(`${n}.example.com`, n.startsWith('a-') ? 'TXT' : 'A'), n).toEqual([]);
      } finally {
        await bind.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it('a second SIGTERM exits at once (143) when the sync in flight hangs on its provider', async () => {
    // a PowerDNS API that accepts connections and never answers
    const held = new Set<Socket>();
    const hang = createServer((sock) => void held.add(sock));
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const { port } = hang.address() as AddressInfo;
    try {
      const run = launch(
        [
          'reconcile',
          '--kube-api=off',
          '-f',
          join(ROOT, 'examples/manifests/good.yaml'),
          '--provider=pdns',
          `--pdns-server=http://127.0.0.1:${port}`,
          '--pdns-timeout=60s',
          '--domain-filter=example.com',
          '--txt-owner-id=cluster-a',
          '--metrics-address=127.0.0.1:0',
          '--log-format=json',
        ],
        { ...process.env, ZONEGUARD_PDNS_API_KEY: 'not-a-real-key' },
      );
      const { p } = run;
      // the first sync is waiting for the provider
      for (let i = 0; i < 400 && held.size === 0; i++) await sleep(25);
      expect(held.size, run.log).toBeGreaterThan(0);
      process.kill(p.pid!, 'SIGTERM');
      for (let i = 0; i < 400 && !run.log.includes('reconciler stopping'); i++) await sleep(25);
      // the first signal waits for the sync in flight …
      await sleep(500);
      expect(p.exitCode).toBeNull();
      // … the second does not
      const term = Date.now();
      process.kill(p.pid!, 'SIGTERM');
      const { code, signal, at } = await run.exitWithin(10_000);
      expect({ code, signal }, run.log).toEqual({ code: 143, signal: null });
      expect(at - term).toBeLessThan(2_000);
      expect(run.log).toContain('the sync in flight is abandoned');
    } finally {
      for (const s of held) s.destroy();
      hang.close();
    }
  }, 60_000);
});
