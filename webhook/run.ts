/**
 * Assembles the webhook from a resolved Config: policy (core/setup), the ownership cache (the
 * configured provider, through core openProvider), the optional cluster watch (duplicate rule), the
 * HTTPS server and certificate reload. `zoneguard webhook` and the tests start it through here.
 */
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { OwnershipIndex } from '../core/ownership.js';
import type { RegistrySnapshot } from '../core/registry/registry.js';
import { openProvider, type OpenSettings } from '../core/providers/open.js';
import type { RuleId } from '../core/rules/index.js';
import { extractContextFrom, objectFilterFrom, ruleContextFrom } from '../core/setup.js';
import type { AdmitContext, OwnershipState, StalePolicy } from './admit.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { OwnershipSignalWatch } from '../kube/ownership-signal.js';
import type { ZonePolicyWatch } from '../kube/zone-policy-watch.js';
import { ZonePolicySet } from '../core/policy/zone-policy.js';
import type { ClusterClaims, ClusterClaimsSettings } from './cluster-claims.js';
import { createMetrics, type WebhookMetrics } from './metrics.js';
import { OwnershipCache } from './ownership-index.js';
import { createApp, listen, type Listening, type ServerSettings } from './server.js';
import { checkTlsPair, readTlsPair, TlsReloader, type TlsPair } from './tls-reload.js';
import { parseListenAddress } from '../core/listen.js';
import { checkWebhookConfig } from './check.js';
import { serveMetrics, type MetricsServer } from '../core/metrics-server.js';
import { handshakeFailure, tlsServerOptions } from '../core/tls-policy.js';

/** The settings this module reads (a slice of the CLI's Settings). */
import type { KubeClientSettings } from '../kube/client.js';

export interface WebhookSettings
  extends OpenSettings, ClusterClaimsSettings, KubeClientSettings, ServerSettings {
  readonly duplicatePolicy: 'deny' | 'warn' | 'off';
  readonly inCluster: boolean;
  readonly kubeconfig?: string;
  readonly listenAddress: string;
  readonly maxOwnershipAge: number;
  readonly maxRequestBytes: number;
  /** Plain-HTTP /metrics and /healthz listener ('' = none; /metrics stays on the TLS port too). */
  readonly metricsAddress: string;
  readonly ownershipRefresh: number;
  readonly ownershipSignalLease: string;
  readonly ownershipSignalNamespace: string;
  readonly shutdownTimeout: number;
  readonly staleOwnership: 'deny' | 'allow' | 'warn';
  readonly tlsCertFile?: string;
  readonly tlsPrivateKeyFile?: string;
  readonly tlsReloadInterval: number;
}

export interface WebhookDeps {
  logger: Logger;
  env: Record<string, string | undefined>;
  /** Replaces the provider as the source of ownership records (benchmarks). */
  readSnapshot?: () => Promise<RegistrySnapshot>;
  /** Replaces the provider with a ready index (tests). */
  loadOwnership?: () => Promise<OwnershipIndex>;
  /** Starts the cluster watch; default: from --kubeconfig / in-cluster config (see cluster-claims.ts). */
  clusterClaims?: ClusterClaims;
}

export interface Webhook {
  /** https://host:port */
  url: string;
  port: number;
  listening: Listening;
  metrics: WebhookMetrics;
  /** http://host:port of the --metrics-address listener, when there is one. */
  metricsUrl?: string;
  ownership?: OwnershipCache;
  cluster?: ClusterClaims;
  /** Namespaces and ZonePolicies from the cluster (absent without one). */
  zonePolicies?: ZonePolicyWatch;
  tls: TlsReloader;
  /** Re-reads ownership now (the reconciler calls this when it has written records). */
  refreshNow: () => Promise<boolean>;
  /** Reviews being answered right now. */
  inFlight: () => number;
  /** Why the webhook is not ready ([] when ready). */
  readiness: () => string[];
  /** Graceful stop: no new connections, in-flight reviews finish, then everything closes. */
  close: () => Promise<void>;
  /**
   * The stop on SIGTERM: /readyz turns unready at once (answers carry `Connection: close`), reviews
   * are still served for `delayMs` (or until `skip` aborts), then close().
   */
  shutdown: (delayMs: number, skip?: AbortSignal) => Promise<void>;
}

export { checkWebhookConfig };

