/**
 * Route 53 for tests: moto (an independent emulator of the AWS APIs, `moto_server`) started on a
 * free 127.0.0.1 port, behind a small counting proxy that can answer `Throttling` on demand, as
 * Route 53 does when the account's 5 requests/second are used up.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Path of moto_server on PATH (the only place looked at), or the reason it cannot be used. The
 * caller skips with the reason locally and fails in CI (`CI=true`, which .ci/run sets).
 */
export function findMoto(env: NodeJS.ProcessEnv = process.env): { path?: string; reason?: string } {
  const onPath = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8', env });
  const p = onPath.status === 0 ? onPath.stdout.trim() : '';
  if (!p)
    return {
      reason: `moto_server is not on PATH (pip install "moto[server]", then put its bin folder on PATH; PATH=${env.PATH ?? ''})`,
    };
  return { path: p };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export class Moto {
  private proc?: ChildProcess;
  private proxy?: Server;
  private throttled = 0;
  private throttleSkip = 0;
  /** Calls per Route 53 operation (by method and path shape). */
  readonly calls = new Map<string, number>();
  /** The URL clients use: the counting proxy in front of moto. */
  url = '';
  private motoUrl = '';

  static async start(path: string): Promise<Moto> {
    const m = new Moto();
    const port = await freePort();
    m.motoUrl = `http://127.0.0.1:${port}`;
    m.proc = spawn(path, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: false,
    });
    let stderr = '';
    m.proc.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (m.proc.exitCode !== null) throw new Error(`moto_server exited: ${stderr}`);
      try {
        const r = await fetch(`${m.motoUrl}/moto-api/`);
        if (r.ok) break;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) {
        await m.close();
        throw new Error(`moto_server did not start: ${stderr}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await m.startProxy();
    return m;
  }

  private async startProxy(): Promise<void> {
    const target = new URL(this.motoUrl);
    this.proxy = createServer((req, res) => {
      const op = operationOf(req.method ?? 'GET', req.url ?? '/');
      this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
      if (this.throttled > 0 && !req.url?.startsWith('/moto-api') && this.throttleSkip-- <= 0) {
        this.throttled--;
        req.resume();
        res.writeHead(400, { 'content-type': 'text/xml' });
        res.end(
          '<?xml version="1.0"?><ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>fake</RequestId></ErrorResponse>',
        );
        return;
      }
      const up = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (ur) => {
          res.writeHead(ur.statusCode ?? 502, ur.headers);
          ur.pipe(res);
        },
      );
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(e.message);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => this.proxy!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.proxy.address() as AddressInfo).port}`;
  }

  /** The next n calls (after `skip` calls that pass) answer Throttling. */
  throttleNext(n: number, skip = 0): void {
    this.throttled += n;
    this.throttleSkip = skip;
  }

  callCount(op?: string): number {
    if (op) return this.calls.get(op) ?? 0;
    let n = 0;
    for (const [k, v] of this.calls) if (!k.startsWith('moto')) n += v;
    return n;
  }

  resetCalls(): void {
    this.calls.clear();
  }

  /** Forgets every zone (moto's reset API). */
  async reset(): Promise<void> {
    await fetch(`${this.motoUrl}/moto-api/reset`, { method: 'POST' });
    this.throttled = 0;
  }

  async close(): Promise<void> {
    const p = this.proxy;
    this.proxy = undefined;
    if (p) {
      p.closeAllConnections();
      await new Promise<void>((r) => p.close(() => r()));
    }
    const proc = this.proc;
    this.proc = undefined;
    if (proc && proc.exitCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  }
}

/** Route 53 REST operation names from method and path. */
function operationOf(method: string, url: string): string {
  const path = url.split('?')[0];
  if (path.startsWith('/moto-api')) return 'moto';
  if (/\/hostedzone\/[^/]+\/rrset\/?$/.test(path))
    return method === 'POST' ? 'ChangeResourceRecordSets' : 'ListResourceRecordSets';
  if (/\/hostedzone\/?$/.test(path)) return method === 'POST' ? 'CreateHostedZone' : 'ListHostedZones';
  if (/\/hostedzone\/[^/]+$/.test(path)) return method === 'DELETE' ? 'DeleteHostedZone' : 'GetHostedZone';
  return `${method} ${path}`;
}
