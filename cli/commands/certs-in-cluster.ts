/** `zoneguard certs-in-cluster`: the install Job and renewal CronJob of deploy/ run this. */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import type { CommandSpec } from '../program.js';

function check(cfg: Settings): void {
  if (!cfg.webhookConfig)
    throw new ConfigError('webhook-config', 'give the name of the ValidatingWebhookConfiguration');
  checkRenewal(cfg);
}

export function checkRenewal(cfg: Settings): void {
  if (cfg.renewBefore >= cfg.certValidity)
    throw new ConfigError('renew-before', 'must be shorter than --cert-validity, or every run would renew');
}

export const certsInClusterCommand: CommandSpec = {
  name: 'certs-in-cluster',
  description:
    "create or renew the webhook's serving certificate Secret and patch the caBundle of its ValidatingWebhookConfiguration",
  check,
  // loaded when run: the rotation needs the Kubernetes client, which no other certs run does
  run: async (cfg, ctx) => runCertsInCluster(cfg, ctx, cfg.webhookConfig ?? ''),
};

/** The in-cluster rotation (certs/in-cluster.ts), loaded only when it runs. */
export async function runCertsInCluster(
  cfg: Settings,
  ctx: Parameters<typeof import('../../certs/in-cluster.js').runCertsInCluster>[1],
  webhookConfig: string,
): Promise<number> {
  return (await import('../../certs/in-cluster.js')).runCertsInCluster(cfg, ctx, webhookConfig);
}
