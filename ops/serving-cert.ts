/**
 * A CA and a serving certificate for the webhook's Service names (node-forge builds and signs the
 * certificates; node:crypto makes the keys, much faster than forge's JavaScript RSA).
 * When certs/ (the `zoneguard certs` command) lands, this should call its functions instead.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface ServingBundle {
  caCert: string;
  tlsCert: string;
  tlsKey: string;
  notAfter: Date;
}

function keyPair(): {
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
  pem: string;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.rsa.setPublicKey(key.n, key.e), pem };
}

function serial(): string {
  // positive 128-bit serial (RFC 5280 §4.1.2.2: at most 20 octets, non-negative)
  const b = randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

export function makeServingBundle(
  dnsNames: readonly string[],
  validityMs: number,
  now = new Date(),
): ServingBundle {
  const notBefore = new Date(now.getTime() - 5 * 60_000); // tolerate clock skew between nodes
  const notAfter = new Date(now.getTime() + validityMs);

  const ca = keyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = notBefore;
  // the CA outlives the leaf a little, so that a leaf is never valid under an expired CA
  caCert.validity.notAfter = new Date(notAfter.getTime() + 24 * 3_600_000);
  const caName = [{ name: 'commonName', value: `zoneguard-webhook-ca-${now.toISOString().slice(0, 10)}` }];
  caCert.setSubject(caName);
  caCert.setIssuer(caName);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const leaf = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = leaf.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: dnsNames[0] }]);
  cert.setIssuer(caName);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames: dnsNames.map((value) => ({ type: 2, value })) },
  ]);
  cert.sign(ca.privateKey, forge.md.sha256.create());

  // forge writes CRLF line ends; files and caBundles read better (and compare equal) with LF
  const lf = (pem: string) => pem.replace(/\r\n/g, '\n');
  return {
    caCert: lf(forge.pki.certificateToPem(caCert)),
    tlsCert: lf(forge.pki.certificateToPem(cert)),
    tlsKey: leaf.pem,
    notAfter,
  };
}
