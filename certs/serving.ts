/** The webhook's serving certificate, signed by its CA, for the Service's DNS names. */
import forge from 'node-forge';
import { BACKDATE_MS, lf, rsaKeyPair, serialNumber, type CertificateAuthority } from './ca.js';

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
  dnsNames: string[];
  notAfter: Date;
}

/** The names the API server uses to call a webhook Service: <service>.<namespace>.svc (+ .cluster.local). */
export function serviceDnsNames(service: string, namespace: string, extra: readonly string[] = []): string[] {
  const names = [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`, ...extra];
  return names.filter((n, i) => names.indexOf(n) === i);
}

const IP_RE = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-f:]*:[0-9a-f:.]*)$/i;

export function createServingCert(
  ca: CertificateAuthority,
  opts: { dnsNames: readonly string[]; validityMs: number; now?: Date },
): ServingCertificate {
  const now = opts.now ?? new Date();
  const key = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = key.publicKey;
  cert.serialNumber = serialNumber();
  cert.validity.notBefore = new Date(now.getTime() - BACKDATE_MS);
  // a leaf is never valid past its CA
  const notAfter = new Date(Math.min(now.getTime() + opts.validityMs, ca.cert.validity.notAfter.getTime()));
  cert.validity.notAfter = notAfter;
  cert.setSubject([{ name: 'commonName', value: opts.dnsNames[0] }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    // names the signing key, so a verifier holding several CAs picks the right one (RFC 5280 §4.2.1.1)
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    // type 2: dNSName, type 7: iPAddress (RFC 5280 §4.2.1.6); IPs let local runs use 127.0.0.1
    {
      name: 'subjectAltName',
      altNames: opts.dnsNames.map((value) =>
        IP_RE.test(value) ? { type: 7, ip: value } : { type: 2, value },
      ),
    },
  ]);
  cert.sign(ca.key.privateKey, forge.md.sha256.create());
  return {
    certPem: lf(forge.pki.certificateToPem(cert)),
    keyPem: key.pem,
    dnsNames: [...opts.dnsNames],
    notAfter,
  };
}
