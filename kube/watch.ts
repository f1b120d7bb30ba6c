/**
 * The Kubernetes source: one @kubernetes/client-node informer (list + watch) per kind selected by
 * --source, honouring --namespace (namespaced list/watch paths) and --label-filter (server-side
 * labelSelector); --annotation-filter and --ingress-class are applied with the rules
 * (reconciler/desired.ts and the core's extractors). Gateways are watched in every namespace and
 * without the label filter whenever gateway-httproute is selected: they only give HTTPRoutes their
 * targets (external-dns's gateway source does the same).
 *
 * onChange fires when something that can change records changes: spec, labels, annotations, and
 * status of the kinds whose status carries targets (Service, Ingress, Gateway). Status-only updates
 * of DNSEndpoints (which the reconciler writes itself) and HTTPRoutes do not fire.
 */
import {
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  NetworkingV1Api,
  type ListWatch,
  makeInformer,
  type Informer,
  type KubeConfig,
  type ObjectCache,
  type KubernetesObject,
  type KubernetesListObject,
} from '@kubernetes/client-node';
import type { Logger } from '../core/log.js';
import type { KubeObject } from '../core/model/objects.js';
import { backoffDelay } from '../core/backoff.js';
import { apiStatusCode } from './client.js';
import type { Source } from '../core/model/source.js';
import { apiPath, apiVersionOf, KINDS, POLICY_KINDS, selectedBy, type KindInfo } from '../core/kinds.js';
import { serviceTargetPartsOf } from '../core/hostnames/service-targets.js';

export interface KubernetesSourceOptions {
  kubeConfig: KubeConfig;
  /** --source: service, ingress, crd, gateway-httproute. */
  sources: readonly string[];
  /** --namespace ('' or undefined: all). */
  namespace?: string;
  /** --label-filter, as a Kubernetes label selector string. */
  labelSelector?: string;
  /**
   * --service-type-filter: Nodes are read only when NodePort Services are, Pods and EndpointSlices
   * when NodePort or ClusterIP ones are (empty: all types).
   */
  serviceTypes?: readonly string[];
  /** --listen-endpoint-events: an EndpointSlice change starts a sync (onChange); otherwise it is read at the next one. */
  listenEndpointEvents?: boolean;
  /** Which Traefik API groups are read (--traefik-enable-legacy, --traefik-disable-new); default traefik.io only. */
  traefik?: { legacy: boolean; new: boolean };
  /**
   * --skipper-routegroup-groupversion's version: RouteGroups are listed and watched at
   * /apis/zalando.org/<it>/routegroups, as external-dns lists them (default: the table's v1).
   */
  routeGroupVersion?: string;
  logger: Logger;
  /** Delay before restarting an informer whose list or watch failed (full jitter, capped). */
  restartBaseDelayMs?: number;
  restartMaxDelayMs?: number;
}

/** A row of core/kinds.ts with how to list it through client-node's typed clients. */
export interface KindSpec extends KindInfo {
  apiVersion: string;
  path: (ns?: string) => string;
  list: (
    kc: KubeConfig,
    ns: string | undefined,
    labelSelector: string | undefined,
  ) => Promise<KubernetesListObject<KubernetesObject>>;
}

type Lister = KindSpec['list'];

