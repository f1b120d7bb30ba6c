/**
 * The TLS policy of zoneguard's servers: TLS 1.2 with forward-secret AEAD suites only (ECDHE with
 * AES-GCM or ChaCha20-Poly1305), plus TLS 1.3. `--tls-min-version` and `--tls-cipher-suites` take the
 * values Kubernetes components take (kube-apiserver, kubelet: k8s.io/component-base/cli/flag
 * ciphersuites_flag.go and the Go crypto/tls constant names): `VersionTLS12`, `VersionTLS13`, and IANA
 * suite names, mapped here to OpenSSL's names for node:tls. Suites Kubernetes accepts but that have no
 * forward secrecy (TLS_RSA_*) or are not AEAD (*_CBC_*, RC4, 3DES) are refused with the reason.
 */
import { constants } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

/** IANA (Kubernetes) name → OpenSSL name, the suites the policy allows. */
const TLS12_SUITES: Readonly<Record<string, string>> = {
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  // Go's older constant names, which Kubernetes' flag also takes
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305: 'ECDHE-ECDSA-CHACHA20-POLY1305',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305: 'ECDHE-RSA-CHACHA20-POLY1305',
};

/** TLS 1.3 suites (every one is forward secret and AEAD); OpenSSL uses the IANA names. */
const TLS13_SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'];

/** The default: every allowed TLS 1.2 suite, ECDSA first, AES-128-GCM first (Go's preference order). */
const DEFAULT_TLS12 = [
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
];

/** The suites Kubernetes' flag knows that this policy refuses, and why. */
function refusedReason(name: string): string | undefined {
  if (!/^TLS_(ECDHE_ECDSA|ECDHE_RSA|RSA)_WITH_[A-Z0-9_]+$/.test(name)) return undefined;
  const known =
    /_WITH_(AES_128_CBC_SHA|AES_256_CBC_SHA|AES_128_CBC_SHA256|AES_128_GCM_SHA256|AES_256_GCM_SHA384|3DES_EDE_CBC_SHA|RC4_128_SHA)$/.test(
      name,
    );
  if (!known) return undefined;
  if (name.startsWith('TLS_RSA_')) return 'RSA key exchange, no forward secrecy';
  if (/RC4|3DES/.test(name)) return 'a broken cipher';
  return 'CBC mode, not an AEAD cipher';
}

export const TLS_MIN_VERSIONS = ['VersionTLS12', 'VersionTLS13'] as const;
export type TlsMinVersion = (typeof TLS_MIN_VERSIONS)[number];

/** The names --tls-cipher-suites takes. */
export const ALLOWED_SUITE_NAMES: readonly string[] = [...Object.keys(TLS12_SUITES), ...TLS13_SUITES];

/** One message for the first bad name in the list (the flag's check), or undefined. */
export function checkCipherSuites(names: readonly string[]): string | undefined {
  for (const n of names) {
    if (n in TLS12_SUITES || TLS13_SUITES.includes(n)) continue;
    const why = refusedReason(n);
    if (why)
      return `"${n}" is refused: ${why} (allowed: ECDHE with AES-GCM or CHACHA20-POLY1305, and the TLS 1.3 suites)`;
    return `"${n}" is not a cipher suite name zoneguard knows; use IANA names as kube-apiserver's flag does: ${[...DEFAULT_TLS12, ...TLS13_SUITES].join(', ')}`;
  }
  return undefined;
}

export interface TlsPolicySettings {
  readonly tlsMinVersion: TlsMinVersion;
  /** IANA names; empty: every allowed suite. */
  readonly tlsCipherSuites: readonly string[];
}

/**
 * A cross-flag check: a list with no TLS 1.2 suite while TLS 1.2 is allowed would leave TLS 1.2
 * clients nothing to agree on (OpenSSL then refuses to start). Returns the message, or undefined.
 */
export function checkTlsPolicy(s: TlsPolicySettings): string | undefined {
  if (s.tlsMinVersion === 'VersionTLS12' && s.tlsCipherSuites.length > 0) {
    if (!s.tlsCipherSuites.some((n) => n in TLS12_SUITES))
      return 'lists only TLS 1.3 suites while --tls-min-version is VersionTLS12: add a TLS 1.2 suite (TLS_ECDHE_…) or set --tls-min-version VersionTLS13';
  }
  return checkCipherSuites(s.tlsCipherSuites);
}

/**
 * node:tls options for the policy. TLS 1.3 suites are not restricted by a list of TLS 1.2 names
 * (as in Kubernetes, where Go's TLS 1.3 suites are not configurable): a list without TLS 1.3 names
 * keeps all three. Renegotiation is off (TLS 1.2 client renegotiation is a CPU DoS; Go's server
 * never supports it).
 */
export function tlsServerOptions(
  s: TlsPolicySettings,
): SecureContextOptions & Pick<TlsOptions, 'honorCipherOrder'> {
  const names = s.tlsCipherSuites.length ? s.tlsCipherSuites : DEFAULT_TLS12;
  const tls12 = [...new Set(names.filter((n) => n in TLS12_SUITES).map((n) => TLS12_SUITES[n]))];
  const given13 = names.filter((n) => TLS13_SUITES.includes(n));
  const tls13 = given13.length ? given13 : TLS13_SUITES;
  return {
    minVersion: s.tlsMinVersion === 'VersionTLS13' ? 'TLSv1.3' : 'TLSv1.2',
    maxVersion: 'TLSv1.3',
    ciphers: [...tls13, ...tls12].join(':'),
    honorCipherOrder: true,
    secureOptions: constants.SSL_OP_NO_RENEGOTIATION,
  };
}

/** Why a TLS handshake failed, as a small fixed set (the reason label of the handshake-failure metric). */
export type HandshakeFailure =
  'timeout' | 'no_shared_cipher' | 'unsupported_protocol' | 'certificate_rejected' | 'plain_http' | 'other';

/** Classifies the error node:tls reports for a failed handshake (a server's 'tlsClientError'). */
export function handshakeFailure(err: NodeJS.ErrnoException): HandshakeFailure {
  const code = err.code ?? '';
  if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') return 'timeout';
  if (code === 'ERR_SSL_NO_SHARED_CIPHER') return 'no_shared_cipher';
  if (code === 'ERR_SSL_UNSUPPORTED_PROTOCOL' || code === 'ERR_SSL_WRONG_VERSION_NUMBER')
    return 'unsupported_protocol';
  // the client refused the serving certificate (a wrong caBundle, an expired certificate)
  if (/^ERR_SSL_(TLSV1|SSLV3)_ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_)/.test(code))
    return 'certificate_rejected';
  if (code === 'ERR_SSL_HTTP_REQUEST') return 'plain_http';
  return 'other';
}
