/**
 * The cluster's claims for the duplicate rule: the reconciler's Kubernetes source (informers, list +
 * watch, restarts with backoff) of the kinds selected by --source keeps a core ClaimIndex current,
 * so a review is checked against every other object that already claims its hostnames without
 * calling the API server. Gateways are watched too when HTTPRoutes are: they give routes their
 * targets (and so their record types).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { ClaimIndex } from '../core/claim-index.js';
import { ObjectSet, type ExtractContext } from '../core/hostnames/common.js';
import { claimsOf } from '../core/evaluate.js';
import { ROUTE_KIND_NAMES, SOURCES } from '../core/kinds.js';
import type { Logger } from '../core/log.js';
import { isRecord, refOf, type KubeObject } from '../core/model/objects.js';
import { SERVICE_NAME_LABEL } from '../core/hostnames/service-targets.js';
import {
  extractContextFrom,
  objectFilterFrom,
  type ObjectFilter,
  type PolicySettings,
} from '../core/setup.js';
import { KubernetesSource, type KindSpec, type ObjectEvent } from '../kube/watch.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface ClusterClaimsSettings extends PolicySettings {
  readonly labelFilter: string;
  readonly namespace: string;
  readonly source: string[];
}

export interface ClusterClaimsOptions {
  kubeConfig: KubeConfig;
  cfg: ClusterClaimsSettings;
  logger: Logger;
  restartBaseDelayMs?: number;
  restartMaxDelayMs?: number;
}

/**
 * The Services whose targets a Node, Pod or EndpointSlice gives (core/hostnames/service-targets.ts):
 * a Node, every NodePort and headless Service (endpoints-type NodeExternalIP reads nodes too); a Pod,
 * the headless and externalTrafficPolicy Local NodePort Services of its namespace; an EndpointSlice,
 * the Service it names.
 */
function servicesTargetedBy(obj: KubeObject, related: ObjectSet): KubeObject[] {
  const ns = obj.kind === 'Node' ? undefined : (obj.metadata?.namespace ?? 'default');
  const sliceOf = obj.kind === 'EndpointSlice' ? obj.metadata?.labels?.[SERVICE_NAME_LABEL] : undefined;
  return related.list('', 'Service', ns).filter((svc) => {
    const spec = isRecord(svc.spec) ? svc.spec : {};
    const headless = spec.clusterIP === 'None';
    if (obj.kind === 'EndpointSlice') return svc.metadata?.name === sliceOf;
    if (obj.kind === 'Pod')
      return headless || (spec.type === 'NodePort' && spec.externalTrafficPolicy === 'Local');
    return headless || spec.type === 'NodePort';
  });
}

/** Kinds other objects take targets from (core/hostnames/istio-gateway.ts, gloo-proxy.ts). */
const RELATED = new Set([
  '/Service',
  'networking.k8s.io/Ingress',
  'networking.istio.io/Gateway',
  // a Gloo Proxy's Gateways (their ingress annotation) and VirtualServices (record annotations)
  'gateway.solo.io/Gateway',
  'gateway.solo.io/VirtualService',
]);

export class ClusterClaims {
  readonly index = new ClaimIndex();
  private readonly gateways = new Map<string, KubeObject>();
  /** Services, Ingresses and Istio Gateways: where Istio Gateways and VirtualServices take targets. */
  readonly related = new ObjectSet();
  private readonly source: KubernetesSource;
  private readonly filter: ObjectFilter;
  private readonly extractCtx: ExtractContext;
  private stopped = false;
  private syncWaiters: (() => void)[] = [];

