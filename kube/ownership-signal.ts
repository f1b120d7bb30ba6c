/**
 * "Ownership changed": how the reconciler tells the webhook replicas, in other pods, that it has
 * just written records and TXT ownership records, so they re-read ownership at once instead of at
 * their next --ownership-refresh. The signal is a coordination.k8s.io Lease in the instance's
 * namespace (default name zoneguard-ownership), labelled zoneguard.io/ownership-signal; after each
 * apply the reconciler bumps its renewTime and a write counter. The webhook watches Leases with
 * that label (an informer: one watch per replica, no polling) and refreshes on every change.
 * A failed bump or watch is logged and costs only freshness: the periodic refresh still runs.
 */
import { CoordinationV1Api, makeInformer, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import { backoffDelay } from '../core/backoff.js';
import { apiStatusCode as statusCode, microTime } from './client.js';

export const SIGNAL_LABEL = 'zoneguard.io/ownership-signal';
export const WRITES_ANNOTATION = 'zoneguard.io/ownership-writes';

export interface SignalTarget {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  logger: Logger;
}

/** The reconciler's side: bump() after every apply that changed something. */
export class OwnershipSignalWriter {
  private readonly api: CoordinationV1Api;
  private writes = 0;

  constructor(
    private readonly t: SignalTarget,
    private readonly identity: string,
    private readonly now: () => number = Date.now,
  ) {
    this.api = t.kubeConfig.makeApiClient(CoordinationV1Api);
  }

  /** Never throws: a failed bump is a warning (the webhooks' periodic refresh still catches up). */
  async bump(): Promise<boolean> {
    const { namespace, name } = this.t;
    const lease = (count: number, resourceVersion?: string): V1Lease => ({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace,
        labels: { [SIGNAL_LABEL]: name },
        annotations: { [WRITES_ANNOTATION]: String(count) },
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: { holderIdentity: this.identity, renewTime: microTime(this.now()) as unknown as Date },
    });
    try {
      let current: V1Lease | undefined;
      try {
        current = await this.api.readNamespacedLease({ namespace, name });
      } catch (e) {
        if (statusCode(e) !== 404) throw e;
      }
      const before = Number(current?.metadata?.annotations?.[WRITES_ANNOTATION] ?? 0);
      this.writes = Math.max(this.writes, Number.isFinite(before) ? before : 0) + 1;
      if (current)
        await this.api.replaceNamespacedLease({
          namespace,
          name,
          body: lease(this.writes, current.metadata?.resourceVersion),
        });
      else await this.api.createNamespacedLease({ namespace, body: lease(this.writes) });
      return true;
    } catch (e) {
      // 409: another writer bumped it in between; the webhooks saw that change anyway
      if (statusCode(e) === 409) return true;
      this.t.logger.warn(
        { lease: `${namespace}/${name}`, err: (e as Error)?.message ?? String(e), code: statusCode(e) },
        'ownership signal not written; webhooks catch up at their next refresh',
      );
      return false;
    }
  }
}

/** The webhook's side: calls onChange whenever the signal Lease is created or bumped. */
export class OwnershipSignalWatch {
  private readonly informer;
  private failures = 0;
  private restart?: NodeJS.Timeout;
  private stopped = true;

  constructor(
    private readonly t: SignalTarget,
    onChange: () => void,
    private readonly restartMaxDelayMs = 30_000,
  ) {
    const api = t.kubeConfig.makeApiClient(CoordinationV1Api);
    const selector = `${SIGNAL_LABEL}=${t.name}`;
    this.informer = makeInformer<V1Lease>(
      t.kubeConfig,
      `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(t.namespace)}/leases`,
      () => api.listNamespacedLease({ namespace: t.namespace, labelSelector: selector }),
      selector,
    );
    const changed = (l: V1Lease) => {
      if (l.metadata?.name === t.name) onChange();
    };
    this.informer.on('add', changed);
    this.informer.on('update', changed);
    this.informer.on('error', (err) => this.failed(err));
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.informer.start();
  }

  private failed(err: unknown): void {
    if (this.stopped) return;
    const delay = Math.max(100, backoffDelay(this.failures++, 1000, this.restartMaxDelayMs));
    this.t.logger.warn(
      {
        lease: `${this.t.namespace}/${this.t.name}`,
        err: (err as Error)?.message ?? String(err),
        code: statusCode(err),
        retryInMs: delay,
      },
      'ownership signal watch failed; restarting',
    );
    clearTimeout(this.restart);
    this.restart = setTimeout(() => {
      if (this.stopped) return;
      void this.informer.start().then(() => (this.failures = 0));
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restart);
    await this.informer.stop();
  }
}
