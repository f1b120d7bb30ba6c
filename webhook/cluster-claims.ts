/**
 * The cluster's claims for the duplicate rule: @kubernetes/client-node informers (list + watch) of
 * the kinds selected by --source keep a core ClaimIndex current, so a review is checked against
 * every other object that already claims its hostnames without calling the API server. Gateways are
 * watched too when HTTPRoutes are: they give routes their targets (and so their record types).
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  makeInformer,
  type Informer,
  type KubernetesListObject,
  type KubernetesObject,
  type ListWatch,
  type ObjectCache,
} from '@kubernetes/client-node';
import { ClaimIndex } from '../core/claim-index.js';
import { str, strs, type Config } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { extract } from '../core/hostnames/index.js';
import type { Logger } from '../core/log.js';
import { refOf, type KubeObject } from '../core/objects.js';
import { backoffDelay } from '../core/providers/batch.js';
import { extractContextFrom, objectFilterFrom, outOfScope, type ObjectFilter } from '../core/setup.js';
import type { ExtractContext } from '../core/hostnames/common.js';

export function loadKubeConfig(kubeconfig: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (kubeconfig) kc.loadFromFile(kubeconfig);
    else kc.loadFromCluster();
  } catch (e) {
    throw new ConfigError(kubeconfig ? 'kubeconfig' : 'in-cluster', (e as Error).message);
  }
  if (!kc.getCurrentCluster()) throw new ConfigError('kubeconfig', 'the current context has no cluster');
  return kc;
}

interface WatchedKind {
  apiVersion: string;
  kind: string;
  source: string;
  /** Gateways: looked up by HTTPRoutes, in every namespace, regardless of --label-filter. */
  everywhere?: boolean;
  path: (ns?: string) => string;
  list: (kc: KubeConfig, ns: string | undefined, labelSelector: string | undefined) => Promise<KubernetesListObject<KubernetesObject>>;
}

const custom = (group: string, version: string, plural: string) => (kc: KubeConfig, ns: string | undefined, labelSelector: string | undefined) => {
  const api = kc.makeApiClient(CustomObjectsApi);
  return (ns ? api.listNamespacedCustomObject({ group, version, plural, namespace: ns, labelSelector }) : api.listClusterCustomObject({ group, version, plural, labelSelector })) as Promise<KubernetesListObject<KubernetesObject>>;
};
const apisPath = (group: string, version: string, plural: string) => (ns?: string) => (ns ? `/apis/${group}/${version}/namespaces/${encodeURIComponent(ns)}/${plural}` : `/apis/${group}/${version}/${plural}`);