/** Core and networking kinds have typed list calls; every other kind is a custom resource. */
function listerFor(k: KindInfo): Lister {
  if (k.group === '' && k.kind === 'Service')
    return (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (
        ns
          ? api.listNamespacedService({ namespace: ns, labelSelector })
          : api.listServiceForAllNamespaces({ labelSelector })
      ) as Promise<KubernetesListObject<KubernetesObject>>;
    };
  if (k.group === 'networking.k8s.io' && k.kind === 'Ingress')
    return (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(NetworkingV1Api);
      return (
        ns
          ? api.listNamespacedIngress({ namespace: ns, labelSelector })
          : api.listIngressForAllNamespaces({ labelSelector })
      ) as Promise<KubernetesListObject<KubernetesObject>>;
    };
  if (k.group === '' && k.kind === 'Node')
    return (kc, _ns, labelSelector) =>
      kc.makeApiClient(CoreV1Api).listNode({ labelSelector }) as Promise<
        KubernetesListObject<KubernetesObject>
      >;
  if (k.group === '' && k.kind === 'Pod')
    return (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(CoreV1Api);
      return (
        ns
          ? api.listNamespacedPod({ namespace: ns, labelSelector })
          : api.listPodForAllNamespaces({ labelSelector })
      ) as Promise<KubernetesListObject<KubernetesObject>>;
    };
  if (k.group === 'discovery.k8s.io' && k.kind === 'EndpointSlice')
    return (kc, ns, labelSelector) => {
      const api = kc.makeApiClient(DiscoveryV1Api);
      return (
        ns
          ? api.listNamespacedEndpointSlice({ namespace: ns, labelSelector })
          : api.listEndpointSliceForAllNamespaces({ labelSelector })
      ) as Promise<KubernetesListObject<KubernetesObject>>;
    };
  if (k.group === '' && k.kind === 'Namespace')
    return (kc, _ns, labelSelector) =>
      kc.makeApiClient(CoreV1Api).listNamespace({ labelSelector }) as Promise<
        KubernetesListObject<KubernetesObject>
      >;
  const { group, version, plural } = k;
  return (kc, ns, labelSelector) => {
    const api = kc.makeApiClient(CustomObjectsApi);
    const p =
      ns && !k.clusterScoped
        ? api.listNamespacedCustomObject({ group, version, plural, namespace: ns, labelSelector })
        : api.listClusterCustomObject({ group, version, plural, labelSelector });
    return p as Promise<KubernetesListObject<KubernetesObject>>;
  };
}

/** A row of the table, ready to list and watch. */
function kindSpecOf(k: KindInfo): KindSpec {
  return {
    ...k,
    apiVersion: apiVersionOf(k),
    path: (ns?: string) => apiPath(k, k.clusterScoped ? undefined : ns),
    list: listerFor(k),
  };
}

/** Every kind of the table, ready to list and watch. */
export const KIND_SPECS: readonly KindSpec[] = [...KINDS, ...POLICY_KINDS].map(kindSpecOf);

export type ObjectEvent = 'add' | 'update' | 'delete';

/**
 * Typed list results carry Dates and class instances, watch events plain JSON: every object is
 * brought to its JSON form (the two differ in no field of these kinds but ListMeta's `continue`).
 */
function plain(obj: KubernetesObject, spec: KindSpec): KubeObject {
  const o = JSON.parse(JSON.stringify(obj)) as KubeObject;
  o.apiVersion = spec.apiVersion;
  o.kind = spec.kind;
  // Nodes, Pods, EndpointSlices: only what Service targets are made of is kept and compared
  return spec.targetsOnly ? serviceTargetPartsOf(o) : o;
}

/** What about an object can change the records it asks for. */
function fingerprint(o: KubeObject, spec: KindSpec): string {
  const { metadata, status, apiVersion: _a, kind: _k, ...rest } = o;
  return JSON.stringify([
    metadata?.labels ?? {},
    metadata?.annotations ?? {},
    rest,
    spec.statusMatters ? (status ?? null) : null,
  ]);
}

interface Watched {
  spec: KindSpec;
  informer: Informer<KubernetesObject> &
    ObjectCache<KubernetesObject> &
    Pick<ListWatch<KubernetesObject>, 'latestResourceVersion'>;
  failures: number;
  restart?: NodeJS.Timeout;
  /**
   * The API server answers 404 for the kind: its CRD is not installed (Gateway API, DNSEndpoint).
   * It counts as listed and empty, so one missing CRD does not hold back the other kinds, and it
   * is listed again every restartMaxDelayMs in case the CRD is installed later.
   */
  absent: boolean;
  /** Why the last list or watch failed, until one succeeds. */
  lastError?: string;
}