export async function startWebhook(cfg: WebhookSettings, deps: WebhookDeps): Promise<Webhook> {
  checkWebhookConfig(cfg);
  const { logger } = deps;
  const files = {
    certFile: cfg.tlsCertFile as string,
    keyFile: cfg.tlsPrivateKeyFile as string,
  };
  const tlsPair: TlsPair = readTlsPair(files);
  checkTlsPair(tlsPair, files);

  // ---- ownership: the provider's records and TXT ownership, off the request path ----
  const providerName = cfg.provider;
  const load = deps.loadOwnership;
  let snapshot = deps.readSnapshot;
  let metrics: WebhookMetrics | undefined = undefined;
  if (!load && !snapshot) {
    const opened = await openProvider(cfg, logger, deps.env, ({ provider, operation, result, seconds }) =>
      metrics?.providerRequestDuration.observe({ provider, operation, result }, seconds),
    );
    if (opened) snapshot = () => opened.registry.snapshot();
  }
  let ownership: OwnershipCache | undefined;
  if (load || snapshot) {
    ownership = new OwnershipCache({
      ...(load ? { load } : { snapshot }),
      refreshMs: cfg.ownershipRefresh,
      maxAgeMs: cfg.maxOwnershipAge,
      logger,
      provider: providerName,
      onRefresh: (ok) => metrics?.ownershipRefreshes.inc({ result: ok ? 'ok' : 'error' }),
    });
  } else {
    // decision: a missing --provider is the operator's setup, not the user's object; it is logged
    // once here (and visible as the absent cache-age metric), not repeated in every response
    logger.warn(
      {},
      'no --provider: the ownership rule is skipped (no TXT ownership records to check against)',
    );
  }
  const kc = await kubeConfigFrom(cfg, deps);
  const cluster =
    deps.clusterClaims ??
    (kc && cfg.duplicatePolicy !== 'off' ? await clusterClaimsFrom(cfg, kc, deps) : undefined);
  const policyWatch = kc ? await zonePolicyWatchFrom(cfg, kc, deps) : undefined;
  // without a cluster there are no ZonePolicies to read: --require-zone-policy then denies every name
  const noPolicies = new ZonePolicySet([], { required: cfg.requireZonePolicy });
  const signal =
    kc && ownership ? await ownershipSignalFrom(cfg, kc, deps, () => void ownership.refreshNow()) : undefined;

  metrics = createMetrics({
    ownershipAgeSeconds: () => (ownership ? ownership.ageMs() / 1000 : undefined),
    ownershipNames: () => ownership?.current()?.size,
    clusterObjects: () => cluster?.index.objects,
    zonePolicies: () =>
      policyWatch
        ? { valid: policyWatch.current().policies.length, invalid: policyWatch.current().invalid.length }
        : undefined,
  });

  const ruleCtx = ruleContextFrom(cfg);
  const extractCtx = extractContextFrom(cfg, cluster ? (ns, name) => cluster.gateway(ns, name) : undefined);
  // Istio Gateways and VirtualServices take their targets from the watched Services, Ingresses, Gateways
  if (cluster) extractCtx.objects = cluster.related;
  const warnOnly = new Set<RuleId>(cfg.duplicatePolicy === 'warn' ? ['duplicate'] : []);
  const admitCtx: AdmitContext = {
    ruleContext: () => {
      // one shared context; rules run synchronously, so swapping the index between requests is safe
      ruleCtx.ownership = ownership?.current();
      if (cluster) ruleCtx.claims = cluster.index;
      ruleCtx.zonePolicies = policyWatch ? policyWatch.current() : noPolicies;
      return ruleCtx;
    },
    zonePolicies: () => (policyWatch ? policyWatch.current().policies : []),
    extractContext: () => extractCtx,
    filter: objectFilterFrom(cfg),
    warnOnly,
    ownership: (): OwnershipState => (ownership ? ownership.state() : { state: 'none' }),
    stalePolicy: cfg.staleOwnership as StalePolicy,
  };

  const readiness = () => {
    const reasons: string[] = [];
    if (ownership && !ownership.loaded) reasons.push('ownership index not loaded yet');
    if (cluster && !cluster.synced)
      reasons.push(`cluster watch cache not synced yet (${cluster.pending().join('; ') || 'starting'})`);
    if (policyWatch && !policyWatch.synced)
      reasons.push(`ZonePolicies not read yet (${policyWatch.pending().join('; ') || 'starting'})`);
    return reasons;
  };
  const app = createApp({
    admit: admitCtx,
    metrics,
    logger,
    maxRequestBytes: cfg.maxRequestBytes,
    readiness,
  });
  const { host, port } = parseListenAddress(cfg.listenAddress, 'listen-address');
  // plain HTTP for Prometheus (no admission CA needed); liveness only: readiness stays on /readyz
  const metricsServer: MetricsServer | undefined = cfg.metricsAddress
    ? await serveMetrics(cfg.metricsAddress, metrics.registry, {}, cfg)
    : undefined;
  let listening: Listening;
  try {
    listening = await listen(app, tlsPair, host, port, cfg);
  } catch (e) {
    await metricsServer?.close();
    throw e;
  }
  if (metricsServer) logger.info({ url: `${metricsServer.url}/metrics` }, 'metrics served');
  const tls = new TlsReloader(listening.server, files, tlsPair, {
    intervalMs: cfg.tlsReloadInterval,
    logger,
    policy: tlsServerOptions(cfg),
  });
  tls.on('reload', (ok: boolean) => metrics?.tlsReloads.inc({ result: ok ? 'ok' : 'error' }));
  // a refused or timed-out handshake never reaches a handler: count it (the API server only logs it)
  listening.server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    const reason = handshakeFailure(err);
    metrics?.tlsHandshakeFailures.inc({ reason });
    logger.debug(
      { reason, err: err.code ?? err.message, remote: socket.remoteAddress },
      'TLS handshake failed',
    );
  });
  tls.start();

  // the server answers /healthz at once; /readyz turns ready when these have loaded
  void ownership?.start();
  void cluster?.start();
  void policyWatch?.start();
  void signal?.start().catch(() => undefined);

  const urlHost = listening.host.includes(':')
    ? `[${listening.host}]`
    : listening.host === '0.0.0.0'
      ? '127.0.0.1'
      : listening.host;
  logger.info(
    {
      address: `${listening.host}:${listening.port}`,
      provider: providerName,
      duplicates: cluster ? cfg.duplicatePolicy : 'off',
      staleOwnership: admitCtx.stalePolicy,
    },
    'webhook listening',
  );
  let closing: Promise<void> | undefined;
  let shuttingDown: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      tls.stop();
      ownership?.close();
      // reviews still unanswered when --shutdown-timeout ends are cut (the API server applies the
      // failurePolicy): said once, with how many, so an operator knows to raise the timeout
      const cut = setTimeout(() => {
        if (app.inFlight() > 0)
          logger.warn(
            { inFlight: app.inFlight(), timeoutMs: cfg.shutdownTimeout },
            '--shutdown-timeout reached: closing the connections of reviews still in flight',
          );
      }, cfg.shutdownTimeout);
      await listening.close(cfg.shutdownTimeout);
      clearTimeout(cut);
      await metricsServer?.close();
      await cluster?.stop();
      await policyWatch?.stop();
      await signal?.stop();
      logger.info({}, 'webhook stopped');
    })());
  return {
    url: `https://${urlHost}:${listening.port}`,
    port: listening.port,
    listening,
    metrics,
    metricsUrl: metricsServer?.url,
    ownership,
    cluster,
    zonePolicies: policyWatch,
    tls,
    refreshNow: () => (ownership ? ownership.refreshNow() : Promise.resolve(false)),
    readiness,
    inFlight: app.inFlight,
    close,
    shutdown: (delayMs, skip) =>
      (shuttingDown ??= (async () => {
        app.setClosing();
        if (delayMs > 0 && !skip?.aborted)
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, delayMs);
            skip?.addEventListener('abort', () => {
              clearTimeout(t);
              resolve();
            });
          });
        await close();
      })()),
  };
}

