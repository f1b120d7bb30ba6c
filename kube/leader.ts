/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it:
 * - a candidate takes the Lease when it does not exist, has no holder, or has not been renewed for
 *   leaseDuration as observed locally (the holder's clock is never compared with ours);
 * - the leader renews every retryPeriod and stops leading when it could not renew for
 *   renewDeadline (so it stops before another candidate can take over);
 * - writes use the Lease's resourceVersion, so two candidates never both win (409 Conflict);
 * - on stop the leader releases the Lease (holder cleared), so a successor need not wait.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import { apiStatusCode as statusCode, microTime } from './client.js';

export interface LeaderElectionOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  logger: Logger;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
  /** Injected in tests. */
  now?: () => number;
}

export function defaultIdentity(env: Record<string, string | undefined>): string {
  return `${env.POD_NAME || hostname()}_${randomBytes(4).toString('hex')}`;
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private readonly now: () => number;
  private leading = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** The Lease as last read, and when we saw it change (client-go's observedTime). */
  private observed?: { holder: string; renewTime: string; resourceVersion: string };
  private observedAt = 0;
  private lastRenew = 0;

  constructor(private readonly o: LeaderElectionOptions) {
    if (!(o.leaseDurationMs > o.renewDeadlineMs))
      throw new Error('leader election: lease duration must be greater than the renew deadline');
    if (!(o.renewDeadlineMs > o.retryPeriodMs))
      throw new Error('leader election: renew deadline must be greater than the retry period');
    this.api = o.kubeConfig.makeApiClient(CoordinationV1Api);
    this.now = o.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  get identity(): string {
    return this.o.identity;
  }

  /** Starts campaigning; returns at once. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (e) {
        this.o.logger.warn(
          { lease: `${this.o.namespace}/${this.o.name}`, err: (e as Error).message, code: statusCode(e) },
          'leader election: lease update failed',
        );
      }
      if (this.stopped) break;
      if (ok) {
        this.lastRenew = this.now();
        if (!this.leading) {
          this.leading = true;
          this.o.logger.info(
            { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity },
            'leader election: became leader',
          );
          await this.o.onStartedLeading();
        }
      } else if (this.leading && this.now() - this.lastRenew >= this.o.renewDeadlineMs) {
        await this.lose('could not renew the lease within the renew deadline');
      }
      if (this.stopped) break;
      await this.sleep(this.o.retryPeriodMs);
    }
  }

  private async lose(why: string): Promise<void> {
    this.leading = false;
    this.o.logger.warn(
      { lease: `${this.o.namespace}/${this.o.name}`, identity: this.o.identity, why },
      'leader election: stopped leading',
    );
    await this.o.onStoppedLeading();
  }

  /** One round: true when we hold the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.o;
    const leaseSeconds = Math.max(1, Math.round(this.o.leaseDurationMs / 1000));
    const nowMs = this.now();
    let lease: V1Lease;
    try {
      lease = await this.api.readNamespacedLease({ namespace, name });
    } catch (e) {
      if (statusCode(e) !== 404) throw e;
      await this.api.createNamespacedLease({
        namespace,
        body: {
          metadata: { name, namespace },
          spec: {
            holderIdentity: identity,
            leaseDurationSeconds: leaseSeconds,
            acquireTime: microTime(nowMs) as unknown as Date,
            renewTime: microTime(nowMs) as unknown as Date,
            leaseTransitions: 0,
          },
        },
      });
      this.observe(identity, microTime(nowMs), '');
      return true;
    }
    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const renewTime = String(spec.renewTime ?? '');
    this.observe(holder, renewTime, lease.metadata?.resourceVersion ?? '');
    const duration = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
    const expired = this.observedAt + duration <= nowMs;
    if (holder && holder !== identity && !expired) return false;
    const transition = holder !== identity;
    const body: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: leaseSeconds,
        renewTime: microTime(nowMs) as unknown as Date,
        acquireTime: (transition ? microTime(nowMs) : spec.acquireTime) as unknown as Date,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (transition && holder ? 1 : 0),
      },
    };
    try {
      await this.api.replaceNamespacedLease({ namespace, name, body });
    } catch (e) {
      if (statusCode(e) === 409) return false;
      throw e;
    }
    return true;
  }

  private observe(holder: string, renewTime: string, resourceVersion: string): void {
    const o = this.observed;
    if (!o || o.holder !== holder || o.renewTime !== renewTime || o.resourceVersion !== resourceVersion) {
      this.observed = { holder, renewTime, resourceVersion };
      this.observedAt = this.now();
    }
  }

  /**
   * Stops campaigning; a leader stops leading and releases the Lease (release: false leaves it to
   * expire, as a crashed process would).
   */
  async stop(opts: { release?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading) {
      await this.lose('stopping');
      if (opts.release !== false) await this.release();
    }
  }

  private async release(): Promise<void> {
    const { namespace, name, identity } = this.o;
    try {
      const lease = await this.api.readNamespacedLease({ namespace, name });
      if (lease.spec?.holderIdentity !== identity) return;
      // client-go's ReleaseOnCancel: clear the holder and make the lease expire at once
      await this.api.replaceNamespacedLease({
        namespace,
        name,
        body: {
          ...lease,
          spec: {
            ...lease.spec,
            holderIdentity: '',
            leaseDurationSeconds: 1,
            renewTime: microTime(this.now()) as unknown as Date,
          },
        },
      });
      this.o.logger.info({ lease: `${namespace}/${name}`, identity }, 'leader election: released the lease');
    } catch (e) {
      this.o.logger.warn(
        { lease: `${namespace}/${name}`, err: (e as Error).message },
        'leader election: release failed',
      );
    }
  }
}
