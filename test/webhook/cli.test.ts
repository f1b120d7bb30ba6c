/** `zoneguard certs` and `zoneguard webhook` through the CLI entry point. */
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';

function io() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { io: { stdout, stderr, env: {} }, out: () => out, err: () => err };
}

describe('zoneguard certs', () => {
  it('writes ca.crt, tls.crt, tls.key (0600) and prints the caBundle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zg-cli-certs-'));
    const t = io();
    const code = await main(
      [
        'node',
        'zoneguard',
        'certs',
        '--out',
        dir,
        '--service-name',
        'wh',
        '--service-namespace',
        'dns',
        '--dns-name',
        'localhost',
        '--log-level',
        'error',
      ],
      t.io,
    );
    expect(code).toBe(0);
    for (const f of ['ca.crt', 'tls.crt', 'tls.key']) expect(existsSync(join(dir, f))).toBe(true);
    expect(statSync(join(dir, 'tls.key')).mode & 0o777).toBe(0o600);
    expect(Buffer.from(t.out().trim(), 'base64').toString()).toBe(readFileSync(join(dir, 'ca.crt'), 'utf8'));
  });
});

describe('zoneguard webhook', () => {
  it.each([
    { name: 'no certificate', args: [], err: '--tls-cert-file: give the serving certificate' },
    {
      name: 'bad listen address',
      args: ['--tls-cert-file', 'a', '--tls-private-key-file', 'b', '--listen-address', 'localhost'],
      err: '--listen-address: expects host:port',
    },
    {
      name: 'max age below refresh',
      args: [
        '--tls-cert-file',
        'a',
        '--tls-private-key-file',
        'b',
        '--ownership-refresh',
        '1m',
        '--max-ownership-age',
        '30s',
      ],
      err: '--max-ownership-age: must be at least --ownership-refresh',
    },
    {
      name: 'unreadable certificate',
      args: ['--tls-cert-file', '/nonexistent/tls.crt', '--tls-private-key-file', '/nonexistent/tls.key'],
      err: '--tls-cert-file: cannot read the certificate or key',
    },
  ])('exits 2 naming the flag: $name', async ({ args, err }) => {
    const t = io();
    expect(await main(['node', 'zoneguard', 'webhook', ...args], t.io)).toBe(2);
    expect(t.err()).toContain(err);
  });

  it('serves until SIGTERM, then exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'zg-cli-wh-'));
    const t = io();
    await main(['node', 'zoneguard', 'certs', '--out', dir, '--log-level', 'error'], t.io);
    const before = process.listenerCount('SIGTERM');
    const running = main(
      [
        'node',
        'zoneguard',
        'webhook',
        '--listen-address',
        '127.0.0.1:0',
        '--tls-cert-file',
        join(dir, 'tls.crt'),
        '--tls-private-key-file',
        join(dir, 'tls.key'),
        '--log-level',
        'error',
      ],
      io().io,
    );
    // the command installs its SIGTERM handler once it is serving
    while (process.listenerCount('SIGTERM') === before) await new Promise((r) => setTimeout(r, 5));
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
