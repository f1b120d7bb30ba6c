/**
 * The reconciler's Kubernetes client configuration (@kubernetes/client-node): --kubeconfig, else
 * the in-cluster service account, else $KUBECONFIG, else ~/.kube/config. The environment is passed
 * in, as everywhere in zoneguard.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from '../core/errors.js';

/** The client tuning flags external-dns has (--kube-api-request-timeout, --kube-api-qps, --kube-api-burst). */
export interface KubeClientTuning {
  /** Milliseconds a request (not a watch) may take; 0: no limit. */
  requestTimeoutMs: number;
  /** Requests (not watches) a second, on average; 0: no limit. */
  qps: number;
  /** Requests that may go at once before qps paces them. */
  burst: number;
}

/** client-go's defaults, as external-dns leaves them: 30s, 5 QPS, burst 10. */
export const DEFAULT_KUBE_TUNING: KubeClientTuning = { requestTimeoutMs: 30_000, qps: 5, burst: 10 };

/**
 * A token bucket: `burst` requests go at once, then one every 1/qps seconds (client-go's
 * flowcontrol.NewTokenBucketRateLimiter, which external-dns's --kube-api-qps/--kube-api-burst set).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = Math.max(1, burst);
    this.last = now();
  }

  /** Resolves when a request may go; callers go in the order they asked. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.wait());
    this.queue = turn;
    return turn;
  }

  private async wait(): Promise<void> {
    for (;;) {
      const t = this.now();
      this.tokens = Math.min(Math.max(1, this.burst), this.tokens + ((t - this.last) * this.qps) / 1000);
      this.last = t;
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - this.tokens) * 1000) / this.qps)));
    }
  }
}

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

const EVENTS_PATH =
  /^\/api\/v1\/namespaces\/[^/]+\/events$|^\/apis\/events\.k8s\.io\/v1\/namespaces\/[^/]+\/events$/;

/**
 * A KubeConfig whose requests are paced and bounded as --kube-api-qps, --kube-api-burst and
 * --kube-api-request-timeout say. Every client-node call (typed API clients, informers' lists) and
 * kube/rest.ts pass through here; watches are neither paced nor bounded (client-go's are not: a
 * watch is one long request, and client-node's Watch has its own idle timeout); Event writes are
 * bounded, not paced.
 */
export class TunedKubeConfig extends KubeConfig {
  private limiter?: TokenBucket;
  requestTimeoutMs = DEFAULT_KUBE_TUNING.requestTimeoutMs;

  tune(t: KubeClientTuning): this {
    this.requestTimeoutMs = t.requestTimeoutMs;
    this.limiter = t.qps > 0 ? new TokenBucket(t.qps, t.burst) : undefined;
    return this;
  }

  /** Waits for the rate limiter (a request that is not a watch). */
  async paced(): Promise<void> {
    await this.limiter?.take();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    const url = context.getUrl();
    const watch = /[?&]watch=(true|1)(&|$)/.test(url);
    // Events are not paced: a sync waits for its Events (deduplicated per object generation),
    // where client-go writes them from a background queue; pacing them would hold a first sync of
    // N objects for N/qps seconds.
    if (!watch && !EVENTS_PATH.test(new URL(url).pathname)) await this.paced();
    await super.applySecurityAuthentication(context);
    if (!watch && this.requestTimeoutMs > 0 && !context.getSignal())
      context.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
  }
}

export function loadKubeConfig(
  kubeconfig: string | undefined,
  env: Record<string, string | undefined>,
  tuning: KubeClientTuning = DEFAULT_KUBE_TUNING,
): TunedKubeConfig {
  const kc = new TunedKubeConfig().tune(tuning);
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else if (env.KUBERNETES_SERVICE_HOST) kc.loadFromCluster();
    else {
      const fromEnv = env.KUBECONFIG?.split(delimiter).find((p) => p && existsSync(p));
      const home = join(env.HOME ?? homedir(), '.kube', 'config');
      const file = fromEnv ?? (existsSync(home) ? home : undefined);
      if (!file)
        throw new Error(
          'no --kubeconfig, not in a cluster (KUBERNETES_SERVICE_HOST unset), and no $KUBECONFIG or ~/.kube/config',
        );
      kc.loadFromFile(file);
    }
  } catch (e) {
    throw new ConfigError('kubeconfig', (e as Error).message);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('kubeconfig', 'the current context has no cluster');
  return kc;
}

/** The namespace of the current context (in a cluster: the service account's). */
export function contextNamespace(kc: KubeConfig): string | undefined {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || undefined;
}

/** The HTTP status of a failed client-node call (ApiException.code, or statusCode). */
export function apiStatusCode(e: unknown): number | undefined {
  const x = e as { code?: number; statusCode?: number };
  return x?.code ?? x?.statusCode;
}

/** Lease times are MicroTime (RFC 3339 with microseconds). */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The settings the tuning comes from (a slice of the CLI's Settings). */
export interface KubeClientSettings {
  readonly kubeApiRequestTimeout: number;
  readonly kubeApiQps: number;
  readonly kubeApiBurst: number;
}

export function kubeTuning(cfg: KubeClientSettings): KubeClientTuning {
  return { requestTimeoutMs: cfg.kubeApiRequestTimeout, qps: cfg.kubeApiQps, burst: cfg.kubeApiBurst };
}
