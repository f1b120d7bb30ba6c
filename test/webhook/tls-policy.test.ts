/**
 * The webhook's TLS policy over real TLS on 127.0.0.1 (issue 17 item 6): TLS 1.2 with forward-secret
 * AEAD suites only, plus TLS 1.3; --tls-min-version and --tls-cipher-suites as Kubernetes names them.
 * Each case is a client restricted to one version/suite, and whether the handshake succeeds.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type ConnectionOptions, type SecureVersion } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCertFiles } from '../../certs/index.js';
import type { Webhook } from '../../webhook/run.js';
import { runCli } from '../cli-run.js';
import { makeCerts, startTestWebhook, type CertDir } from './harness.js';

type Outcome = { ok: true; version: string; cipher: string } | { ok: false; error: string };

/** One handshake with a client limited to `version` (and `ciphers` for TLS 1.2 and below). */
function handshake(port: number, ca: string, version: SecureVersion, ciphers?: string): Promise<Outcome> {
  return new Promise((resolve) => {
    const opts: ConnectionOptions = {
      host: '127.0.0.1',
      port,
      ca,
      servername: 'localhost',
      minVersion: version,
      maxVersion: version,
      // OpenSSL 3's default security level refuses TLS 1.1 and SHA-1 suites on the client side;
      // level 0 lets this client offer them, so the refusal measured is the server's
      ...(ciphers || version === 'TLSv1.1' ? { ciphers: `${ciphers ?? 'DEFAULT'}@SECLEVEL=0` } : {}),
    };
    const s = connect(opts, () => {
      const out: Outcome = { ok: true, version: s.getProtocol() ?? '', cipher: s.getCipher().name };
      s.end();
      resolve(out);
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, error: e.code ?? e.message }));
  });
}

