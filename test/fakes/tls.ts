/** A self-signed certificate for 127.0.0.1, for fakes of APIs whose SDKs insist on https (Azure, Google). */
import forge from 'node-forge';

export interface TestCert {
  key: string;
  cert: string;
}

let cached: TestCert | undefined;

export function selfSignedCert(): TestCert {
  if (cached) return cached;
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const c = forge.pki.createCertificate();
  c.publicKey = keys.publicKey;
  c.serialNumber = '01';
  c.validity.notBefore = new Date(Date.now() - 60_000);
  c.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  c.setSubject(attrs);
  c.setIssuer(attrs);
  c.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] },
  ]);
  c.sign(keys.privateKey, forge.md.sha256.create());
  cached = { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(c) };
  return cached;
}
