/**
 * Serving certificate reload: when tls.crt/tls.key change (a kubelet Secret update swaps a symlink
 * in the directory, cert-manager or `zoneguard certs` rename files in), the new pair replaces the
 * server's secure context. Open connections keep theirs; new handshakes get the new certificate.
 * A directory watch reacts at once; a periodic re-read covers file systems where watches miss events.
 */
import { EventEmitter } from 'node:events';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:https';
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';

export interface TlsPair {
  cert: string;
  key: string;
}

export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

/** Reads both files; a file that cannot be read is a ConfigError naming its flag and path. */
export function readTlsPair(files: TlsFiles): TlsPair {
  const read = (flag: string, file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(
        flag,
        `${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      );
    }
  };
  return { cert: read('tls-cert-file', files.certFile), key: read('tls-private-key-file', files.keyFile) };
}

/**
 * Parses the pair before serving it: one line naming the flag and file instead of OpenSSL's
 * `error:1E08010C:DECODER routines::unsupported` from deep inside the TLS server.
 */
export function checkTlsPair(pair: TlsPair, files: TlsFiles): void {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.cert);
  } catch {
    throw new ConfigError('tls-cert-file', `${files.certFile}: not a PEM certificate`);
  }
  let key;
  try {
    key = createPrivateKey(pair.key);
  } catch {
    throw new ConfigError(
      'tls-private-key-file',
      `${files.keyFile}: not an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1)`,
    );
  }
  if (!cert.checkPrivateKey(key))
    throw new ConfigError(
      'tls-private-key-file',
      `${files.keyFile}: does not belong to the certificate in ${files.certFile}`,
    );
}

/** Emits 'reload' (ok: boolean, error?: string) after each attempt on changed files. */
export class TlsReloader extends EventEmitter {
  private watchers: FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private lastFailed?: string;

  constructor(
    private readonly server: Server,
    private readonly files: TlsFiles,
    private current: TlsPair,
    private readonly opts: {
      intervalMs: number;
      logger: Logger;
      /** The TLS policy (core/tls-policy.ts): a reloaded certificate keeps it. */
      policy: SecureContextOptions;
    },
  ) {
    super();
  }

  start(): void {
    for (const dir of new Set([dirname(this.files.certFile), dirname(this.files.keyFile)])) {
      try {
        const w = watch(dir, { persistent: false }, () => {
          // a rename-in writes several events; read once they settle
          clearTimeout(this.debounce);
          this.debounce = setTimeout(() => this.check(), 20);
        });
        w.on('error', (e) =>
          this.opts.logger.warn(
            { dir, err: e.message },
            'certificate directory watch failed; relying on periodic re-read',
          ),
        );
        this.watchers.push(w);
      } catch (e) {
        this.opts.logger.warn(
          { dir, err: (e as Error).message },
          'cannot watch certificate directory; relying on periodic re-read',
        );
      }
    }
    this.timer = setInterval(() => this.check(), this.opts.intervalMs);
    this.timer.unref();
  }

  /** Re-reads the files; true when a new certificate is now served. */
  check(): boolean {
    let next: TlsPair;
    try {
      next = readTlsPair(this.files);
    } catch (e) {
      return this.failed(`cannot read: ${(e as Error).message}`, '');
    }
    if (next.cert === this.current.cert && next.key === this.current.key) return false;
    const fingerprint = `${next.cert}\n${next.key}`;
    try {
      // throws on a key that does not match the certificate (e.g. only one of the two written yet)
      createSecureContext({ ...this.opts.policy, ...next });
    } catch (e) {
      return this.failed((e as Error).message, fingerprint);
    }
    this.server.setSecureContext({ ...this.opts.policy, ...next });
    this.current = next;
    this.lastFailed = undefined;
    this.opts.logger.info({ certFile: this.files.certFile }, 'serving certificate reloaded');
    this.emit('reload', true);
    return true;
  }

  private failed(error: string, fingerprint: string): false {
    // report a broken pair once, not every interval
    if (this.lastFailed === fingerprint) return false;
    this.opts.logger.error(
      { certFile: this.files.certFile, keyFile: this.files.keyFile, err: error },
      'serving certificate reload failed; keeping the current one',
    );
    this.lastFailed = fingerprint;
    this.emit('reload', false, error);
    return false;
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
    this.watchers = [];
  }
}
