/** `zoneguard certs`: CA + serving certificate for the webhook, as files, and the caBundle on stdout. */
import { num, str, strs, type Config } from '../../core/config.js';
import { makeWebhookCerts, writeCertFiles, type WebhookCerts, type WrittenFiles } from '../../certs/index.js';
import { checkRenewal, runCertsInCluster } from './certs-in-cluster.js';
import type { CommandSpec } from '../program.js';

export function certsFromConfig(cfg: Config, now?: Date): { certs: WebhookCerts; files: WrittenFiles } {
  const certs = makeWebhookCerts({
    serviceName: str(cfg, 'serviceName') || 'zoneguard-webhook',
    serviceNamespace: str(cfg, 'serviceNamespace') || 'zoneguard',
    extraDnsNames: strs(cfg, 'dnsName'),
    certValidityMs: num(cfg, 'certValidity', 365 * 24 * 3_600_000),
    caValidityMs: num(cfg, 'caValidity', 10 * 365 * 24 * 3_600_000),
    now,
  });
  return { certs, files: writeCertFiles(str(cfg, 'out') || '.', certs) };
}

export const certsCommand: CommandSpec = {
  name: 'certs',
  description:
    "create a CA and the webhook's serving certificate (ca.crt, tls.crt, tls.key in --out) and print the caBundle; with --patch-webhook NAME, keep them in the cluster instead",
  check: (cfg) => {
    if (str(cfg, 'patchWebhook')) checkRenewal(cfg);
  },
  async run(cfg, ctx) {
    const webhook = str(cfg, 'patchWebhook');
    if (webhook) return runCertsInCluster(cfg, ctx, webhook);
    const { certs, files } = certsFromConfig(cfg);
    ctx.logger.info(
      { files, dnsNames: certs.dnsNames, notAfter: certs.notAfter.toISOString() },
      'webhook certificates written',
    );
    // stdout is only the caBundle, so that `caBundle: $(zoneguard certs ...)` works
    ctx.stdout.write(`${certs.caBundle}\n`);
    return 0;
  },
};
