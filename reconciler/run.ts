/**
 * Runs `zoneguard reconcile` from a resolved Config: opens the provider, starts the sources (cluster
 * informers and/or -f manifests), the loop, leader election and the metrics server, and stops them
 * all on the abort signal. --once syncs once (retrying provider failures); --dry-run prints plans.
 */
import type { Logger } from '../core/log.js';
import { ConfigError, ProviderError } from '../core/errors.js';
import { openProvider, type OpenSettings } from '../core/providers/open.js';
import { withRetry } from '../core/backoff.js';
import type { Provider } from '../core/providers/provider.js';
import {
  domainFilterFrom,
  extractContextFrom,
  managedRecordTypesFrom,
  objectFilterFrom,
  policyFrom,
  ruleContextFrom,
} from '../core/setup.js';
import { contextNamespace, kubeTuning, loadKubeConfig, type KubeClientSettings } from '../kube/client.js';
import { defaultIdentity, LeaderElector } from '../kube/leader.js';
import { OwnershipSignalWriter } from '../kube/ownership-signal.js';
import { Reconciler, type SyncResult } from './loop.js';
import { createReconcilerMetrics, serveMetrics, type MetricsServer } from './metrics.js';
import { FileSource } from './file-source.js';
import type { HttpTimeoutSettings } from '../core/http-timeouts.js';
import { KubernetesSource } from '../kube/watch.js';
import type { Source } from '../core/model/source.js';
import { zonePolicyInputs, type ZonePolicySettings } from '../core/policy/inputs.js';
import { auditReports } from './audit.js';
import { writePolicyReports } from '../kube/policy-reports.js';
import { kubeApi } from '../kube/rest.js';
import { Feedback, kubeFeedbackSink } from '../kube/events.js';
import { planJson, printPlanText } from '../core/report.js';
import {
  AnyRelease,
  OneRunRelease,
  type DeletionRelease,
  type DeletionGuardSettings,
} from '../core/deletion-guard.js';
import { LeaseDeletionRelease } from '../kube/deletion-release.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface ReconcileSettings
  extends OpenSettings, DeletionGuardSettings, ZonePolicySettings, KubeClientSettings, HttpTimeoutSettings {
  readonly releaseDeletions: boolean;
  /** --policy-reports-interval (ms; 0: off). */
  readonly policyReportsInterval: number;
  readonly dryRun: boolean;
  readonly emitEvents: 'all' | 'warnings' | 'none';
  readonly events: boolean;
  readonly file: string[];
  readonly interval: number;
  readonly kubeApi: 'auto' | 'off';
  readonly kubeconfig?: string;
  /** --listen-endpoint-events: an EndpointSlice change starts a sync. */
  readonly listenEndpointEvents: boolean;
  readonly leaderElect: boolean;
  readonly leaderElectionIdentity: string;
  readonly leaderElectionLeaseDuration: number;
  readonly leaderElectionLeaseName: string;
  readonly leaderElectionNamespace: string;
  readonly leaderElectionRenewDeadline: number;
  readonly leaderElectionRetryPeriod: number;
  readonly metricsAddress: string;
  readonly minEventSyncInterval: number;
  readonly once: boolean;
  /** The dry-run plan's format: json, or text (the CLI accepts only these two for reconcile). */
  readonly output: string;
  readonly ownershipSignalLease: string;
  readonly ownershipSignalNamespace: string;
  readonly retryBaseDelay: number;
  readonly retryMaxDelay: number;
}

