/**
 * `zoneguard certs`: a CA and a serving certificate for the webhook, written as the files a
 * kubernetes.io/tls Secret holds (ca.crt, tls.crt, tls.key), plus the caBundle for the
 * ValidatingWebhookConfiguration.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createCa } from './ca.js';
import { createServingCert, serviceDnsNames } from './serving.js';

export { createCa } from './ca.js';
export { CERT_FILE_NAMES, certDirProblem } from './out-dir.js';
export { createServingCert, serviceDnsNames } from './serving.js';

export interface WebhookCertOptions {
  serviceName: string;
  serviceNamespace: string;
  extraDnsNames?: readonly string[];
  certValidityMs: number;
  caValidityMs: number;
  now?: Date;
}

export interface WebhookCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
  dnsNames: string[];
  notAfter: Date;
  /** base64 of the CA PEM: the caBundle field of a webhook's clientConfig. */
  caBundle: string;
}

export function makeWebhookCerts(opts: WebhookCertOptions): WebhookCerts {
  const dnsNames = serviceDnsNames(opts.serviceName, opts.serviceNamespace, opts.extraDnsNames);
  return makeCertsFor(dnsNames, {
    certValidityMs: opts.certValidityMs,
    caValidityMs: opts.caValidityMs,
    now: opts.now,
  });
}

/** A new CA and a serving certificate for these names: `zoneguard certs` and the in-cluster rotation. */
export function makeCertsFor(
  dnsNames: readonly string[],
  opts: { certValidityMs: number; caValidityMs: number; now?: Date },
): WebhookCerts {
  const now = opts.now ?? new Date();
  // a unique name per CA: during a rotation the caBundle holds two CAs, and a verifier picks the
  // issuer by name first (two CAs named alike made the new leaf fail with "signature failure")
  const commonName = `zoneguard-webhook-ca-${now.toISOString().slice(0, 10)}-${randomBytes(4).toString('hex')}`;
  const ca = createCa({ commonName, validityMs: opts.caValidityMs, now });
  const serving = createServingCert(ca, { dnsNames, validityMs: opts.certValidityMs, now });
  return {
    caPem: ca.certPem,
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    dnsNames: serving.dnsNames,
    notAfter: serving.notAfter,
    caBundle: Buffer.from(ca.certPem).toString('base64'),
  };
}

export interface WrittenFiles {
  ca: string;
  cert: string;
  key: string;
  /** The folder's mode before it was narrowed to 0700, when it existed wider (the CLI warns). */
  narrowedFrom?: number;
}

/** The --out folder cannot be made fit for the private key (the CLI names --out). */
export class CertDirError extends Error {}

/** The folder holding the private key: owner only, whatever the umask. */
export const CERT_DIR_MODE = 0o700;

/**
 * Creates `dir` 0700 (the mode is set again after mkdir, so umask 000 cannot widen it), or narrows
 * an existing folder to 0700: certDirProblem has checked it holds nothing but these files, so no
 * one else's access to other files is taken away. A folder we may not chmod (another user's) is
 * refused: whoever may write into it could swap tls.key or tls.crt.
 */
function ensureCertDir(dir: string): number | undefined {
  // parents are the user's tree and get the usual mode; only the key's own folder is 0700
  mkdirSync(dirname(dir), { recursive: true });
  let created = true;
  try {
    mkdirSync(dir, { mode: CERT_DIR_MODE });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    created = false;
  }
  const before = statSync(dir).mode & 0o777;
  if (before === CERT_DIR_MODE) return undefined;
  try {
    chmodSync(dir, CERT_DIR_MODE);
  } catch (e) {
    throw new CertDirError(
      `${dir} is mode ${octal(before)} and cannot be made ${octal(CERT_DIR_MODE)} for the private key: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  // a folder we made had its mode cut by the umask only; an existing one open to others is worth a warning
  return !created && (before & 0o077) !== 0 ? before : undefined;
}

export function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}

/**
 * Writes ca.crt, tls.crt, tls.key into `dir` (created or narrowed to 0700). Each file is written
 * beside its final name and renamed, so a webhook watching the directory never reads half a file;
 * the key is 0600 from the start.
 */
export function writeCertFiles(
  dir: string,
  certs: Pick<WebhookCerts, 'caPem' | 'certPem' | 'keyPem'>,
): WrittenFiles {
  const before = ensureCertDir(dir);
  const files = { ca: join(dir, 'ca.crt'), cert: join(dir, 'tls.crt'), key: join(dir, 'tls.key') };
  const put = (path: string, text: string, mode: number) => {
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text, { mode });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  };
  put(files.ca, certs.caPem, 0o644);
  put(files.key, certs.keyPem, 0o600);
  put(files.cert, certs.certPem, 0o644);
  return before === undefined ? files : { ...files, narrowedFrom: before };
}