export class KubernetesSource implements Source {
  readonly name = 'kubernetes';
  readonly live = true;
  private readonly watched: Watched[] = [];
  private readonly listeners: ((why: string) => void)[] = [];
  private readonly objectListeners: ((event: ObjectEvent, obj: KubeObject, spec: KindSpec) => void)[] = [];
  /** Objects as they were last seen (JSON form, apiVersion/kind set), and what matters about them. */
  private readonly cache = new Map<string, { obj: KubeObject; fingerprint: string }>();
  private stopped = false;

  constructor(private readonly opts: KubernetesSourceOptions) {
    const ns = opts.namespace || undefined;
    const ls = opts.labelSelector?.trim() || undefined;
    const kinds = new Set<KindSpec>();
    const traefik = opts.traefik ?? { legacy: false, new: true };
    for (const k of KIND_SPECS) {
      if (!selectedBy(k, opts.sources)) continue;
      if (k.traefik && !traefik[k.traefik]) continue;
      const types = opts.serviceTypes ?? [];
      if (k.forServiceTypes && types.length && !k.forServiceTypes.some((t) => types.includes(t))) continue;
      // --skipper-routegroup-groupversion: RouteGroups at the version it names
      const v = opts.routeGroupVersion;
      kinds.add(
        k.source === 'skipper-routegroup' && v && v !== k.version ? kindSpecOf({ ...k, version: v }) : k,
      );
    }
    for (const spec of kinds) {
      // read for another source (a Service for Istio Gateways): in --namespace, all labels — also
      // when its own source is selected too (external-dns's Istio sources list Services
      // unfiltered); --label-filter then applies to its own names client side, with the rules
      const helps = (spec.helperFor ?? []).some((s) => opts.sources.includes(s));
      // helpers are read in every namespace (Gateways), but a Service's Pods and EndpointSlices in its own
      // and a Service for an Ambassador Host in every namespace (everyNamespaceFor)
      const everywhere = (spec.everyNamespaceFor ?? []).some((s) => opts.sources.includes(s));
      // and a kind whose source picks its namespaces itself (Gloo Proxies: --gloo-namespace)
      const n = (spec.helper && !spec.targetsOnly) || everywhere || spec.ignoresNamespace ? undefined : ns;
      const sel = spec.helper || helps ? undefined : ls;
      // makeInformer returns a ListWatch, which also tells the resourceVersion it is at
      const informer = makeInformer<KubernetesObject>(
        opts.kubeConfig,
        spec.path(n),
        () => spec.list(opts.kubeConfig, n, sel),
        sel,
      ) as Watched['informer'];
      const w: Watched = { spec, informer, failures: 0, absent: false };
      informer.on('add', (o) => this.changed('add', spec, o));
      informer.on('update', (o) => this.changed('update', spec, o));
      informer.on('delete', (o) => this.changed('delete', spec, o));
      informer.on('error', (err) => this.failed(w, err));
      this.watched.push(w);
    }
  }

  private key(spec: KindSpec, o: KubernetesObject): string {
    // two groups have a Gateway (Gateway API, Istio), Traefik two IngressRoutes
    return `${spec.group}/${spec.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name ?? ''}`;
  }

  private changed(verb: 'add' | 'update' | 'delete', spec: KindSpec, o: KubernetesObject): void {
    const key = this.key(spec, o);
    const obj = plain(o, spec);
    if (verb === 'delete') this.cache.delete(key);
    else {
      const fp = fingerprint(obj, spec);
      const before = this.cache.get(key);
      // always keep the newest object (a status-only write still changes what we compare with)
      this.cache.set(key, { obj, fingerprint: fp });
      if (before?.fingerprint === fp) return;
    }
    for (const l of this.objectListeners) l(verb, obj, spec);
    // a Node's or a Pod's change is read at the next sync, as external-dns does; an EndpointSlice's
    // starts one with --listen-endpoint-events
    if (spec.targetsOnly && !(spec.kind === 'EndpointSlice' && this.opts.listenEndpointEvents)) return;
    const why = `${spec.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? ''} ${verb === 'add' ? 'added' : verb === 'update' ? 'changed' : 'deleted'}`;
    for (const l of this.listeners) l(why);
  }

