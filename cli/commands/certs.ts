/** `zoneguard certs`: CA + serving certificate for the webhook, as files, and the caBundle on stdout. */
// node-forge (certificates) loads only when the command runs: the folder check does not need it
import { certDirProblem } from '../../certs/out-dir.js';
import { ConfigError } from '../../core/errors.js';
import { checkRenewal, runCertsInCluster } from './certs-in-cluster.js';
import type { CommandSpec } from '../program.js';

export const certsCommand: CommandSpec = {
  name: 'certs',
  description:
    "create a CA and the webhook's serving certificate (ca.crt, tls.crt, tls.key in --out) and print the caBundle; with --patch-webhook NAME, keep them in the cluster instead",
  check: (cfg) => {
    if (cfg.patchWebhook) checkRenewal(cfg);
    else if (!cfg.out)
      throw new ConfigError('out', 'give the folder to write ca.crt, tls.crt and tls.key into');
    else {
      const problem = certDirProblem(cfg.out);
      if (problem) throw new ConfigError('out', problem);
    }
  },
  async run(cfg, ctx) {
    const webhook = cfg.patchWebhook;
    if (webhook) return runCertsInCluster(cfg, ctx, webhook);
    const { certsFromConfig } = await import('./certs-files.js');
    const { octal, CERT_DIR_MODE } = await import('../../certs/index.js');
    const { certs, files } = certsFromConfig(cfg);
    if (files.narrowedFrom !== undefined)
      ctx.logger.warn(
        { dir: cfg.out, from: octal(files.narrowedFrom), to: octal(CERT_DIR_MODE) },
        'certificate folder was readable by others: narrowed to owner only',
      );
    ctx.logger.info(
      {
        files: { ca: files.ca, cert: files.cert, key: files.key },
        dnsNames: certs.dnsNames,
        notAfter: certs.notAfter.toISOString(),
      },
      'webhook certificates written',
    );
    // stdout is only the caBundle, so that `caBundle: $(zoneguard certs ...)` works
    ctx.stdout.write(`${certs.caBundle}\n`);
    return 0;
  },
};
