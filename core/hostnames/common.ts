import { copyOwn, type KubeObject } from '../model/objects.js';
import type { Claim, Violation } from '../model/verdict.js';
import type { FqdnTemplate } from './fqdn-template.js';
import type { AnnotationView } from './annotations.js';
import type { TargetNetFilter } from '../target-net-filter.js';

/**
 * --max-hostnames-per-object's default: far above any object written by hand or by a chart (an
 * Ingress of a few hundred hosts is already rare), far below what makes a review expensive.
 */
export const DEFAULT_MAX_HOSTNAMES_PER_OBJECT = 1000;

export interface ExtractContext {
  /**
   * --annotation-prefix: the prefix whose annotations are published (default
   * external-dns.kubernetes.io/). Names under the other known prefixes are checked, never published.
   */
  annotationPrefix?: string;
  /**
   * --max-hostnames-per-object: an object listing or yielding more names is refused with the
   * `object` rule before any other rule runs (index.ts); DEFAULT_MAX_HOSTNAMES_PER_OBJECT when unset.
   */
  maxHostnamesPerObject?: number;
  /** --ingress-class: only Ingresses of these classes; empty = all. */
  ingressClasses: readonly string[];
  /** --default-targets. */
  defaultTargets: string[];
  /**
   * Other objects an object's targets come from (an Istio Gateway's Services and Ingress, a
   * VirtualService's Gateways): the watched objects in the cluster, the objects given offline.
   */
  objects?: ObjectLookup;
  /** --namespace: where an Istio Gateway's Services are looked for ('' or undefined: all). */
  namespace?: string;
  /** --openshift-router-name: the router whose admission of a Route counts. */
  openshiftRouterName?: string;
  /** --gloo-namespace: the namespaces whose Gloo Proxies are read (DEFAULT_GLOO_NAMESPACES when unset). */
  glooNamespaces?: readonly string[];
  /** --service-type-filter: only Services of these types (empty: all). */
  serviceTypes?: readonly string[];
  /** --publish-internal-services: a ClusterIP Service's hostname annotation takes its cluster IP. */
  publishInternalServices?: boolean;
  /** --publish-host-ip: a headless Service's names take its Pods' status.hostIP. */
  publishHostIp?: boolean;
  /** --always-publish-not-ready-addresses: a headless Service's not-ready endpoints count too. */
  alwaysPublishNotReadyAddresses?: boolean;
  /** --expose-internal-ipv6: nodes' InternalIP IPv6 addresses join their ExternalIPs. */
  exposeInternalIpv6?: boolean;
  /** --exclude-unschedulable (default true when unset): unschedulable Nodes give no NodePort target. */
  excludeUnschedulable?: boolean;
  /** SRV is a managed record type: NodePort Services get their SRV records (external-dns). */
  nodePortSrv?: boolean;
  /** --gateway-name, --gateway-namespace, --gateway-label-filter: the Gateways routes may use. */
  gatewayFilter?: { name?: string; namespace?: string; labels?: string };
  /** A Namespace's labels (a listener's allowedRoutes namespace selector), when known. */
  namespaceLabels?: (namespace: string) => Record<string, string> | undefined;
  /**
   * --gateway-listener-sets: routes attached to a ListenerSet are published through it. Without it
   * their names are still checked (an external-dns with the flag publishes them), never published.
   */
  gatewayListenerSets?: boolean;
  /** Finds a Gateway by namespace and name (route targets). */
  gateway?: (namespace: string, name: string) => KubeObject | undefined;
  /**
   * HTTPRoutes read from the cluster by the reconciler: follow only the parents in status.parents
   * that accepted the route, as external-dns does. Off for the webhook and `validate`, which see a
   * route before any Gateway controller has written its status, and so follow spec.parentRefs.
   */
  acceptedRoutesOnly?: boolean;
  /** --target-net-filter / --exclude-target-net: targets outside are dropped (core/target-net-filter.ts). */
  targetNetFilter?: TargetNetFilter;
  /** --min-ttl in seconds: the TTL of a record whose object sets none (external-dns WithMinTTL). */
  defaultTtl?: number;
  /** --fqdn-template, parsed (name-options.ts applies it to every kind that takes it). */
  fqdnTemplate?: FqdnTemplate;
  /**
   * A Gateway route's names from --fqdn-template (name-options.ts): read as the route's defined
   * hosts in place of spec.hostnames, for every route kind — TCPRoute and UDPRoute have no
   * spec.hostnames, yet external-dns's hosts() adds the template's names to theirs too.
   */
  routeTemplateHosts?: readonly string[];
  /** --combine-fqdn-annotation: the template's names in addition to the object's own. */
  combineFqdnAnnotation?: boolean;
  /** --ignore-hostname-annotation. */
  ignoreHostnameAnnotation?: boolean;
  /** --ignore-ingress-tls-spec: an Ingress's spec.tls[].hosts yield no name. */
  ignoreIngressTlsSpec?: boolean;
  /** --ignore-ingress-rules-spec: an Ingress's spec.rules[].host yield no name. */
  ignoreIngressRulesSpec?: boolean;
  /**
   * --resolve-service-load-balancer-hostname: set. Only the reconciler resolves (resolveHostname);
   * the webhook and the offline commands check the same names with the hostname as target.
   */
  resolveLoadBalancerHostname?: boolean;
  /**
   * The addresses a LoadBalancer Service's status hostname resolved to in this sync (reconciler
   * only); undefined for a name that did not resolve, which then gives no target (external-dns
   * logs it and skips that target).
   */
  resolveHostname?: (hostname: string) => string[] | undefined;
}