  private failed(w: Watched, err: unknown): void {
    if (this.stopped) return;
    const e = err as { message?: string };
    const code = apiStatusCode(err);
    w.lastError = code ? `HTTP ${code}` : (e?.message ?? String(err)).slice(0, 200);
    const maxDelay = this.opts.restartMaxDelayMs ?? 30_000;
    let delay: number;
    if (code === 404 && w.informer.latestResourceVersion() === '') {
      // never listed and not served: a CRD that is not installed
      delay = maxDelay;
      if (!w.absent) {
        w.absent = true;
        this.opts.logger.warn(
          { kind: w.spec.kind, apiVersion: w.spec.apiVersion, retryInMs: delay },
          'kind not served by the API server (CRD not installed?); read as empty until it is',
        );
        this.settle();
      }
    } else {
      delay = Math.max(100, backoffDelay(w.failures++, this.opts.restartBaseDelayMs ?? 1000, maxDelay));
      this.opts.logger.warn(
        { kind: w.spec.kind, err: e?.message ?? String(err), code, retryInMs: delay },
        'watch failed; restarting',
      );
    }
    clearTimeout(w.restart);
    w.restart = setTimeout(() => void this.startOne(w), delay);
  }

  private async startOne(w: Watched): Promise<boolean> {
    if (this.stopped) return false;
    await w.informer.start();
    // the informer reports list failures through 'error' (handled above) and resolves anyway
    const ok = w.informer.latestResourceVersion() !== '';
    if (ok) {
      w.failures = 0;
      w.lastError = undefined;
      if (w.absent) {
        w.absent = false;
        this.opts.logger.info(
          { kind: w.spec.kind, apiVersion: w.spec.apiVersion },
          'kind now served by the API server; watching it',
        );
      }
      this.settle();
    }
    return ok;
  }

  private settleWaiters: (() => void)[] = [];

  /** Wakes start() once every kind is listed or known to be absent. */
  private settle(): void {
    if (this.synced) for (const f of this.settleWaiters.splice(0)) f();
  }

  /**
   * Resolves when every informer has listed once, or its kind is known not to be served (a failing
   * list is retried with backoff; an unserved kind is tried again every restartMaxDelayMs).
   */
  async start(): Promise<void> {
    this.stopped = false;
    const done = new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    for (const w of this.watched) void this.startOne(w);
    this.settle();
    await done;
  }

  /** The informers' caches, as kept by the add/update/delete callbacks (no copy per sync). */
  objects(): KubeObject[] {
    return [...this.cache.values()].map((c) => c.obj);
  }

  onChange(fn: (why: string) => void): void {
    this.listeners.push(fn);
  }

  /** Each object added, changed in a way that can change its records, or deleted (JSON form). */
  onObject(fn: (event: ObjectEvent, obj: KubeObject, spec: KindSpec) => void): void {
    this.objectListeners.push(fn);
  }

  /** Every watched kind has been listed once. */
  get synced(): boolean {
    return this.watched.every((w) => w.absent || w.informer.latestResourceVersion() !== '');
  }

  /** Kinds not listed yet (and not known to be absent), with the last error when there was one. */
  get pendingKinds(): { kind: string; error?: string }[] {
    return this.watched
      .filter((w) => !w.absent && w.informer.latestResourceVersion() === '')
      .map((w) => ({ kind: w.spec.kind, ...(w.lastError ? { error: w.lastError } : {}) }));
  }

  /** Kinds the API server does not serve right now (their CRD is not installed). */
  get absentKinds(): string[] {
    return this.watched.filter((w) => w.absent).map((w) => w.spec.kind);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.settleWaiters.splice(0)) f();
    for (const w of this.watched) {
      clearTimeout(w.restart);
      await w.informer.stop();
    }
  }
}
