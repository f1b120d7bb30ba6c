/**
 * Keeps the webhook's serving certificate valid inside the cluster: reads which Service the
 * ValidatingWebhookConfiguration calls, creates or renews Secret <secret> (type kubernetes.io/tls:
 * ca.crt, tls.crt, tls.key) when it is missing, not for those names, or within --renew-before of
 * expiry, and writes the CA into every webhook's caBundle. During a renewal the caBundle holds the
 * new and the previous CA, so the API server trusts both the webhook pods that still serve the old
 * certificate and those that have reloaded the new one (the kubelet updates Secret volumes lazily).
 */
import { X509Certificate } from 'node:crypto';
import { kubeApi, type KubeApi } from '../kube/rest.js';
import { kubeTuning, loadKubeConfig, type KubeClientSettings } from '../kube/client.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import { makeCertsFor } from './index.js';

export interface CertsInClusterOptions {
  webhookConfig: string;
  secretName: string;
  secretNamespace: string;
  validityMs: number;
  renewBeforeMs: number;
  now?: Date;
}

export interface CertsInClusterResult {
  action: 'created' | 'renewed' | 'unchanged';
  /** Why the certificate was (re)issued. */
  reason?: string;
  dnsNames: string[];
  notAfter: Date;
  caBundlePatched: boolean;
}

interface WebhookConfig {
  metadata?: { name?: string };
  webhooks?: {
    name: string;
    clientConfig?: { caBundle?: string; service?: { name: string; namespace: string } };
  }[];
}

interface TlsSecret {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  type?: string;
  data?: Record<string, string>;
}

const VWC_PATH = '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations';

function fail(what: string, res: { status: number; body: unknown }): never {
  const msg = (res.body as { message?: string } | undefined)?.message ?? JSON.stringify(res.body);
  throw new Error(`${what}: HTTP ${res.status}: ${msg}`);
}

/** The DNS names a Service answers to inside the cluster, most specific first. */
export function serviceDnsNames(name: string, namespace: string): string[] {
  return [`${name}.${namespace}.svc`, `${name}.${namespace}.svc.cluster.local`, `${name}.${namespace}`, name];
}

/** PEM certificates in a bundle, in order. */
function splitPem(bundle: string): string[] {
  return (
    bundle.replace(/\r\n/g, '\n').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  );
}

/** Why the stored certificate must be replaced, or undefined when it is good. */
export function renewalReason(
  secret: TlsSecret | undefined,
  dnsNames: readonly string[],
  now: Date,
  renewBeforeMs: number,
): string | undefined {
  const data = secret?.data ?? {};
  if (!data['tls.crt'] || !data['tls.key'] || !data['ca.crt'])
    return 'the secret has no ca.crt, tls.crt and tls.key';
  let leaf: X509Certificate;
  let ca: X509Certificate;
  try {
    leaf = new X509Certificate(Buffer.from(data['tls.crt'], 'base64'));
    ca = new X509Certificate(Buffer.from(data['ca.crt'], 'base64'));
  } catch (e) {
    return `the stored certificate does not parse (${(e as Error).message})`;
  }
  if (!leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) return 'tls.crt is not signed by ca.crt';
  const sans = (leaf.subjectAltName ?? '').split(',').map((s) => s.trim().replace(/^DNS:/, ''));
  const missing = dnsNames.filter((n) => !sans.includes(n));
  if (missing.length) return `the certificate is not valid for ${missing.join(', ')}`;
  const left = new Date(leaf.validTo).getTime() - now.getTime();
  if (left <= renewBeforeMs)
    return `the certificate expires ${new Date(leaf.validTo).toISOString()}, within --renew-before`;
  return undefined;
}