export const WATCHED_KINDS: readonly WatchedKind[] = [
  {
    apiVersion: 'v1',
    kind: 'Service',
    source: 'service',
    path: (ns) => (ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/services` : '/api/v1/services'),
    list: (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (ns ? api.listNamespacedService({ namespace: ns, labelSelector }) : api.listServiceForAllNamespaces({ labelSelector })) as Promise<KubernetesListObject<KubernetesObject>>;
    },
  },
  {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    source: 'ingress',
    path: apisPath('networking.k8s.io', 'v1', 'ingresses'),
    list: (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(NetworkingV1Api);
      return (ns ? api.listNamespacedIngress({ namespace: ns, labelSelector }) : api.listIngressForAllNamespaces({ labelSelector })) as Promise<KubernetesListObject<KubernetesObject>>;
    },
  },
  { apiVersion: 'externaldns.k8s.io/v1alpha1', kind: 'DNSEndpoint', source: 'crd', path: apisPath('externaldns.k8s.io', 'v1alpha1', 'dnsendpoints'), list: custom('externaldns.k8s.io', 'v1alpha1', 'dnsendpoints') },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', source: 'gateway-httproute', path: apisPath('gateway.networking.k8s.io', 'v1', 'httproutes'), list: custom('gateway.networking.k8s.io', 'v1', 'httproutes') },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', source: 'gateway-httproute', everywhere: true, path: apisPath('gateway.networking.k8s.io', 'v1', 'gateways'), list: custom('gateway.networking.k8s.io', 'v1', 'gateways') },
];

type KindInformer = Informer<KubernetesObject> & ObjectCache<KubernetesObject> & Pick<ListWatch<KubernetesObject>, 'latestResourceVersion'>;

interface Watch {
  spec: WatchedKind;
  informer: KindInformer;
  failures: number;
  listed: boolean;
  restart?: NodeJS.Timeout;
}

export interface ClusterClaimsOptions {
  kubeConfig: KubeConfig;
  cfg: Config;
  logger: Logger;
  restartBaseDelayMs?: number;
  restartMaxDelayMs?: number;
}

export class ClusterClaims {
  readonly index = new ClaimIndex();
  private readonly gateways = new Map<string, KubeObject>();
  private readonly watches: Watch[] = [];
  private readonly filter: ObjectFilter;
  private readonly extractCtx: ExtractContext;
  private stopped = false;
  private syncWaiters: (() => void)[] = [];

  constructor(private readonly opts: ClusterClaimsOptions) {
    const { cfg } = opts;
    this.filter = objectFilterFrom(cfg);
    this.extractCtx = extractContextFrom(cfg, (ns, name) => this.gateway(ns, name));
    const sources = strs(cfg, 'source');
    const ns = str(cfg, 'namespace') || undefined;
    const labelSelector = str(cfg, 'labelFilter')?.trim() || undefined;
    for (const spec of WATCHED_KINDS) {
      if (sources.length && !sources.includes(spec.source)) continue;
      const n = spec.everywhere ? undefined : ns;
      const sel = spec.everywhere ? undefined : labelSelector;
      const informer = makeInformer<KubernetesObject>(opts.kubeConfig, spec.path(n), () => spec.list(opts.kubeConfig, n, sel), sel) as KindInformer;
      const w: Watch = { spec, informer, failures: 0, listed: false };
      informer.on('add', (o) => this.upsert(spec, o));
      informer.on('update', (o) => this.upsert(spec, o));
      informer.on('delete', (o) => this.remove(spec, o));
      informer.on('error', (err) => this.failed(w, err));
      this.watches.push(w);
    }
  }

  /** Every watched kind has been listed once. */
  get synced(): boolean {
    return this.watches.every((w) => w.listed);
  }

  /** Resolves once synced (or stopped). */
  whenSynced(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  gateway(namespace: string, name: string): KubeObject | undefined {
    return this.gateways.get(`${namespace}/${name}`);
  }

  private plain(spec: WatchedKind, o: KubernetesObject): KubeObject {
    // typed list results carry Dates and class instances, watch events plain JSON: use the JSON form
    const p = JSON.parse(JSON.stringify(o)) as KubeObject;
    p.apiVersion = spec.apiVersion;
    p.kind = spec.kind;
    return p;
  }

  private claim(obj: KubeObject, source: string): void {
    const x = extract(obj, this.extractCtx);
    if (outOfScope(this.filter, obj, source)) this.index.remove(x.ref);
    else this.index.set(x);
  }

  private upsert(spec: WatchedKind, o: KubernetesObject): void {
    const obj = this.plain(spec, o);
    if (spec.kind === 'Gateway') {
      this.gateways.set(`${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`, obj);
      this.reclaimRoutes();
      return;
    }
    this.claim(obj, spec.source);
  }

  private remove(spec: WatchedKind, o: KubernetesObject): void {
    const obj = this.plain(spec, o);
    if (spec.kind === 'Gateway') {
      this.gateways.delete(`${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`);
      this.reclaimRoutes();
      return;
    }
    this.index.remove(refOf(obj));
  }

  /** A Gateway's addresses decide its routes' record types: re-read the routes. */
  private reclaimRoutes(): void {
    const routes = this.watches.find((w) => w.spec.kind === 'HTTPRoute');
    if (!routes) return;
    for (const r of routes.informer.list()) this.claim(this.plain(routes.spec, r), routes.spec.source);
  }

  private failed(w: Watch, err: unknown): void {
    if (this.stopped) return;
    const delay = Math.max(100, backoffDelay(w.failures++, this.opts.restartBaseDelayMs ?? 1000, this.opts.restartMaxDelayMs ?? 30_000));
    const e = err as { message?: string; code?: number };
    this.opts.logger.warn({ kind: w.spec.kind, err: e?.message ?? String(err), code: e?.code, retryInMs: delay }, 'cluster watch failed; restarting');
    clearTimeout(w.restart);
    w.restart = setTimeout(() => void this.startOne(w), delay);
  }

  private async startOne(w: Watch): Promise<void> {
    if (this.stopped) return;
    await w.informer.start();
    // a failed list is reported through 'error' (which schedules a restart) and resolves anyway
    if (w.informer.latestResourceVersion() === '') return;
    w.failures = 0;
    if (!w.listed) {
      w.listed = true;
      if (this.synced) for (const f of this.syncWaiters.splice(0)) f();
    }
  }

  async start(): Promise<void> {
    this.stopped = false;
    await Promise.all(this.watches.map((w) => this.startOne(w)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.syncWaiters.splice(0)) f();
    for (const w of this.watches) {
      clearTimeout(w.restart);
      await w.informer.stop();
    }
  }
}
