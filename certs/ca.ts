/**
 * The webhook's certificate authority (node-forge builds and signs; node:crypto makes the RSA key,
 * far faster than forge's JavaScript key generation).
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  /** PKCS#1 PEM, LF line ends. */
  pem: string;
}

export interface CertificateAuthority {
  cert: forge.pki.Certificate;
  key: KeyPair;
  /** PEM, LF line ends. */
  certPem: string;
}

export function rsaKeyPair(bits = 2048): KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.rsa.setPublicKey(key.n, key.e), pem };
}

/** A positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative). */
export function serialNumber(): string {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  b[0] |= 0x01; // never a leading zero octet, which forge would drop
  return b.toString('hex');
}

/** forge writes CRLF line ends; files and caBundles read better (and compare equal) with LF. */
export const lf = (pem: string): string => pem.replace(/\r\n/g, '\n');

/** Clock skew allowance: certificates are valid from a few minutes before they were made. */
export const BACKDATE_MS = 5 * 60_000;

export function createCa(opts: { commonName: string; validityMs: number; now?: Date }): CertificateAuthority {
  const now = opts.now ?? new Date();
  const key = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notAfter = new Date(now.getTime() + opts.validityMs);
  const name = [{ name: 'commonName', value: opts.commonName }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key.privateKey, forge.md.sha256.create());
  return { cert, key, certPem: lf(forge.pki.certificateToPem(cert)) };
}