describe('webhook TLS policy (defaults)', () => {
  let certs: CertDir;
  let hook: Webhook;
  beforeAll(async () => {
    certs = makeCerts();
    hook = await startTestWebhook(certs, { 'tls-reload-interval': '1h' });
  });
  afterAll(async () => {
    await hook?.close();
  });

  const cases: { name: string; version: SecureVersion; ciphers?: string; accepted: boolean }[] = [
    {
      name: 'TLS 1.2 AES128-SHA (RSA key exchange, CBC)',
      version: 'TLSv1.2',
      ciphers: 'AES128-SHA',
      accepted: false,
    },
    {
      name: 'TLS 1.2 AES128-GCM-SHA256 (RSA key exchange)',
      version: 'TLSv1.2',
      ciphers: 'AES128-GCM-SHA256',
      accepted: false,
    },
    {
      name: 'TLS 1.2 ECDHE-RSA-AES128-SHA (CBC)',
      version: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-SHA',
      accepted: false,
    },
    {
      name: 'TLS 1.2 ECDHE-RSA-AES128-SHA256 (CBC)',
      version: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-SHA256',
      accepted: false,
    },
    {
      name: 'TLS 1.2 DHE-RSA-AES128-GCM-SHA256 (finite-field DHE)',
      version: 'TLSv1.2',
      ciphers: 'DHE-RSA-AES128-GCM-SHA256',
      accepted: false,
    },
    { name: 'TLS 1.1', version: 'TLSv1.1', accepted: false },
    {
      name: 'TLS 1.2 ECDHE-RSA-AES128-GCM-SHA256',
      version: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256',
      accepted: true,
    },
    {
      name: 'TLS 1.2 ECDHE-RSA-AES256-GCM-SHA384',
      version: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES256-GCM-SHA384',
      accepted: true,
    },
    {
      name: 'TLS 1.2 ECDHE-RSA-CHACHA20-POLY1305',
      version: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-CHACHA20-POLY1305',
      accepted: true,
    },
    { name: 'TLS 1.3', version: 'TLSv1.3', accepted: true },
  ];
  it.each(cases)('$name: accepted $accepted', async ({ version, ciphers, accepted }) => {
    const r = await handshake(hook.port, certs.ca, version, ciphers);
    expect(r.ok).toBe(accepted);
    if (r.ok) expect(r.version).toBe(version);
  });

  it('counts the refused handshakes by reason in zoneguard_tls_handshake_failures_total', async () => {
    const text = await hook.metrics.registry.getSingleMetricAsString(
      'zoneguard_tls_handshake_failures_total',
    );
    const count = (reason: string) =>
      Number(new RegExp(`\\{reason="${reason}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    // the four refused TLS 1.2 suites and DHE above; TLS 1.1
    expect(count('no_shared_cipher')).toBeGreaterThanOrEqual(5);
    expect(count('unsupported_protocol')).toBeGreaterThanOrEqual(1);
  });

  it('a TLS 1.2 client offering everything gets an ECDHE AEAD suite', async () => {
    const r = await handshake(hook.port, certs.ca, 'TLSv1.2', 'ALL');
    expect(r).toMatchObject({
      ok: true,
      cipher: expect.stringMatching(/^ECDHE-RSA-(AES\d+-GCM-SHA\d+|CHACHA20-POLY1305)$/),
    });
  });

  it('refuses a TLS 1.2 renegotiation (a client-driven CPU cost; Go servers never renegotiate)', async () => {
    const result = await new Promise<string>((resolve) => {
      const s = connect(
        { host: '127.0.0.1', port: hook.port, ca: certs.ca, servername: 'localhost', maxVersion: 'TLSv1.2' },
        () => {
          s.renegotiate({ rejectUnauthorized: true }, (err) => {
            resolve(err ? 'refused' : 'renegotiated');
            s.destroy();
          });
        },
      );
      s.on('error', () => resolve('refused'));
    });
    expect(result).toBe('refused');
  });

  it('keeps the policy for a reloaded certificate', async () => {
    const next = makeCerts(mkdtempSync(join(tmpdir(), 'zoneguard-next-')));
    const reloaded = once(hook.tls, 'reload');
    writeCertFiles(certs.dir, {
      caPem: next.ca,
      certPem: readFileSync(join(next.dir, 'tls.crt'), 'utf8'),
      keyPem: readFileSync(join(next.dir, 'tls.key'), 'utf8'),
    });
    expect((await reloaded)[0]).toBe(true);
    expect(await handshake(hook.port, next.ca, 'TLSv1.2', 'AES128-SHA')).toMatchObject({ ok: false });
    expect(await handshake(hook.port, next.ca, 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256')).toMatchObject({
      ok: true,
    });
    expect(await handshake(hook.port, next.ca, 'TLSv1.3')).toMatchObject({ ok: true });
  });
});

describe('webhook --tls-min-version and --tls-cipher-suites', () => {
  it('--tls-min-version VersionTLS13 refuses a TLS 1.2 client and accepts TLS 1.3', async () => {
    const certs = makeCerts();
    const hook = await startTestWebhook(certs, { 'tls-min-version': 'VersionTLS13' });
    try {
      expect(await handshake(hook.port, certs.ca, 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256')).toMatchObject({
        ok: false,
      });
      expect(await handshake(hook.port, certs.ca, 'TLSv1.3')).toMatchObject({ ok: true });
    } finally {
      await hook.close();
    }
  });

  it('--tls-cipher-suites limits TLS 1.2 to the listed suites (IANA names) and keeps TLS 1.3', async () => {
    const certs = makeCerts();
    const hook = await startTestWebhook(certs, {
      'tls-cipher-suites': ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'],
    });
    try {
      expect(await handshake(hook.port, certs.ca, 'TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256')).toMatchObject({
        ok: false,
      });
      expect(await handshake(hook.port, certs.ca, 'TLSv1.2', 'ALL')).toMatchObject({
        ok: true,
        cipher: 'ECDHE-RSA-AES256-GCM-SHA384',
      });
      expect(await handshake(hook.port, certs.ca, 'TLSv1.3')).toMatchObject({ ok: true });
    } finally {
      await hook.close();
    }
  });

  const bad: { name: string; args: string[]; message: RegExp }[] = [
    {
      name: 'a suite without forward secrecy',
      args: ['--tls-cipher-suites', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA'],
      message:
        /--tls-cipher-suites: "TLS_RSA_WITH_AES_128_CBC_SHA" is refused: RSA key exchange, no forward secrecy/m,
    },
    {
      name: 'a CBC suite',
      args: ['--tls-cipher-suites', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256'],
      message:
        /--tls-cipher-suites: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256" is refused: CBC mode, not an AEAD cipher/m,
    },
    {
      name: 'an OpenSSL name instead of an IANA name',
      args: ['--tls-cipher-suites', 'AES128-SHA'],
      message:
        /--tls-cipher-suites: "AES128-SHA" is not a cipher suite name zoneguard knows; use IANA names/m,
    },
    {
      name: 'only TLS 1.3 suites with TLS 1.2 allowed',
      args: ['--tls-cipher-suites', 'TLS_AES_128_GCM_SHA256'],
      message: /--tls-cipher-suites: lists only TLS 1.3 suites while --tls-min-version is VersionTLS12/m,
    },
    {
      name: 'a TLS version spelled as OpenSSL does',
      args: ['--tls-min-version', 'TLSv1.2'],
      message: /--tls-min-version.*'TLSv1\.2'.*VersionTLS12, VersionTLS13/,
    },
  ];
  it.each(bad)('$name: exit 2 naming the flag and the value', async ({ args, message }) => {
    const certs = makeCerts();
    const r = await runCli([
      'webhook',
      '--listen-address',
      '127.0.0.1:0',
      '--tls-cert-file',
      join(certs.dir, 'tls.crt'),
      '--tls-private-key-file',
      join(certs.dir, 'tls.key'),
      '--domain-filter',
      'example.com',
      ...args,
    ]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
  });
});