export async function ensureWebhookCerts(
  api: KubeApi,
  opts: CertsInClusterOptions,
): Promise<CertsInClusterResult> {
  const now = opts.now ?? new Date();
  const vwcRes = await api.request('GET', `${VWC_PATH}/${encodeURIComponent(opts.webhookConfig)}`);
  if (vwcRes.status === 404)
    throw new Error(
      `ValidatingWebhookConfiguration ${opts.webhookConfig} not found: apply the manifests first (kubectl apply -k deploy/overlays/...)`,
    );
  if (vwcRes.status !== 200) fail(`reading ValidatingWebhookConfiguration ${opts.webhookConfig}`, vwcRes);
  const vwc = vwcRes.body as WebhookConfig;
  const hooks = vwc.webhooks ?? [];
  const services = hooks
    .map((h) => h.clientConfig?.service)
    .filter((s): s is { name: string; namespace: string } => !!s);
  if (services.length === 0)
    throw new Error(`ValidatingWebhookConfiguration ${opts.webhookConfig} has no webhook calling a Service`);
  const dnsNames = [...new Set(services.flatMap((s) => serviceDnsNames(s.name, s.namespace)))];

  const secretPath = `/api/v1/namespaces/${encodeURIComponent(opts.secretNamespace)}/secrets/${encodeURIComponent(opts.secretName)}`;
  const secRes = await api.request('GET', secretPath);
  if (secRes.status !== 200 && secRes.status !== 404)
    fail(`reading Secret ${opts.secretNamespace}/${opts.secretName}`, secRes);
  const existing = secRes.status === 200 ? (secRes.body as TlsSecret) : undefined;
  const reason = renewalReason(existing, dnsNames, now, opts.renewBeforeMs);

  let caPem = existing?.data?.['ca.crt']
    ? Buffer.from(existing.data['ca.crt'], 'base64').toString('utf8')
    : '';
  let notAfter = existing?.data?.['tls.crt']
    ? new Date(new X509Certificate(Buffer.from(existing.data['tls.crt'], 'base64')).validTo)
    : now;
  let action: CertsInClusterResult['action'] = 'unchanged';
  const previousCa = caPem;
  if (reason) {
    // the CA outlives the leaf a day, so that a leaf is never valid under an expired CA
    const bundle = makeCertsFor(dnsNames, {
      certValidityMs: opts.validityMs,
      caValidityMs: opts.validityMs + 24 * 3_600_000,
      now,
    });
    const data = {
      'ca.crt': Buffer.from(bundle.caPem).toString('base64'),
      'tls.crt': Buffer.from(bundle.certPem).toString('base64'),
      'tls.key': Buffer.from(bundle.keyPem).toString('base64'),
    };
    const body: TlsSecret & { apiVersion: string; kind: string } = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: opts.secretName,
        namespace: opts.secretNamespace,
        ...(existing?.metadata?.resourceVersion
          ? { resourceVersion: existing.metadata.resourceVersion }
          : {}),
      },
      type: 'kubernetes.io/tls',
      data,
    };
    if (existing) {
      // resourceVersion makes a concurrent renewal fail (409) instead of overwriting silently
      const put = await api.request('PUT', secretPath, body);
      if (put.status !== 200) fail(`updating Secret ${opts.secretNamespace}/${opts.secretName}`, put);
      action = 'renewed';
    } else {
      const post = await api.request(
        'POST',
        `/api/v1/namespaces/${encodeURIComponent(opts.secretNamespace)}/secrets`,
        body,
      );
      if (post.status !== 201 && post.status !== 200)
        fail(`creating Secret ${opts.secretNamespace}/${opts.secretName}`, post);
      action = 'created';
    }
    caPem = bundle.caPem;
    notAfter = bundle.notAfter;
  }

  // trust the current CA and, during a rotation, the previous one while it is still valid
  const trusted = [caPem, ...splitPem(previousCa)]
    .flatMap(splitPem)
    .filter((pem, i, all) => all.indexOf(pem) === i)
    .filter((pem) => new Date(new X509Certificate(pem).validTo) > now)
    .slice(0, 2);
  const caBundle = Buffer.from(trusted.join('\n') + '\n').toString('base64');
  const patch = hooks.flatMap((h, i) =>
    h.clientConfig?.caBundle === caBundle
      ? []
      : [{ op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: caBundle }],
  );
  if (patch.length) {
    const res = await api.request(
      'PATCH',
      `${VWC_PATH}/${encodeURIComponent(opts.webhookConfig)}`,
      patch,
      'application/json-patch+json',
    );
    if (res.status !== 200)
      fail(`patching the caBundle of ValidatingWebhookConfiguration ${opts.webhookConfig}`, res);
  }
  return { action, ...(reason ? { reason } : {}), dnsNames, notAfter, caBundlePatched: patch.length > 0 };
}

/** The settings the in-cluster rotation reads (a slice of the CLI's Settings). */
export interface CertsInClusterSettings extends KubeClientSettings {
  readonly kubeconfig?: string;
  readonly secretName: string;
  readonly secretNamespace?: string;
  readonly certValidity: number;
  readonly renewBefore: number;
}

/** Creates or renews the serving Secret and patches the caBundle of `webhookConfig`. */
export async function runCertsInCluster(
  cfg: CertsInClusterSettings,
  ctx: { logger: Logger; env: Record<string, string | undefined>; stdout: NodeJS.WritableStream },
  webhookConfig: string,
): Promise<number> {
  const api = kubeApi(loadKubeConfig(cfg.kubeconfig, ctx.env, kubeTuning(cfg)));
  const namespace = cfg.secretNamespace || api.namespace;
  if (!namespace)
    throw new ConfigError(
      'secret-namespace',
      'cannot tell the namespace from the credentials; give --secret-namespace',
    );
  const secretName = cfg.secretName;
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
