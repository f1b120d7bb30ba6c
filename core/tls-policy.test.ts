import { describe, expect, it } from 'vitest';
import { checkCipherSuites, checkTlsPolicy, handshakeFailure, tlsServerOptions } from './tls-policy.js';

describe('--tls-cipher-suites names (Kubernetes IANA names)', () => {
  const rows: { name: string; verdict: 'ok' | RegExp }[] = [
    { name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', verdict: 'ok' },
    { name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', verdict: 'ok' },
    { name: 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', verdict: 'ok' },
    { name: 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305', verdict: 'ok' }, // Go's older name
    { name: 'TLS_AES_256_GCM_SHA384', verdict: 'ok' },
    { name: 'TLS_RSA_WITH_AES_128_CBC_SHA', verdict: /RSA key exchange, no forward secrecy/ },
    { name: 'TLS_RSA_WITH_AES_256_GCM_SHA384', verdict: /RSA key exchange, no forward secrecy/ },
    { name: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', verdict: /CBC mode, not an AEAD cipher/ },
    { name: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', verdict: /CBC mode/ },
    { name: 'TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA', verdict: /a broken cipher/ },
    { name: 'TLS_ECDHE_ECDSA_WITH_RC4_128_SHA', verdict: /a broken cipher/ },
    {
      name: 'ECDHE-RSA-AES128-GCM-SHA256',
      verdict: /not a cipher suite name zoneguard knows; use IANA names/,
    },
    { name: 'tls_ecdhe_rsa_with_aes_128_gcm_sha256', verdict: /not a cipher suite name/ },
  ];
  it.each(rows)('$name', ({ name, verdict }) => {
    const msg = checkCipherSuites([name]);
    if (verdict === 'ok') expect(msg).toBeUndefined();
    else {
      expect(msg).toMatch(verdict);
      expect(msg).toContain(`"${name}"`);
    }
  });
});

describe('tlsServerOptions', () => {
  it('default: TLS 1.2 ECDHE AEAD suites and the TLS 1.3 suites, no renegotiation', () => {
    const o = tlsServerOptions({ tlsMinVersion: 'VersionTLS12', tlsCipherSuites: [] });
    expect(o.minVersion).toBe('TLSv1.2');
    expect(o.ciphers?.split(':')).toEqual([
      'TLS_AES_128_GCM_SHA256',
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
    ]);
    expect(o.secureOptions).toBeGreaterThan(0);
  });

  it('a list of TLS 1.2 names keeps the TLS 1.3 suites; a TLS 1.3 name narrows them', () => {
    expect(
      tlsServerOptions({
        tlsMinVersion: 'VersionTLS12',
        tlsCipherSuites: ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305'],
      }).ciphers,
    ).toBe(
      'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:ECDHE-RSA-CHACHA20-POLY1305',
    );
    expect(
      tlsServerOptions({ tlsMinVersion: 'VersionTLS13', tlsCipherSuites: ['TLS_AES_256_GCM_SHA384'] }),
    ).toMatchObject({ minVersion: 'TLSv1.3', ciphers: 'TLS_AES_256_GCM_SHA384' });
  });

  it('refuses only TLS 1.3 names while TLS 1.2 is allowed', () => {
    expect(
      checkTlsPolicy({ tlsMinVersion: 'VersionTLS12', tlsCipherSuites: ['TLS_AES_128_GCM_SHA256'] }),
    ).toMatch(/lists only TLS 1.3 suites/);
    expect(
      checkTlsPolicy({ tlsMinVersion: 'VersionTLS13', tlsCipherSuites: ['TLS_AES_128_GCM_SHA256'] }),
    ).toBeUndefined();
  });
});

describe('handshakeFailure', () => {
  const rows: [string, string][] = [
    ['ERR_TLS_HANDSHAKE_TIMEOUT', 'timeout'],
    ['ERR_SSL_NO_SHARED_CIPHER', 'no_shared_cipher'],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'unsupported_protocol'],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'certificate_rejected'],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'certificate_rejected'],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'certificate_rejected'],
    ['ERR_SSL_HTTP_REQUEST', 'plain_http'],
    ['ECONNRESET', 'other'],
  ];
  it.each(rows)('%s → %s', (code, reason) => {
    expect(handshakeFailure(Object.assign(new Error('x'), { code }))).toBe(reason);
  });
});