/** The cluster's client configuration, when there is a cluster to talk to (--kubeconfig, or in a pod). */
async function kubeConfigFrom(cfg: WebhookSettings, deps: WebhookDeps): Promise<KubeConfig | undefined> {
  const kubeconfig = cfg.kubeconfig;
  const inCluster = cfg.inCluster;
  if (!kubeconfig && !inCluster && !deps.env.KUBERNETES_SERVICE_HOST) return undefined;
  if (inCluster && !kubeconfig && !deps.env.KUBERNETES_SERVICE_HOST)
    throw new ConfigError(
      'in-cluster',
      'not running in a pod (KUBERNETES_SERVICE_HOST is unset); give --kubeconfig instead',
    );
  // loaded lazily: a webhook without a cluster does not pay for the Kubernetes client
  const { loadKubeConfig, kubeTuning } = await import('../kube/client.js');
  return loadKubeConfig(kubeconfig, deps.env, kubeTuning(cfg));
}

/** The cluster watch for the duplicate rule. */
async function clusterClaimsFrom(
  cfg: WebhookSettings,
  kc: KubeConfig,
  deps: WebhookDeps,
): Promise<ClusterClaims> {
  const { ClusterClaims } = await import('./cluster-claims.js');
  return new ClusterClaims({ kubeConfig: kc, cfg, logger: deps.logger });
}

/** Namespaces and ZonePolicies, watched so policy changes apply to the next review. */
async function zonePolicyWatchFrom(
  cfg: WebhookSettings,
  kc: KubeConfig,
  deps: WebhookDeps,
): Promise<ZonePolicyWatch> {
  const { ZonePolicyWatch } = await import('../kube/zone-policy-watch.js');
  return new ZonePolicyWatch({ kubeConfig: kc, logger: deps.logger, required: cfg.requireZonePolicy });
}

/** The reconciler's "ownership changed" Lease, watched so ownership is re-read right after writes. */
async function ownershipSignalFrom(
  cfg: WebhookSettings,
  kc: KubeConfig,
  deps: WebhookDeps,
  onChange: () => void,
): Promise<OwnershipSignalWatch | undefined> {
  const name = cfg.ownershipSignalLease;
  if (!name) return undefined;
  const [{ OwnershipSignalWatch }, { contextNamespace }] = await Promise.all([
    import('../kube/ownership-signal.js'),
    import('../kube/client.js'),
  ]);
  const namespace = cfg.ownershipSignalNamespace || contextNamespace(kc) || 'default';
  deps.logger.info({ lease: `${namespace}/${name}` }, 'watching the reconciler ownership signal');
  return new OwnershipSignalWatch({ kubeConfig: kc, namespace, name, logger: deps.logger }, onChange);
}
