/**
 * Graceful shutdown as Kubernetes needs it, against the real `zoneguard webhook` process
 * (bin/zoneguard.js): after SIGTERM /readyz turns 503 at once, reviews keep being answered over
 * keep-alive and new connections for --shutdown-delay (the API server keeps sending them until the
 * pod leaves the Service's endpoints), then the listener closes and the process exits 0. And a
 * webhook started through npm stops when npm goes away (npm exec does not pass SIGTERM on).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, makeCerts, POLICY, ROOT, type CertDir } from './harness.js';

const BIN = join(ROOT, 'bin', 'zoneguard.js');
const built = existsSync(join(ROOT, 'dist/cli/main.js'));
const why = built ? undefined : 'dist/ is not built (npm ci builds it; or npm run build)';
if (why && process.env.CI) throw new Error(`the shutdown test needs dist/: ${why}`);

function flagArgs(certs: CertDir, extra: string[]): string[] {
  return [
    'webhook',
    '--listen-address',
    '127.0.0.1:0',
    '--tls-cert-file',
    join(certs.dir, 'tls.crt'),
    '--tls-private-key-file',
    join(certs.dir, 'tls.key'),
    '--provider',
    POLICY.provider,
    '--inmemory-zone-file',
    POLICY['inmemory-zone-file'][0],
    '--domain-filter',
    'example.com',
    '--txt-owner-id',
    'cluster-a',
    '--log-format',
    'json',
    ...extra,
  ];
}

/** A kubeconfig whose API server is not there: the webhook's watches retry in the background. */
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
contexts: [{ name: c, context: { cluster: c, user: u, namespace: default } }]
current-context: c
users: [{ name: u, user: { token: t } }]
`;

/** Resolves with the port once the process logs "webhook listening". */
function listening(p: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString();
      const m =
        /"address":"127\.0\.0\.1:(\d+)"[^\n]*"msg":"webhook listening"|"msg":"webhook listening"[^\n]*"address":"127\.0\.0\.1:(\d+)"/.exec(
          text,
        );
      if (m) resolve(Number(m[1] ?? m[2]));
    };
    p.stderr!.on('data', onData);
    p.stdout!.on('data', onData);
    p.on('exit', (code) => reject(new Error(`webhook exited ${code}: ${text}`)));
  });
}

function call(
  port: number,
  ca: string,
  agent: Agent | false,
  method: string,
  path: string,
  body?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        ca,
        servername: 'localhost',
        agent,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.setTimeout(5_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether a process runs (an exited one its new parent has not reaped yet is a zombie: not running). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe.skipIf(!built)(`webhook shutdown${why ? ` (skipped: ${why})` : ''}`, () => {
  const started: number[] = [];
  afterEach(() => {
    // only the processes this test started, by PID
    for (const pid of started.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });

  it('SIGTERM: unready at once, no review lost during --shutdown-delay, exit 0 after it', async () => {
    const certs = makeCerts();
    const p = spawn(
      process.execPath,
      [BIN, ...flagArgs(certs, ['--shutdown-delay', '1500ms', '--shutdown-timeout', '2s'])],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    started.push(p.pid!);
    const exited = new Promise<{ code: number | null; at: number }>((r) =>
      p.on('exit', (code) => r({ code, at: Date.now() })),
    );
    const port = await listening(p);
    for (
      let i = 0;
      i < 200 && (await call(port, certs.ca, false, 'GET', '/readyz').catch(() => 0)) !== 200;
      i++
    )
      await new Promise((r) => setTimeout(r, 25));
    const review = JSON.stringify(fixture('allowed-ingress.json'));
    const keepAlive = new Agent({ keepAlive: true, maxSockets: 4 });
    // reviews over kept-alive connections and over new ones, without pause
    const results: { at: number; ok: boolean }[] = [];
    let stop = false;
    const loop = async (agent: Agent | false) => {
      while (!stop) {
        const at = Date.now();
        const code = await call(port, certs.ca, agent, 'POST', '/validate?timeout=10s', review).catch(
          () => 0,
        );
        results.push({ at, ok: code === 200 });
        if (code !== 200) await new Promise((r) => setTimeout(r, 5));
      }
    };
    const loops = [loop(keepAlive), loop(keepAlive), loop(false)];
    await new Promise((r) => setTimeout(r, 300));
    const term = Date.now();
    process.kill(p.pid!, 'SIGTERM');
    // unready at once, while reviews are still answered
    let ready = 0;
    for (
      let i = 0;
      i < 40 && (ready = await call(port, certs.ca, false, 'GET', '/readyz').catch(() => -1)) === 200;
      i++
    )
      await new Promise((r) => setTimeout(r, 10));
    expect(ready).toBe(503);
    expect(Date.now() - term).toBeLessThan(1_000);
    const { code, at } = await exited;
    stop = true;
    await Promise.all(loops);
    keepAlive.destroy();
    expect(code).toBe(0);
    // the listener stayed for the delay, and the process ended within delay + timeout
    expect(at - term).toBeGreaterThanOrEqual(1_400);
    expect(at - term).toBeLessThan(1_500 + 2_000 + 1_500);
    // every review sent before the delay was over was answered
    const beforeClose = results.filter((r) => r.at < term + 1_400);
    expect(beforeClose.filter((r) => r.at >= term).length).toBeGreaterThan(10);
    expect(beforeClose.filter((r) => !r.ok)).toEqual([]);
  });

  /** Starts `zoneguard webhook` with these flags; its exit, and its log so far. */
  function startBin(certs: CertDir, extra: string[], args = flagArgs(certs, extra)) {
    const p = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(p.pid!);
    const log = { text: '' };
    p.stderr!.on('data', (d: Buffer) => (log.text += d.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((r) =>
      p.on('exit', (code, signal) => r({ code, signal, at: Date.now() })),
    );
    return { p, log, exited };
  }

  it('SIGTERM while it starts (before it listens): a graceful stop, exit 0, not killed by the signal', async () => {
    const certs = makeCerts();
    // the start blocks reading its kubeconfig from a FIFO until the test writes it: a window that
    // stands for a slow start (a pod told to stop during a rollout or a node drain)
    const dir = mkdtempSync(join(tmpdir(), 'zoneguard-fifo-'));
    const fifo = join(dir, 'kubeconfig');
    execFileSync('mkfifo', [fifo]);
    // no --provider: its warning is logged just before the kubeconfig is read
    const { p, log, exited } = startBin(
      certs,
      [],
      [
        'webhook',
        '--listen-address=127.0.0.1:0',
        `--tls-cert-file=${join(certs.dir, 'tls.crt')}`,
        `--tls-private-key-file=${join(certs.dir, 'tls.key')}`,
        `--kubeconfig=${fifo}`,
        '--duplicate-policy=off',
        '--shutdown-delay=30s',
      ],
    );
    while (!log.text.includes('no --provider')) await new Promise((r) => setTimeout(r, 10));
    // it cannot listen before the test writes the kubeconfig: this signal comes during the start
    process.kill(p.pid!, 'SIGTERM');
    let gone = false;
    void exited.then(() => (gone = true));
    // the kubeconfig, once it opens the FIFO (ENXIO until then; a process the signal killed never does)
    for (;;) {
      let fd: number | undefined;
      try {
        fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
        writeSync(fd, KUBECONFIG);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO' || gone) break;
        await new Promise((r) => setTimeout(r, 25));
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    }
    const { code, signal } = await exited;
    expect({ code, signal }, log.text).toEqual({ code: 0, signal: null });
    // never listened for reviews that Kubernetes would route to it: no --shutdown-delay
    expect(log.text).toContain('the stop came while starting');
    expect(log.text).toContain('"msg":"webhook stopped"');
  });

  it('a second SIGTERM skips the rest of --shutdown-delay', async () => {
    const certs = makeCerts();
    const { p, log, exited } = startBin(certs, ['--shutdown-delay', '30s', '--shutdown-timeout', '2s']);
    await listening(p);
    const term = Date.now();
    process.kill(p.pid!, 'SIGTERM');
    while (!log.text.includes('serving for --shutdown-delay')) await new Promise((r) => setTimeout(r, 10));
    process.kill(p.pid!, 'SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - term).toBeLessThan(5_000);
    expect(log.text).toContain('the rest of --shutdown-delay skipped');
  });

  it('a review still in flight when --shutdown-timeout ends is cut, said in the log, and the exit is 0 on time', async () => {
    const certs = makeCerts();
    const { p, log, exited } = startBin(certs, ['--shutdown-delay', '500ms', '--shutdown-timeout', '1s']);
    const port = await listening(p);
    // half a review, never finished (a client that stalls)
    const cutAt = new Promise<{ error: string; at: number }>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/validate',
        ca: certs.ca,
        servername: 'localhost',
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': '4096' },
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, at: Date.now() }));
      req.on('response', () => resolve({ error: 'answered', at: Date.now() }));
      req.write('{"apiVersion":"admission.k8s.io/v1",');
    });
    await new Promise((r) => setTimeout(r, 200));
    const term = Date.now();
    process.kill(p.pid!, 'SIGTERM');
    const { code, at } = await exited;
    const cut = await cutAt;
    expect(code).toBe(0);
    // delay + timeout, then out (no waiting for the stalled client's 30 s request timeout)
    expect(at - term).toBeGreaterThanOrEqual(1_400);
    expect(at - term).toBeLessThan(500 + 1_000 + 1_500);
    expect(cut.error).toBe('ECONNRESET');
    expect(cut.at - term).toBeGreaterThanOrEqual(1_400);
    expect(log.text).toMatch(/"inFlight":1,[^\n]*"msg":"--shutdown-timeout reached/);
  });

  it('launched by npm: stops when npm goes away without passing SIGTERM on', async () => {
    const certs = makeCerts();
    // as npm exec: starts zoneguard, and on SIGTERM exits without passing it on
    const launcher = spawn(
      process.execPath,
      [
        '-e',
        `const c = require('node:child_process').spawn(process.execPath, ${JSON.stringify([BIN, ...flagArgs(certs, ['--shutdown-delay', '0s'])])}, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, npm_command: 'exec' } });
         console.error('child pid ' + c.pid);
         process.on('SIGTERM', () => process.exit(143));`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    started.push(launcher.pid!);
    let text = '';
    const childPid = await new Promise<number>((resolve) => {
      launcher.stderr!.on('data', (d: Buffer) => {
        text += d.toString();
        const m = /child pid (\d+)/.exec(text);
        if (m) resolve(Number(m[1]));
      });
    });
    started.push(childPid);
    await listening(launcher);
    process.kill(launcher.pid!, 'SIGTERM');
    let gone = false;
    for (let i = 0; i < 200 && !(gone = !alive(childPid)); i++) await new Promise((r) => setTimeout(r, 25));
    let stat = '';
    try {
      stat = readFileSync(`/proc/${childPid}/stat`, 'utf8');
    } catch {
      /* gone */
    }
    expect(gone, `${text}\n${stat}\nlauncher exit ${launcher.exitCode}`).toBe(true);
  });
});