/** Where a reconcile run logs and prints, and the environment its credential chains read. */
export interface ReconcileIo {
  logger: Logger;
  env: Record<string, string | undefined>;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const ONCE_SOURCE_TIMEOUT_MS = 30_000;

export interface ReconcileRunOptions {
  /** Stops a long-running reconcile (the command wires SIGTERM and SIGINT to it). */
  signal?: AbortSignal;
  /** Called once the reconciler is running (tests reach into it). */
  onReady?: (r: {
    reconciler: Reconciler;
    elector?: LeaderElector;
    metricsUrl?: string;
    provider: Provider;
  }) => void;
}

function wantsKube(cfg: ReconcileSettings): boolean {
  if (cfg.kubeApi === 'off') return false;
  return cfg.file.length === 0 || cfg.kubeconfig !== undefined || cfg.leaderElect;
}

export async function runReconcile(
  cfg: ReconcileSettings,
  ctx: ReconcileIo,
  opts: ReconcileRunOptions = {},
): Promise<number> {
  const logger = ctx.logger;
  const metrics = createReconcilerMetrics({ defaultMetrics: true });
  const opened = await openProvider(
    cfg,
    logger,
    ctx.env,
    ({ provider, operation, result, seconds }) =>
      metrics.providerRequestDuration.observe({ provider, operation, result }, seconds),
    true,
  );
  if (!opened)
    throw new ConfigError(
      'provider',
      'reconcile needs a provider to publish to (e.g. --provider rfc2136 ... or --provider inmemory --inmemory-zone example.com)',
    );
  if (cfg.registry === 'noop')
    logger.warn(
      { registry: 'noop', owner: opened.registry.ownerId },
      "registry noop: no ownership records; every record of the managed types inside the domain filter counts as this instance's and may be updated or deleted",
    );
  const once = cfg.once;
  const dryRun = cfg.dryRun;
  const files = cfg.file;
  const useKube = wantsKube(cfg);
  const kc = useKube ? loadKubeConfig(cfg.kubeconfig, ctx.env, kubeTuning(cfg)) : undefined;
  const identity = cfg.leaderElectionIdentity || defaultIdentity(ctx.env);

  const sources: Source[] = [];
  if (files.length) sources.push(new FileSource(files, logger));
  if (kc) {
    const filter = objectFilterFrom(cfg);
    sources.push(
      new KubernetesSource({
        kubeConfig: kc,
        sources: filter.sources,
        namespace: filter.namespace,
        labelSelector: cfg.labelFilter,
        traefik: filter.traefik,
        routeGroupVersion: filter.routeGroupVersion,
        serviceTypes: cfg.serviceTypeFilter,
        listenEndpointEvents: cfg.listenEndpointEvents,
        logger,
      }),
    );
    // Namespaces and ZonePolicies: a policy or label change resyncs like any watched object
    sources.push(new KubernetesSource({ kubeConfig: kc, sources: ['zone-policy'], logger }));
  }

  const emit = cfg.emitEvents as 'all' | 'warnings' | 'none';
  const feedback =
    kc && !dryRun && emit !== 'none' ? new Feedback(kubeFeedbackSink(kc, identity), logger, emit) : undefined;
  const json = cfg.output === 'json';
  const signalName = cfg.ownershipSignalLease;
  const signal =
    kc && !dryRun && signalName
      ? new OwnershipSignalWriter(
          {
            kubeConfig: kc,
            namespace: cfg.ownershipSignalNamespace || contextNamespace(kc) || 'default',
            name: signalName,
            logger,
          },
          identity,
        )
      : undefined;
  // the Lease that leader election uses (or would use) carries the release annotation and the Events
  const leaseNamespace = kc ? cfg.leaderElectionNamespace || contextNamespace(kc) || 'default' : '';
  const leaseName = cfg.leaderElectionLeaseName || 'zoneguard-reconciler';
  const releases: DeletionRelease[] = [];
  if (cfg.releaseDeletions) releases.push(new OneRunRelease());
  if (kc && !dryRun) releases.push(new LeaseDeletionRelease(kc, leaseNamespace, leaseName, logger));
  const reconciler = new Reconciler({
    registry: opened.registry,
    sources,
    ruleCtx: ruleContextFrom(cfg),
    // from the sources' objects (cluster or -f) plus --zone-policy-file, re-read at every sync
    zonePolicies: (objects) => zonePolicyInputs(objects, cfg).set,
    extractCtx: extractContextFrom(cfg),
    filter: objectFilterFrom(cfg),
    policy: policyFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
    logger,
    metrics,
    feedback,
    intervalMs: cfg.interval,
    minEventSyncIntervalMs: cfg.minEventSyncInterval,
    events: cfg.events !== false,
    dryRun,
    onPlan: dryRun
      ? (r) =>
          json ? ctx.stdout.write(JSON.stringify(planJson(r), null, 2) + '\n') : printPlanText(r, ctx.stdout)
      : undefined,
    guard: { maxDeletions: cfg.maxDeletions, maxDeletionRatio: cfg.maxDeletionRatio },
    release: releases.length ? new AnyRelease(releases) : undefined,
    holdEventObject: kc
      ? {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { namespace: leaseNamespace, name: leaseName },
        }
      : undefined,
    retryBaseDelayMs: cfg.retryBaseDelay,
    retryMaxDelayMs: cfg.retryMaxDelay,
    audit:
      kc && !dryRun && cfg.policyReportsInterval > 0
        ? {
            intervalMs: cfg.policyReportsInterval,
            write: async (objects, outcomes) => {
              const reports = auditReports(objects, outcomes, cfg);
              await writePolicyReports(kubeApi(kc), reports, logger);
            },
          }
        : undefined,
    // webhook replicas re-read ownership when we have written (see ownership-signal.ts)
    onWrite: signal ? async () => void (await signal.bump()) : undefined,
  });

  const closeAll = async (server?: MetricsServer) => {
    for (const s of sources) await s.stop();
    await server?.close();
    await opened.provider.close?.();
  };

  // a long-running reconciler waits for the API server (failures are logged); --once gives up
  const started = Promise.all(sources.map((s) => s.start())).catch(async (e: unknown) => {
    // a bad manifest (InputError, exit 2): stop the informers that did start
    await closeAll();
    throw e;
  });
  // SIGTERM/SIGINT while the first read waits for an API server that does not answer: stop then,
  // not only once it answers (a pod stopped during a rollout; Ctrl-C against a cluster that is down)
  const stopped = new Promise<'stopped'>((resolve) => {
    if (opts.signal?.aborted) return resolve('stopped');
    opts.signal?.addEventListener('abort', () => resolve('stopped'), { once: true });
  });
  const stopWhileStarting = async (): Promise<number> => {
    // the first read is abandoned: whatever it ends with, nobody waits for it
    started.catch(() => undefined);
    logger.info({}, 'reconciler stopping before the sources finished their first read');
    await closeAll();
    return once ? 1 : 0;
  };
  if (once) {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), ONCE_SOURCE_TIMEOUT_MS)),
    );
    const r = await Promise.race([started, timedOut, stopped]);
    clearTimeout(timer);
    if (r === 'stopped') return stopWhileStarting();
    if (r === 'timeout') {
      ctx.stderr.write(
        `zoneguard: reconcile failed: the sources did not finish their first read within ${ONCE_SOURCE_TIMEOUT_MS / 1000}s (is the API server reachable?)\n`,
      );
      await closeAll();
      return 1;
    }
  } else if ((await Promise.race([started, stopped])) === 'stopped') return stopWhileStarting();
  logger.info(
    {
      sources: sources.map((s) => s.name),
      provider: opened.provider.name,
      owner: opened.registry.ownerId,
      dryRun,
      once,
    },
    'reconciler started',
  );

  if (once) {
    let last: SyncResult | undefined;
    try {
      last = await withRetry(
        async () => {
          const r = await reconciler.sync();
          if (!r.ok) throw r.error;
          return r;
        },
        {
          attempts: 5,
          baseDelayMs: cfg.retryBaseDelay,
          maxDelayMs: cfg.retryMaxDelay,
          retryable: (e) => e instanceof ProviderError && e.retryable,
        },
      );
    } catch (e) {
      ctx.stderr.write(`zoneguard: reconcile failed: ${(e as Error)?.message ?? String(e)}\n`);
    } finally {
      await closeAll();
    }
    return last?.ok ? 0 : 1;
  }

  const address = cfg.metricsAddress;
  const server = address
    ? await serveMetrics(
        address,
        metrics.registry,
        {
          readiness: () => reconciler.readiness(),
        },
        cfg,
      )
    : undefined;
  if (server) logger.info({ url: `${server.url}/metrics` }, 'metrics served');

  let elector: LeaderElector | undefined;
  if (cfg.leaderElect) {
    elector = new LeaderElector({
      kubeConfig: kc!,
      namespace: leaseNamespace,
      name: leaseName,
      identity,
      leaseDurationMs: cfg.leaderElectionLeaseDuration,
      renewDeadlineMs: cfg.leaderElectionRenewDeadline,
      retryPeriodMs: cfg.leaderElectionRetryPeriod,
      logger,
      onStartedLeading: () => reconciler.start(),
      onStoppedLeading: () => reconciler.stop(),
    });
    elector.start();
  } else reconciler.start();
  opts.onReady?.({ reconciler, elector, metricsUrl: server?.url, provider: opened.provider });

  await new Promise<void>((resolve) => {
    if (opts.signal?.aborted) return resolve();
    opts.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  logger.info({}, 'reconciler stopping');
  await elector?.stop();
  await reconciler.stop();
  await closeAll(server);
  return 0;
}
