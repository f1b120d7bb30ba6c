/** `zoneguard certs-in-cluster`: the install Job and renewal CronJob of deploy/ run this. */
import { num, str, type Config, type FlagSpec } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import type { CommandContext, CommandSpec } from '../program.js';
import { kubeApi } from '../../kube/rest.js';
import { loadKubeConfig } from '../../kube/client.js';
import { ensureWebhookCerts } from '../../certs/in-cluster.js';

const CMD = ['certs-in-cluster'];
/** `zoneguard certs --patch-webhook NAME` runs the same flow; these flags serve both. */
const BOTH = ['certs-in-cluster', 'certs'];

// --kubeconfig is declared with doctor's flags (core/doctor/flags.ts) for both commands
export const certsInClusterFlags: FlagSpec[] = [
  {
    name: 'webhook-config',
    type: 'string',
    help: 'name of the ValidatingWebhookConfiguration whose caBundle to keep current',
    commands: CMD,
  },
  {
    name: 'patch-webhook',
    type: 'string',
    help: 'in the cluster: create or renew the serving certificate Secret and patch the caBundle of this ValidatingWebhookConfiguration (instead of writing files)',
    commands: ['certs'],
  },
  {
    name: 'secret-name',
    type: 'string',
    default: 'zoneguard-webhook-tls',
    help: 'Secret (type kubernetes.io/tls) the webhook mounts its certificate from',
    commands: BOTH,
  },
  {
    name: 'secret-namespace',
    type: 'string',
    help: "namespace of the Secret (default: the pod's own namespace)",
    commands: BOTH,
  },
  {
    name: 'cert-validity',
    type: 'duration',
    default: '8760h',
    min: 3_600_000,
    help: 'lifetime of a new serving certificate',
    commands: CMD,
  },
  {
    name: 'renew-before',
    type: 'duration',
    default: '720h',
    min: 60_000,
    help: 'renew when the certificate expires within this',
    commands: BOTH,
  },
];

function check(cfg: Config): void {
  if (!str(cfg, 'webhookConfig'))
    throw new ConfigError('webhook-config', 'give the name of the ValidatingWebhookConfiguration');
  checkRenewal(cfg);
}

export function checkRenewal(cfg: Config): void {
  if (num(cfg, 'renewBefore', 0) >= num(cfg, 'certValidity', 0))
    throw new ConfigError('renew-before', 'must be shorter than --cert-validity, or every run would renew');
}

/** Creates or renews the serving Secret and patches the caBundle of `webhookConfig`. */
export async function runCertsInCluster(
  cfg: Config,
  ctx: Pick<CommandContext, 'logger' | 'env' | 'stdout'>,
  webhookConfig: string,
): Promise<number> {
  const api = kubeApi(loadKubeConfig(str(cfg, 'kubeconfig'), ctx.env));
  const namespace = str(cfg, 'secretNamespace') || api.namespace;
  if (!namespace)
    throw new ConfigError(
      'secret-namespace',
      'cannot tell the namespace from the credentials; give --secret-namespace',
    );
  const secretName = str(cfg, 'secretName') ?? 'zoneguard-webhook-tls';
  const r = await ensureWebhookCerts(api, {
    webhookConfig,
    secretName,
    secretNamespace: namespace,
    validityMs: num(cfg, 'certValidity', 365 * 24 * 3_600_000),
    renewBeforeMs: num(cfg, 'renewBefore', 30 * 24 * 3_600_000),
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
  run: (cfg, ctx) => runCertsInCluster(cfg, ctx, str(cfg, 'webhookConfig') ?? ''),
};
