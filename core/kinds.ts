/**
 * The one table of the Kubernetes kinds zoneguard reads: which --source selects each, its API group,
 * version and resource, and what about it can change records. Extraction (core/hostnames), the
 * cluster watch (kube/watch.ts), doctor's cluster read and the --source flag all take it from here.
 */
import type { KubeObject, ObjectRef } from './model/objects.js';
import { groupOf, refOf } from './model/objects.js';

/** Which record annotations (ttl, set-identifier, provider-specific) a kind's source reads on it. */
export type RecordAnnotations = 'all' | 'ttl' | 'none';

export interface KindInfo {
  /** The --source value that selects this kind (external-dns's source name). */
  source: string;
  group: string;
  version: string;
  kind: string;
  /** The resource name in API paths. */
  plural: string;
  /**
   * The first part of external-dns's resource label ("<this>/<namespace>/<name>") on the records of
   * this kind's objects: its source's choice (source/service.go "service/…", source/crd.go "crd/…",
   * source/gateway.go "<route kind lower-case>/…"); default: the kind, lower-case.
   */
  resourceKind?: string;
  /** Resource label prefixes zoneguard wrote before, still read as this kind's (never written). */
  legacyResourceKinds?: readonly string[];
  /** Whether status carries targets (Service, Ingress, Gateway); status-only changes of others are ignored. */
  statusMatters: boolean;
  /**
   * Read only to give other kinds their targets (Gateways for routes): watched in every namespace
   * and without --label-filter, as external-dns's gateway sources do, and never checked itself.
   */
  helper?: boolean;
  /**
   * Served at several versions across the CRD bundles users run (TLSRoute v1alpha2 and v1, HTTPRoute
   * v1beta1 and v1): the admission rule (deploy/) matches every version, the webhook reads any.
   */
  anyVersion?: boolean;
  /**
   * Read only for the targets of the Services of its source (Nodes, Pods, EndpointSlices): never
   * checked nor admitted (no webhook rule; `helper` is set too), listed in --namespace (Nodes
   * everywhere) without --label-filter, kept reduced to the fields targets are made of, and its
   * changes are read at the next sync rather than starting one (external-dns's service source
   * reacts to EndpointSlices only with --listen-endpoint-events, to Nodes and Pods never).
   */
  targetsOnly?: boolean;
  /**
   * Read only when --service-type-filter is empty or lists one of these types (external-dns's
   * service source starts its Node informer for NodePort, its Pod and EndpointSlice informers for
   * NodePort and ClusterIP).
   */
  forServiceTypes?: readonly string[];
  /** Cluster-scoped (Namespace, ZonePolicy): listed and watched without a namespace. */
  clusterScoped?: boolean;
  /**
   * Other sources this kind is read for, to give their objects targets (Istio Gateways find their
   * ingress Service by selector): listed in --namespace without --label-filter when only those
   * sources select it, and checked only when its own source is selected.
   */
  helperFor?: readonly string[];
  /**
   * Read only with a flag: Traefik's traefik.containo.us group (--traefik-enable-legacy), as in
   * external-dns; traefik.io unless --traefik-disable-new.
   */
  traefik?: 'legacy' | 'new';
  /**
   * The record annotations (ttl, set-identifier, provider-specific) its external-dns source reads on
   * the object (default all): F5's sources read the ttl only (source/f5_*.go pass no
   * provider-specific properties nor set identifier; f5_transportserver_test.go "does not support
   * provider-specific annotations"); gloo-proxy none of the Proxy's own (a virtual host takes them
   * from its VirtualServices). Those not read neither change a record nor deny one.
   */
  recordAnnotations?: RecordAnnotations;
  /**
   * Its external-dns source does not skip objects whose controller annotation names another
   * controller (source/ambassador_host.go, source/crd.go filter by annotation and label only):
   * zoneguard reads them.
   */
  noControllerCheck?: boolean;
  /**
   * Sources this kind is read for in every namespace, whatever --namespace says (an Ambassador
   * Host's Service is fetched by namespace and name, source/ambassador_host.go); only the objects in
   * --namespace are checked themselves.
   */
  everyNamespaceFor?: readonly string[];
  /**
   * Read and checked in every namespace whatever --namespace says, its source choosing its own
   * (gloo-proxy: source/gloo_proxy.go lists Proxies cluster-wide and keeps those in --gloo-namespace).
   */
  ignoresNamespace?: boolean;
}

/** Skipper RouteGroups' API group, and external-dns's default --skipper-routegroup-groupversion. */
export const ROUTEGROUP_GROUP = 'zalando.org';
export const SKIPPER_ROUTEGROUP_DEFAULT = 'zalando.org/v1';