/** Objects by API group, kind, namespace and name. */
export interface ObjectLookup {
  get(group: string, kind: string, namespace: string, name: string): KubeObject | undefined;
  /** Every object of a kind, in one namespace or all. */
  list(group: string, kind: string, namespace?: string): readonly KubeObject[];
}

/** An ObjectLookup over a set of objects (the manifests of `validate -f`, a watch's cache). */
export class ObjectSet implements ObjectLookup {
  private readonly byKind = new Map<string, Map<string, KubeObject>>();

  constructor(objects: Iterable<KubeObject> = []) {
    for (const o of objects) this.set(o);
  }

  private static kindKey(o: KubeObject): string {
    const av = String(o.apiVersion ?? '');
    const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
    return `${group}/${String(o.kind ?? '')}`;
  }

  set(o: KubeObject): void {
    const k = ObjectSet.kindKey(o);
    let m = this.byKind.get(k);
    if (!m) this.byKind.set(k, (m = new Map()));
    m.set(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`, o);
  }

  delete(o: KubeObject): void {
    this.byKind
      .get(ObjectSet.kindKey(o))
      ?.delete(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`);
  }

  get(group: string, kind: string, namespace: string, name: string): KubeObject | undefined {
    return this.byKind.get(`${group}/${kind}`)?.get(`${namespace}/${name}`);
  }

  list(group: string, kind: string, namespace?: string): readonly KubeObject[] {
    const m = this.byKind.get(`${group}/${kind}`);
    if (!m) return [];
    const all = [...m.values()];
    return namespace ? all.filter((o) => (o.metadata?.namespace ?? 'default') === namespace) : all;
  }
}

/** `{ ...common, field }`: what every claim of a name carries (copied without the spread, see copyOwn). */
export function claimBase(
  common: Partial['common'],
  field: string,
): Omit<Claim, 'hostname' | 'targets' | 'recordType'> {
  const b = copyOwn(common) as Omit<Claim, 'hostname' | 'targets' | 'recordType'>;
  b.field = field;
  return b;
}

/** What an extractor fills in. */
export interface Partial {
  claims: Claim[];
  problems: Violation[];
  warnings: string[];
  skipped?: string;
  /** The object's annotations under the prefix this pass reads. */
  ann: AnnotationView;
  /** Fields every claim of the object carries (ttl, setIdentifier, labels). */
  common: Omit<Claim, 'hostname' | 'targets' | 'recordType' | 'field'>;
}

/**
 * A list the extractor reads (spec.rules, spec.hostnames...): its items, and an `object` problem
 * naming the field when it is there but not a list. The API server rejects such an object before
 * any webhook sees it; offline (`zoneguard validate`) this is where the user hears of it.
 */
export function listField(base: Partial, value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  base.problems.push({
    hostname: '',
    rule: 'object',
    message: `${field} must be a list, not ${describeType(value)}`,
    fix: `write ${field} as a YAML list`,
    field,
  });
  return [];
}

/** A string item or field the extractor reads: the string, or a problem naming the field. */
export function stringField(
  base: Partial,
  value: unknown,
  field: string,
  what = 'a string',
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  base.problems.push({
    hostname: '',
    rule: 'object',
    message: `${field} must be ${what}, not ${describeType(value)}`,
    fix: `write ${field} as ${what}`,
    field,
  });
  return undefined;
}

/** A mapping item the extractor reads (a rule, a tls entry): the object, or a problem naming it. */
export function objectItem(
  base: Partial,
  value: unknown,
  field: string,
): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value))
    return value as Record<string, unknown>;
  base.problems.push({
    hostname: '',
    rule: 'object',
    message: `${field} must be a mapping, not ${describeType(value)}`,
    fix: `write ${field} as a YAML mapping`,
    field,
  });
  return undefined;
}

/** How a value reads in a message: `a list`, `the number 5`, `a "text"`. */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v === 'number' ? 'the number' : typeof v === 'boolean' ? 'the boolean' : 'a'} ${JSON.stringify(v).slice(0, 40)}`;
}
