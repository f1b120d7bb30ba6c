/** `zoneguard certs-in-cluster`: the install Job and renewal CronJob of deploy/ run this. */
import type { Settings } from '../settings.js';
import { ConfigError } from '../../core/errors.js';
import type { CommandContext, CommandSpec } from '../program.js';

function check(cfg: Settings): void {
  if (!cfg.webhookConfig)
    throw new ConfigError('webhook-config', 'give the name of the ValidatingWebhookConfiguration');
  checkRenewal(cfg);
}

export function checkRenewal(cfg: Settings): void {
  if (cfg.renewBefore >= cfg.certValidity)
    throw new ConfigError('renew-before', 'must be shorter than --cert-validity, or every run would renew');
}

/** Creates or renews the serving Secret and patches the caBundle of `webhookConfig`. */
export async function runCertsInCluster(
  cfg: Settings,
  ctx: Pick<CommandContext, 'logger' | 'env' | 'stdout'>,
  webhookConfig: string,
): Promise<number> {
  // loaded here: the Kubernetes client is large, and no other certs run needs it
  const [{ kubeApi }, { loadKubeConfig }, { ensureWebhookCerts }] = await Promise.all([
    import('../../kube/rest.js'),
    import('../../kube/client.js'),
    import('../../certs/in-cluster.js'),
  ]);
  const api = kubeApi(loadKubeConfig(cfg.kubeconfig, ctx.env));
  const namespace = cfg.secretNamespace || api.namespace;
  if (!namespace)
    throw new ConfigError(
      'secret-namespace',
      'cannot tell the namespace from the credentials; give --secret-namespace',
    );
  const secretName = cfg.secretName ?? 'zoneguard-webhook-tls';
  const r = await ensureWebhookCerts(api, {
    webhookConfig,
    secretName,
    secretNamespace: namespace,
    validityMs: cfg.certValidity,
    renewBeforeMs: cfg.renewBefore,
  });
  ctx.logger.info(
    {
      action: r.action,
      reason: r.reason,
      secret: `${namespace}/${secretName}`,
      webhookConfig,
      notAfter: r.notAfter.toISOString(),
      dnsNames: r.dnsNames,
      caBundlePatched: r.caBundlePatched,
    },
    'webhook certificate checked',
  );
  ctx.stdout.write(
    `certificate ${r.action}${r.reason ? ` (${r.reason})` : ''}; valid until ${r.notAfter.toISOString()}; caBundle ${r.caBundlePatched ? 'patched' : 'already current'}\n`,
  );
  return 0;
}

export const certsInClusterCommand: CommandSpec = {
  name: 'certs-in-cluster',
  description:
    "create or renew the webhook's serving certificate Secret and patch the caBundle of its ValidatingWebhookConfiguration",
  check,
  run: (cfg, ctx) => runCertsInCluster(cfg, ctx, cfg.webhookConfig ?? ''),
};