/** Istio's sources: their Gateways take targets from Services (spec.selector) or an Ingress. */
const ISTIO = ['istio-gateway', 'istio-virtualservice'];
/** Sources whose targets come from Services and Ingresses: Istio's, and Gloo's Proxies (their Service, their Gateways' Ingress). */
const SERVICE_READERS = [...ISTIO, 'gloo-proxy'];

export const KINDS: readonly KindInfo[] = [
  {
    source: 'service',
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    resourceKind: 'service',
    statusMatters: true,
    helperFor: [...SERVICE_READERS, 'ambassador-host'],
    // gloo_proxy.go's Service informer is cluster-wide too (NewGlooSource)
    everyNamespaceFor: ['ambassador-host', 'gloo-proxy'],
  },
  // read for Services' targets only (docs/sources/service.md "NodePort", "ClusterIP (headless)";
  // source/service.go NewServiceSource): nodes' addresses, Pods and their EndpointSlices
  {
    source: 'service',
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    statusMatters: true,
    helper: true,
    targetsOnly: true,
    clusterScoped: true,
    forServiceTypes: ['NodePort'],
  },
  {
    source: 'service',
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    statusMatters: true,
    helper: true,
    targetsOnly: true,
    forServiceTypes: ['NodePort', 'ClusterIP'],
  },
  {
    source: 'service',
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    statusMatters: false,
    helper: true,
    targetsOnly: true,
    forServiceTypes: ['NodePort', 'ClusterIP'],
  },
  {
    source: 'ingress',
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    resourceKind: 'ingress',
    statusMatters: true,
    helperFor: SERVICE_READERS,
    // gloo_proxy.go's Ingress informer (a Gloo Gateway's ingress annotation) is cluster-wide
    everyNamespaceFor: ['gloo-proxy'],
  },
  {
    source: 'crd',
    group: 'externaldns.k8s.io',
    version: 'v1alpha1',
    kind: 'DNSEndpoint',
    plural: 'dnsendpoints',
    resourceKind: 'crd',
    // zoneguard before v0.22 compatibility labelled DNSEndpoint records "dnsendpoint/<ns>/<name>"
    legacyResourceKinds: ['dnsendpoint'],
    statusMatters: false,
    // source/crd.go lists DNSEndpoints by namespace, labels and annotation filter only: one marked for
    // another controller is still published, so it is still read
    noControllerCheck: true,
  },
  {
    source: 'gateway-httproute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'HTTPRoute',
    plural: 'httproutes',
    resourceKind: 'httproute',
    statusMatters: false,
    anyVersion: true,
  },
  // Gateway API route kinds at the versions external-dns v0.22 reads (source/gateway_*route.go:
  // GRPCRoute and TLSRoute v1, TCPRoute and UDPRoute v1alpha2; docs/sources/gateway-api.md)
  {
    source: 'gateway-grpcroute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'GRPCRoute',
    plural: 'grpcroutes',
    statusMatters: false,
    anyVersion: true,
  },
  {
    source: 'gateway-tlsroute',
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'TLSRoute',
    plural: 'tlsroutes',
    statusMatters: false,
    anyVersion: true,
  },
  {
    source: 'gateway-tcproute',
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    kind: 'TCPRoute',
    plural: 'tcproutes',
    statusMatters: false,
    anyVersion: true,
  },
  {
    source: 'gateway-udproute',
    group: 'gateway.networking.k8s.io',
    version: 'v1alpha2',
    kind: 'UDPRoute',
    plural: 'udproutes',
    statusMatters: false,
    anyVersion: true,
  },
  {
    source: 'gateway-httproute',
    // Gateways give every route kind its targets
    helperFor: ['gateway-grpcroute', 'gateway-tlsroute', 'gateway-tcproute', 'gateway-udproute'],
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'Gateway',
    plural: 'gateways',
    resourceKind: 'gateway',
    statusMatters: true,
    helper: true,
  },
  {
    source: 'gateway-httproute',
    // a route attached to a ListenerSet takes its listeners and its parent Gateway's addresses
    // (docs/sources/gateway-api.md, Gateway API v1.5; a cluster without the CRD reads it as empty)
    helperFor: ['gateway-grpcroute', 'gateway-tlsroute', 'gateway-tcproute', 'gateway-udproute'],
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    kind: 'ListenerSet',
    plural: 'listenersets',
    statusMatters: true,
    helper: true,
  },
  // external-dns docs/sources/istio.md; source/istio_gateway.go, istio_virtualservice.go
  {
    source: 'istio-gateway',
    group: 'networking.istio.io',
    version: 'v1',
    kind: 'Gateway',
    plural: 'gateways',
    statusMatters: false,
    helperFor: ['istio-virtualservice'],
  },
  {
    source: 'istio-virtualservice',
    group: 'networking.istio.io',
    version: 'v1',
    kind: 'VirtualService',
    plural: 'virtualservices',
    statusMatters: false,
  },
  // docs/sources/contour.md; source/contour_httpproxy.go
  {
    source: 'contour-httpproxy',
    group: 'projectcontour.io',
    version: 'v1',
    kind: 'HTTPProxy',
    plural: 'httpproxies',
    // as external-dns writes it, capitalised (source/contour_httpproxy.go)
    resourceKind: 'HTTPProxy',
    statusMatters: true,
  },
  // docs/sources/traefik-proxy.md; source/traefik_proxy.go: both API groups, three kinds each
  ...(['traefik.io', 'traefik.containo.us'] as const).flatMap((group) =>
    (
      [
        ['IngressRoute', 'ingressroutes'],
        ['IngressRouteTCP', 'ingressroutetcps'],
        ['IngressRouteUDP', 'ingressrouteudps'],
      ] as const
    ).map(([kind, plural]): KindInfo => ({
      source: 'traefik-proxy',
      group,
      version: 'v1alpha1',
      kind,
      plural,
      statusMatters: false,
      traefik: group === 'traefik.io' ? 'new' : 'legacy',
    })),
  ),
  // docs/sources/openshift.md; source/openshift_route.go
  {
    source: 'openshift-route',
    group: 'route.openshift.io',
    version: 'v1',
    kind: 'Route',
    plural: 'routes',
    statusMatters: true,
  },
  // docs/sources/kong.md; source/kong_tcpingress.go (configuration.konghq.com/v1beta1 only)
  {
    source: 'kong-tcpingress',
    group: 'configuration.konghq.com',
    version: 'v1beta1',
    kind: 'TCPIngress',
    plural: 'tcpingresses',
    // as external-dns writes it (source/kong_tcpingress.go)
    resourceKind: 'tcpingress',
    statusMatters: true,
  },
  // docs/sources/f5-virtualserver.md, f5-transportserver.md; source/f5_virtualserver.go,
  // f5_transportserver.go: resource label "f5-virtualserver/<ns>/<name>" (…_test.go rows), status
  // carries status.vsAddress (a target, and without it external-dns skips the object)
  {
    source: 'f5-virtualserver',
    group: 'cis.f5.com',
    version: 'v1',
    kind: 'VirtualServer',
    plural: 'virtualservers',
    resourceKind: 'f5-virtualserver',
    statusMatters: true,
    recordAnnotations: 'ttl',
  },
  {
    source: 'f5-transportserver',
    group: 'cis.f5.com',
    version: 'v1',
    kind: 'TransportServer',
    plural: 'transportservers',
    resourceKind: 'f5-transportserver',
    statusMatters: true,
    recordAnnotations: 'ttl',
  },
  // docs/sources/gloo-proxy.md; source/gloo_proxy.go: Proxies in --gloo-namespace; targets from
  // gateway.solo.io Gateways' ingress annotation or the Proxy's Service; record annotations from
  // gateway.solo.io VirtualServices. external-dns attaches no resource label to these records
  // (gloo_proxy_test.go expects empty Labels); zoneguard labels them "proxy/<ns>/<name>", the
  // label external-dns's source computes, so that its ownership records name their object.
  {
    source: 'gloo-proxy',
    group: 'gloo.solo.io',
    version: 'v1',
    kind: 'Proxy',
    plural: 'proxies',
    resourceKind: 'proxy',
    statusMatters: false,
    recordAnnotations: 'none',
    ignoresNamespace: true,
  },
  {
    source: 'gloo-proxy',
    group: 'gateway.solo.io',
    version: 'v1',
    kind: 'VirtualService',
    plural: 'virtualservices',
    statusMatters: false,
    helper: true,
  },
  {
    source: 'gloo-proxy',
    group: 'gateway.solo.io',
    version: 'v1',
    kind: 'Gateway',
    plural: 'gateways',
    statusMatters: false,
    helper: true,
  },
  // source/skipper_routegroup.go: zalando.org/v1 unless --skipper-routegroup-groupversion names another
  // version (the watch lists that one; the admission rule matches every version)
  {
    source: 'skipper-routegroup',
    group: ROUTEGROUP_GROUP,
    version: 'v1',
    kind: 'RouteGroup',
    plural: 'routegroups',
    resourceKind: 'routegroup',
    statusMatters: true,
    anyVersion: true,
  },
  // docs/sources/ambassador.md; source/ambassador_host.go: getambassador.io/v3alpha1 only (v0.22 dropped
  // v2), resource label "host/<ns>/<name>"; targets from a Service (read for it, every namespace)
  {
    source: 'ambassador-host',
    group: 'getambassador.io',
    version: 'v3alpha1',
    kind: 'Host',
    plural: 'hosts',
    resourceKind: 'host',
    statusMatters: false,
    noControllerCheck: true,
  },
];

