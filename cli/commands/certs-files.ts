/** `zoneguard certs` without --patch-webhook: the CA and serving certificate written as files. */
import type { Settings } from '../settings.js';
import {
  CertDirError,
  certDirProblem,
  makeWebhookCerts,
  writeCertFiles,
  type WebhookCerts,
  type WrittenFiles,
} from '../../certs/index.js';
import { ConfigError } from '../../core/errors.js';

export function certsFromConfig(cfg: Settings, now?: Date): { certs: WebhookCerts; files: WrittenFiles } {
  const problem = certDirProblem(cfg.out);
  if (problem) throw new ConfigError('out', problem);
  const certs = makeWebhookCerts({
    serviceName: cfg.serviceName || 'zoneguard-webhook',
    serviceNamespace: cfg.serviceNamespace || 'zoneguard',
    extraDnsNames: cfg.dnsName,
    certValidityMs: cfg.certValidity,
    caValidityMs: cfg.caValidity,
    now,
  });
  try {
    return { certs, files: writeCertFiles(cfg.out, certs) };
  } catch (e) {
    if (e instanceof CertDirError) throw new ConfigError('out', e.message);
    throw e;
  }
}