  constructor(opts: ClusterClaimsOptions) {
    const { cfg } = opts;
    this.filter = objectFilterFrom(cfg);
    this.extractCtx = {
      ...extractContextFrom(cfg, (ns, name) => this.gateway(ns, name)),
      objects: this.related,
    };
    const sources = cfg.source;
    this.source = new KubernetesSource({
      kubeConfig: opts.kubeConfig,
      sources: sources.length ? sources : SOURCES,
      namespace: cfg.namespace || undefined,
      labelSelector: cfg.labelFilter?.trim() || undefined,
      traefik: this.filter.traefik,
      routeGroupVersion: this.filter.routeGroupVersion,
      serviceTypes: cfg.serviceTypeFilter,
      logger: opts.logger,
      restartBaseDelayMs: opts.restartBaseDelayMs,
      restartMaxDelayMs: opts.restartMaxDelayMs,
    });
    this.source.onObject((event, obj, spec) => this.changed(event, obj, spec));
  }

  /** Every watched kind has been listed once. */
  get synced(): boolean {
    return this.source.synced;
  }

  /** What the watch still waits for, as readiness reasons ("HTTPRoute not listed yet: HTTP 403"). */
  pending(): string[] {
    return this.source.pendingKinds.map((p) => `${p.kind} not listed yet${p.error ? `: ${p.error}` : ''}`);
  }

  /** Resolves once synced (or stopped). */
  whenSynced(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  gateway(namespace: string, name: string): KubeObject | undefined {
    return this.gateways.get(`${namespace}/${name}`);
  }

  private claim(obj: KubeObject): void {
    // out of scope or not read: set() keeps no claims for a skipped object
    const x = claimsOf(obj, this.extractCtx, this.filter);
    if (x) this.index.set(x);
    else this.index.remove(refOf(obj));
  }

  private changed(event: ObjectEvent, obj: KubeObject, spec: KindSpec): void {
    if (spec.targetsOnly) {
      // a Node, Pod or EndpointSlice: the targets (so the record types) of some Services change
      if (event === 'delete') this.related.delete(obj);
      else this.related.set(obj);
      for (const svc of servicesTargetedBy(obj, this.related)) this.claim(svc);
      return;
    }
    if (RELATED.has(`${spec.group}/${spec.kind}`)) {
      if (event === 'delete') this.related.delete(obj);
      else this.related.set(obj);
      // a Service's or an Ingress's addresses, an Istio Gateway's servers, decide Istio objects' targets
      // and Gloo Proxies' (their Service, Gateways' Ingress, VirtualServices); a Service's, those of the
      // Ambassador Hosts naming it
      for (const o of this.source.objects())
        if (
          o !== obj &&
          (String(o.apiVersion ?? '').startsWith('networking.istio.io/') ||
            String(o.apiVersion ?? '').startsWith('gloo.solo.io/') ||
            String(o.apiVersion ?? '').startsWith('getambassador.io/'))
        )
          this.claim(o);
    }
    if (spec.kind === 'ListenerSet' && spec.group === 'gateway.networking.k8s.io') {
      // a ListenerSet's listeners decide the names and targets of the routes attached to it
      if (event === 'delete') this.related.delete(obj);
      else this.related.set(obj);
    }
    if (
      (spec.kind === 'Gateway' || spec.kind === 'ListenerSet') &&
      spec.group === 'gateway.networking.k8s.io'
    ) {
      const key = `${obj.metadata?.namespace ?? 'default'}/${obj.metadata?.name ?? ''}`;
      if (spec.kind === 'Gateway') {
        if (event === 'delete') this.gateways.delete(key);
        else this.gateways.set(key, obj);
      }
      // a Gateway's addresses decide its routes' record types: re-read the routes
      for (const route of this.source.objects())
        if (ROUTE_KIND_NAMES.includes(String(route.kind))) this.claim(route);
      return;
    }
    if (event === 'delete') this.index.remove(refOf(obj));
    else this.claim(obj);
  }

  /** Lists and watches until stopped; resolves once every kind has been listed. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.source.start();
    for (const f of this.syncWaiters.splice(0)) f();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const f of this.syncWaiters.splice(0)) f();
    await this.source.stop();
  }
}
