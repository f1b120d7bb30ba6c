/** `zoneguard certs` and `zoneguard webhook` through the CLI entry point. */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

  it('defaults --out to ./zoneguard-certs, never the working folder itself', async () => {
    const cwd = process.cwd();
    const dir = mkdtempSync(join(tmpdir(), 'zg-cli-certs-default-'));
    writeFileSync(join(dir, 'package.json'), '{}');
    process.chdir(dir);
    try {
      expect(await main(['node', 'zoneguard', 'certs', '--log-level', 'error'], io().io)).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(dir).sort()).toEqual(['package.json', 'zoneguard-certs']);
    expect(readdirSync(join(dir, 'zoneguard-certs')).sort()).toEqual(['ca.crt', 'tls.crt', 'tls.key']);
    // renewing into the same folder is fine: it holds only these files
    expect(
      await main(
        ['node', 'zoneguard', 'certs', '--out', join(dir, 'zoneguard-certs'), '--log-level', 'error'],
        io().io,
      ),
    ).toBe(0);
  });

  // under umask 000 a plain mkdir makes 0777: the key's folder must still be the owner's alone
  it.each([
    { name: 'a new folder, its parent new too', setup: (d: string) => join(d, 'new', 'certs'), warn: false },
    {
      name: 'an existing empty folder open to all (0777)',
      setup: (d: string) => {
        mkdirSync(join(d, 'open'), { mode: 0o777 });
        return join(d, 'open');
      },
      warn: true,
    },
    {
      name: 'a renewal into a 0755 folder holding the old files',
      setup: (d: string) => {
        const out = join(d, 'old');
        mkdirSync(out, { mode: 0o755 });
        for (const f of ['ca.crt', 'tls.crt', 'tls.key']) writeFileSync(join(out, f), 'old', { mode: 0o644 });
        return out;
      },
      warn: true,
    },
  ])('under umask 000, $name ends 0700 with tls.key 0600', async ({ setup, warn }) => {
    const previous = process.umask(0);
    try {
      const out = setup(mkdtempSync(join(tmpdir(), 'zg-cli-certs-umask-')));
      const t = io();
      expect(await main(['node', 'zoneguard', 'certs', '--out', out, '--log-level', 'warn'], t.io)).toBe(0);
      expect(statSync(out).mode & 0o777).toBe(0o700);
      expect(statSync(join(out, 'tls.key')).mode & 0o777).toBe(0o600);
      expect(statSync(join(out, 'tls.crt')).mode & 0o777).toBe(0o644);
      expect(statSync(join(out, 'ca.crt')).mode & 0o777).toBe(0o644);
      if (warn) expect(t.err()).toMatch(/"from":"0(777|755)".*"to":"0700".*narrowed to owner only/);
      else expect(t.err()).not.toContain('narrowed');
    } finally {
      process.umask(previous);
    }
  });

  it.each([
    { name: 'a source folder (README used to write into certs/)', files: ['index.ts', 'ca.ts'] },
    { name: 'a project folder', files: ['package.json'] },
    { name: 'a folder with one other file', files: ['notes.txt', 'tls.key'] },
  ])('refuses to write the private key into $name', async ({ files }) => {
    const dir = mkdtempSync(join(tmpdir(), 'zg-cli-certs-busy-'));
    for (const f of files) writeFileSync(join(dir, f), 'x');
    const t = io();
    expect(await main(['node', 'zoneguard', 'certs', '--out', dir], t.io)).toBe(2);
    expect(t.err()).toContain(`--out: ${dir} already holds other files`);
    expect(readdirSync(dir).sort()).toEqual([...files].sort());
  });
});

describe('zoneguard webhook: certificate files it cannot use', () => {
  const certs = mkdtempSync(join(tmpdir(), 'zg-cli-badtls-'));
  const other = join(certs, 'other');
  const bad = join(certs, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'garbage.key'), 'not a key\n');
  writeFileSync(join(bad, 'garbage.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
  const ready = Promise.all([
    main(['node', 'zoneguard', 'certs', '--out', join(certs, 'good'), '--log-level', 'error'], io().io),
    main(['node', 'zoneguard', 'certs', '--out', other, '--log-level', 'error'], io().io),
  ]);
  const good = (f: string) => join(certs, 'good', f);
  it.each([
    {
      name: 'key file missing',
      cert: () => good('tls.crt'),
      key: () => join(certs, 'nope.key'),
      err: (k: string) => `--tls-private-key-file: ${k}: cannot read: ENOENT`,
    },
    {
      name: 'certificate file missing',
      cert: () => join(certs, 'nope.crt'),
      key: () => good('tls.key'),
      err: (_k: string, c: string) => `--tls-cert-file: ${c}: cannot read: ENOENT`,
    },
    {
      name: 'key file is a folder',
      cert: () => good('tls.crt'),
      key: () => bad,
      err: (k: string) => `--tls-private-key-file: ${k}: cannot read: EISDIR`,
    },
    {
      name: 'key file not PEM',
      cert: () => good('tls.crt'),
      key: () => join(bad, 'garbage.key'),
      err: (k: string) =>
        `--tls-private-key-file: ${k}: not an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)`,
    },
    {
      name: 'certificate not parseable',
      cert: () => join(bad, 'garbage.crt'),
      key: () => good('tls.key'),
      err: (_k: string, c: string) => `--tls-cert-file: ${c}: not a PEM certificate`,
    },
    {
      name: 'key of another certificate',
      cert: () => good('tls.crt'),
      key: () => join(other, 'tls.key'),
      err: (k: string, c: string) =>
        `--tls-private-key-file: ${k}: does not belong to the certificate in ${c}`,
    },
  ])('one line naming the flag and file: $name', async ({ cert, key, err }) => {
    await ready;
    const t = io();
    const code = await main(
      [
        'node',
        'zoneguard',
        'webhook',
        '--listen-address',
        '127.0.0.1:0',
        '--tls-cert-file',
        cert(),
        '--tls-private-key-file',
        key(),
      ],
      t.io,
    );
    expect(code).toBe(2);
    expect(t.err()).toBe(`zoneguard: ${err(key(), cert())}\n`);
    expect(t.err()).not.toMatch(/error:[0-9A-F]{8}/);
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
      err: '--tls-cert-file: /nonexistent/tls.crt: cannot read: ENOENT',
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