/**
 * Kinds read as policy, never checked themselves nor selected by --source: Namespaces (their labels
 * select ZonePolicies) and ZonePolicies. The webhook and the reconciler watch them whenever they
 * talk to a cluster (source "zone-policy" of the watch layer).
 */
export const POLICY_KINDS: readonly KindInfo[] = [
  {
    source: 'zone-policy',
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    statusMatters: false,
    helper: true,
    clusterScoped: true,
  },
  {
    source: 'zone-policy',
    group: 'zoneguard.io',
    version: 'v1alpha1',
    kind: 'ZonePolicy',
    plural: 'zonepolicies',
    statusMatters: false,
    helper: true,
    clusterScoped: true,
  },
];

/** Every --source value zoneguard reads, in table order. */
export const SOURCES: readonly string[] = [...new Set(KINDS.map((k) => k.source))];

export function apiVersionOf(k: KindInfo): string {
  return k.group ? `${k.group}/${k.version}` : k.version;
}

/** The list/watch path of a kind, in one namespace or all. */
export function apiPath(k: KindInfo, namespace?: string): string {
  const base = k.group ? `/apis/${k.group}/${k.version}` : `/api/${k.version}`;
  return namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${k.plural}`
    : `${base}/${k.plural}`;
}

/** The table row of an object's kind (by API group and kind, any version), or undefined. */
export function kindOf(obj: KubeObject): KindInfo | undefined {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  // groupOf(apiVersion) === k.group, compared in place: this runs for every object of every review
  const slash = apiVersion.indexOf('/');
  for (const k of KINDS) {
    if (k.kind !== kind) continue;
    if (slash < 0 ? k.group === '' : k.group.length === slash && apiVersion.startsWith(k.group)) return k;
  }
  return undefined;
}

/** Whether a kind is read for these --source values: its own, or one it gives targets to. */
export function selectedBy(k: KindInfo, sources: readonly string[]): boolean {
  return sources.includes(k.source) || (k.helperFor ?? []).some((s) => sources.includes(s));
}

/** The kinds a set of --source values selects (helpers included). */
export function kindsFor(sources: readonly string[]): KindInfo[] {
  return KINDS.filter((k) => selectedBy(k, sources));
}

/**
 * external-dns's resource label of an object: "<resource kind>/<namespace>/<name>", e.g.
 * "ingress/default/app", "crd/dns/records" for a DNSEndpoint (source/crd.go).
 */
export function resourceLabel(obj: KubeObject | ObjectRef): string {
  const ref = 'metadata' in obj || !('name' in obj) ? refOf(obj as KubeObject) : (obj as ObjectRef);
  const group = groupOf(ref.apiVersion);
  const k = KINDS.find((i) => i.kind === ref.kind && i.group === group);
  return `${k?.resourceKind ?? ref.kind.toLowerCase()}/${ref.namespace ?? ''}/${ref.name}`;
}

const LEGACY_RESOURCE_PREFIXES: readonly (readonly [string, string])[] = KINDS.flatMap((k) =>
  (k.legacyResourceKinds ?? []).map(
    (old) => [`${old}/`, `${k.resourceKind ?? k.kind.toLowerCase()}/`] as const,
  ),
);

/**
 * A resource label read from an ownership record, in the form written today: zoneguard's old
 * "dnsendpoint/<ns>/<name>" reads as "crd/<ns>/<name>", so its records stay with their object.
 */
export function canonicalResourceLabel(label: string): string {
  for (const [old, now] of LEGACY_RESOURCE_PREFIXES)
    if (label.startsWith(old)) return now + label.slice(old.length);
  return label;
}

/** The route kinds of Gateway API zoneguard reads. */
export const ROUTE_KIND_NAMES: readonly string[] = [
  'HTTPRoute',
  'GRPCRoute',
  'TLSRoute',
  'TCPRoute',
  'UDPRoute',
];
