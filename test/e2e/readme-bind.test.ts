/**
 * README's "publish to a local BIND in two commands", as a newcomer runs it from the repository
 * root: terminal 1 `npm run dev:bind` (keeps running), terminal 2 `zoneguard reconcile --config
 * examples/reconcile-bind.yaml -f examples/manifests/good.yaml` (here with --once), then dig.
 * dev:bind runs as its own process; its secret goes to a temp DEV_BIND_DIR and the port is not
 * README's 15353, so a developer's own dev:bind is left alone; the default folder is checked
 * against the example config separately.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { bindUnavailable } from '../servers/bind.js';
import { DEFAULT_DEV_BIND_DIR } from '../servers/dev-bind-dir.js';

const ROOT = resolve(__dirname, '../..');
const PORT = 15367;
const why = bindUnavailable();
if (why && process.env.CI) throw new Error(`BIND9 is required in CI: ${why}`);

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

it('dev:bind writes the secret where examples/reconcile-bind.yaml reads it (both from the repository root)', () => {
  const cfg = parse(readFileSync(join(ROOT, 'examples/reconcile-bind.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect(resolve(ROOT, String(cfg['rfc2136-tsig-secret-file']))).toBe(
    join(DEFAULT_DEV_BIND_DIR, 'tsig.secret'),
  );
  expect(cfg['rfc2136-port']).toBe(15353);
});

describe.skipIf(!!why)(`README: publish to a local BIND${why ? ` (skipped: ${why})` : ''}`, () => {
  let dev: ChildProcess | undefined;
  let out = '';
  const dir = mkdtempSync(join(tmpdir(), 'zoneguard-dev-bind-'));

  beforeAll(async () => {
    // `npm run dev:bind` is `vite-node test/servers/dev-bind.ts`
    dev = spawn(join(ROOT, 'node_modules/.bin/vite-node'), ['test/servers/dev-bind.ts'], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(PORT), DEV_BIND_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    const deadline = Date.now() + 45_000;
    while (!out.includes('Ctrl-C stops it.')) {
      if (dev.exitCode !== null || Date.now() > deadline) throw new Error(`dev:bind did not start:\n${out}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);

  afterAll(async () => {
    const p = dev;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps running, says where the secret is, and reconcile publishes good.yaml with its ownership records', async () => {
    expect(out).toContain(`BIND 9 answers for example.com on 127.0.0.1:${PORT}`);
    expect(dev?.exitCode).toBeNull();
    expect(existsSync(join(dir, 'tsig.secret'))).toBe(true);
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await main(
      [
        'node',
        'zoneguard',
        'reconcile',
        '--config',
        join(ROOT, 'examples/reconcile-bind.yaml'),
        '-f',
        join(ROOT, 'examples/manifests/good.yaml'),
        '--once',
        '--rfc2136-port',
        String(PORT),
        '--rfc2136-tsig-secret-file',
        join(dir, 'tsig.secret'),
      ],
      { stdout, stderr, env: {} },
    );
    expect(code, stderr.text).toBe(0);
    const dig = async (name: string, type: string) => {
      const { execFileSync } = await import('node:child_process');
      return execFileSync('dig', ['@127.0.0.1', '-p', String(PORT), '+short', name, type], {
        encoding: 'utf8',
      }).trim();
    };
    expect(await dig('app.example.com', 'A')).toBe('203.0.113.7');
    expect(await dig('a-app.example.com', 'TXT')).toBe(
      '"heritage=external-dns,external-dns/owner=dev,external-dns/resource=ingress/default/app"',
    );
    expect(dev?.exitCode).toBeNull();
  });
});
