/**
 * Gateway API routes → claims, as external-dns's gateway-* sources read them (source/gateway.go,
 * gateway_{http,grpc,tls,tcp,udp}route.go; docs/sources/gateway-api.md, docs/annotations):
 * - names: spec.hostnames (HTTPRoute, GRPCRoute, TLSRoute; TCPRoute and UDPRoute have none) and
 *   the hostname annotation; a route without spec.hostnames takes each listener's hostname; the
 *   gateway-hostname-source annotation keeps only one side (`annotation-only`,
 *   `defined-hosts-only`; another value warns and reads both);
 * - each name is intersected with the hostnames of the listeners the route attaches to: the
 *   parentRef's sectionName and port, a protocol the route kind takes (HTTP/HTTPS for HTTP and
 *   gRPC routes, TLS for TLSRoute, TCP or TLS for TCPRoute, UDP for UDPRoute), the listener's
 *   allowedRoutes (namespaces Same/All/Selector, kinds);
 * - targets: the parent Gateway's target annotation, else its status.addresses[].value;
 * - a parentRef to a ListenerSet (Gateway API v1.5) takes that ListenerSet's listeners on its
 *   parent Gateway's addresses (its own target annotation first; the Gateway's allowedListeners
 *   decides whether it attaches); those names are published with --gateway-listener-sets and
 *   checked (never published) without it, since an external-dns with the flag publishes them;
 * - --gateway-name, --gateway-namespace and --gateway-label-filter keep only those Gateways; a
 *   Gateway whose controller annotation is not dns-controller is not read.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { matchesSelector, parseSelector } from '../selector.js';
import { Ann, AnnotationView, CONTROLLER_VALUE, splitList } from './annotations.js';
import { claimsFor } from './targets.js';
import { listField, objectItem, stringField, type ExtractContext, type Partial } from './common.js';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';

/**
 * Per route kind (gateway_*route.go Protocol() and Hostnames()): the listener protocols it attaches
 * to (gwProtocolMatches: HTTPS counts as HTTP, a TCP route also takes a TLS listener), and whether
 * spec.hostnames exists.
 */
export const ROUTE_KINDS: Readonly<Record<string, { protocols: readonly string[]; specHostnames: boolean }>> =
  {
    HTTPRoute: { protocols: ['HTTP', 'HTTPS'], specHostnames: true },
    GRPCRoute: { protocols: ['HTTP', 'HTTPS'], specHostnames: true },
    TLSRoute: { protocols: ['TLS'], specHostnames: true },
    TCPRoute: { protocols: ['TCP', 'TLS'], specHostnames: false },
    UDPRoute: { protocols: ['UDP'], specHostnames: false },
  };

/** --gateway-name, --gateway-namespace, --gateway-label-filter (external-dns: all Gateways when empty). */
export interface GatewayFilter {
  name?: string;
  namespace?: string;
  labels?: string;
}

/**
 * Gateway API hostname intersection (gateway.go gwMatchingHost): undefined when the two do not
 * match. An IP address or a name that is not RFC 1123 never matches; "" (a listener without
 * hostname, a route without spec.hostnames) takes the other side; otherwise equal names, or the
 * more specific of a wildcard and a name (or wildcard) under it.
 */
export function matchingHost(a: string, b: string): string | undefined {
  a = a.toLowerCase();
  b = b.toLowerCase();
  if (!usableHost(a) || !usableHost(b)) return undefined;
  if (a === '') return b;
  if (b === '' || a === b) return a;
  if (b.length < a.length || (a.length === b.length && b.startsWith('*.'))) [a, b] = [b, a];
  if (a.startsWith('*.') && b.endsWith(a.slice(1))) return b;
  return undefined;
}

/** external-dns's gwHost: "" is fine; an IP address or a name that is not RFC 1123 is not. */
function usableHost(h: string): boolean {
  if (h === '') return true;
  if (/^[0-9.]+$/.test(h) || h.includes(':')) return false;
  const name = h.startsWith('*.') ? h.slice(2) : h;
  return (
    name.length > 0 &&
    name.length <= 255 &&
    name.split('.').every((l) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(l))
  );
}

interface RouteHost {
  /** '' stands for "the listener's hostname" (a route without spec.hostnames). */
  host: string;
  field: string;
}

export function extractRoute(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const kind = String(obj.kind);
  const rk = ROUTE_KINDS[kind];
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const ns = obj.metadata?.namespace ?? 'default';

  // the route's names (external-dns's hosts())
  const specHosts: RouteHost[] = [];
  if (ctx.routeTemplateHosts)
    for (const h of ctx.routeTemplateHosts)
      specHosts.push({ host: h.toLowerCase().replace(/\.$/, ''), field: '--fqdn-template' });
  else if (rk.specHostnames)
    listField(base, spec.hostnames, 'spec.hostnames').forEach((h, i) => {
      const s = stringField(base, h, `spec.hostnames[${i}]`);
      if (s)
        specHosts.push({ host: s.trim().toLowerCase().replace(/\.$/, ''), field: `spec.hostnames[${i}]` });
    });
  const annHosts: RouteHost[] = splitList(base.ann.get(Ann.hostname)).map((h) => ({
    host: h.toLowerCase().replace(/\.$/, ''),
    field: base.ann.field(Ann.hostname),
  }));
  const source = base.ann.get(Ann.gatewayHostnameSource);
  let routeHosts: RouteHost[];
  const mode = source?.toLowerCase();
  if (mode === 'annotation-only') routeHosts = annHosts;
  else if (mode === 'defined-hosts-only') routeHosts = specHosts;
  else {
    if (source !== undefined)
      base.warnings.push(
        `${base.ann.key(Ann.gatewayHostnameSource)} is "${source}", not annotation-only or defined-hosts-only: read as unset (spec hostnames and the hostname annotation), as external-dns does`,
      );
    routeHosts = [...specHosts];
    if (specHosts.length === 0) routeHosts.push({ host: '', field: 'listener hostname' });
    routeHosts.push(...annHosts);
  }
  const named = routeHosts.filter((r) => r.host !== '');

  let parents = listField(base, spec.parentRefs, 'spec.parentRefs').filter(
    (p, i) => objectItem(base, p, `spec.parentRefs[${i}]`) !== undefined,
  ) as Record<string, unknown>[];
  if (ctx.acceptedRoutesOnly) {
    // the parents in status.parents that accepted the route and are among spec.parentRefs
    // (gateway.go resolve(): gwRouteHasParentRef, gwRouteIsAccepted)
    const status = isRecord(obj.status) ? obj.status : {};
    const declared = parents;
    parents = asArray(status.parents)
      .filter(isRecord)
      .filter((p) =>
        asArray(p.conditions).some((c) => isRecord(c) && c.type === 'Accepted' && c.status === 'True'),
      )
      .map((p) => p.parentRef)
      .filter(isRecord)
      .filter((r) => declared.some((d) => sameParent(d, r, ns)));
    if (parents.length === 0) {
      if (named.length)
        base.warnings.push(
          `${named.map((r) => r.host).join(', ')}: no Gateway has accepted this ${kind} (status.parents); nothing is published until one does`,
        );
      return;
    }
  }
  // --gateway-name / --gateway-namespace read off the reference (a ListenerSet's: off its parent
  // Gateway); --gateway-label-filter needs the Gateway
  const gf = ctx.gatewayFilter;
  const resolved = parents.map((p) => parentOf(p, ns, ctx)).filter((r): r is ParentRef => r !== undefined);
  const inFilter = resolved.filter((r) => {
    if (gf?.name && r.gwName !== gf.name) return false;
    if (gf?.namespace && r.gwNs !== gf.namespace) return false;
    return true;
  });
  if (resolved.length > 0 && inFilter.length === 0) {
    base.skipped = `no parent Gateway is ${[gf?.namespace && `in --gateway-namespace "${gf.namespace}"`, gf?.name && `named --gateway-name "${gf.name}"`].filter(Boolean).join(' and ')}`;
    return;
  }
  const labelReqs = gf?.labels?.trim() ? parseSelector(gf.labels) : [];

  const found = new Map<string, { field: string; targets: Set<string>; checkOnly?: string }>();
  let gatewaysSeen = 0;
  let filteredByLabel = 0;
  /** Parents whose Gateway exists but has no listener this route can attach to. */
  const unattached: string[] = [];
  for (const r of inFilter) {
    const gw = ctx.gateway?.(r.gwNs, r.gwName);
    if (!gw) continue;
    const gwAnn = AnnotationView.of(gw, base.ann.prefix);
    const controller = gwAnn.get(Ann.controller);
    if (controller !== undefined && controller !== CONTROLLER_VALUE) continue;
    if (labelReqs.length && !matchesSelector(labelReqs, gw.metadata?.labels)) {
      filteredByLabel++;
      continue;
    }
    const gwSpec = isRecord(gw.spec) ? gw.spec : {};
    const gwStatus = isRecord(gw.status) ? gw.status : {};
    let targets: string[] = [];
    let declared: Record<string, unknown>[];
    /** The namespace the listeners' allowedRoutes "Same" means. */
    let ownerNs = r.gwNs;
    let what = `Gateway ${r.gwNs}/${r.gwName}`;
    let checkOnly: string | undefined;
    if (r.listenerSet) {
      // a ListenerSet's listeners, on its parent Gateway's addresses (gateway.go newListenerSetObject)
      const ls = r.listenerSet;
      what = `ListenerSet ${r.lsNs}/${asString(ls.metadata?.name)}`;
      ownerNs = r.lsNs;
      const why = listenerSetDetached(gw, ls, r.lsNs, ctx);
      if (why) {
        if (named.length) unattached.push(`${what} (${why})`);
        continue;
      }
      declared = asArray(isRecord(ls.spec) ? ls.spec.listeners : undefined).filter(isRecord);
      targets = splitList(AnnotationView.of(ls, base.ann.prefix).get(Ann.target));
      if (!ctx.gatewayListenerSets) checkOnly = '--gateway-listener-sets';
    } else declared = asArray(gwSpec.listeners).filter(isRecord);
    if (!targets.length) targets = splitList(gwAnn.get(Ann.target));
    if (!targets.length)
      targets = asArray(gwStatus.addresses)
        .filter(isRecord)
        .map((a) => asString(a.value))
        .filter((v): v is string => !!v);
    const section = asString(r.ref.sectionName);
    const port = typeof r.ref.port === 'number' ? r.ref.port : undefined;
    const listeners = declared.filter(
      (l) =>
        (!section || l.name === section) &&
        (port === undefined || l.port === port) &&
        (l.protocol === undefined || rk.protocols.includes(String(l.protocol))) &&
        routeAllowed(l, ownerNs, ns, kind, ctx) &&
        (!r.listenerSet || !ctx.acceptedRoutesOnly || listenerAccepted(r.listenerSet, l)),
    );
    if (declared.length > 0 && listeners.length === 0) {
      unattached.push(
        `${what}${section ? ` section ${section}` : ''}${port !== undefined ? ` port ${port}` : ''}`,
      );
      continue;
    }
    gatewaysSeen++;
    // a Gateway whose listeners are not written yet (offline sketch): every name passes
    const listenerHosts = listeners.length
      ? listeners.map((l) => asString(l.hostname)?.toLowerCase() ?? '')
      : [''];
    for (const lh of listenerHosts) {
      for (const rh of routeHosts) {
        if (lh === '' && rh.host === '') continue;
        const m = matchingHost(lh, rh.host);
        if (m === undefined) continue;
        let e = found.get(m);
        if (!e) {
          e = { field: rh.host === '' ? `${what} listener hostname` : rh.field, targets: new Set<string>() };
          if (checkOnly) e.checkOnly = checkOnly;
          found.set(m, e);
        } else if (!checkOnly) delete e.checkOnly;
        targets.forEach((t) => e.targets.add(t));
      }
    }
  }
  const checkOnlyHosts = [...found].filter(([, e]) => e.checkOnly).map(([h]) => h);
  if (checkOnlyHosts.length)
    base.warnings.push(
      `${checkOnlyHosts.join(', ')}: through a ListenerSet parent; checked as an external-dns with --gateway-listener-sets would publish it, published by zoneguard only with --gateway-listener-sets`,
    );

  if (gatewaysSeen === 0) {
    if (filteredByLabel > 0 && filteredByLabel === inFilter.length) {
      base.skipped = `no parent Gateway matches --gateway-label-filter "${gf?.labels}"`;
      return;
    }
    // The parent Gateway is unknown here (offline, or not created yet): the names are still
    // checked, without targets.
    const hosts = named.map((r) => r.host).join(', ');
    if (unattached.length > 0 && named.length > 0)
      base.warnings.push(
        `${hosts}: no listener of ${unattached.join(', ')} takes this ${kind} (protocol ${rk.protocols.join('/')}, section, port, allowedRoutes); nothing is published for it`,
      );
    else if (inFilter.length > 0 && named.length > 0)
      base.warnings.push(
        `${hosts}: parent Gateway not found; targets come from its status.addresses once it exists`,
      );
    else if (resolved.length === 0 && parents.some(isListenerSetRef) && named.length > 0)
      base.warnings.push(
        `${hosts}: parent ListenerSet not found; targets come from its Gateway once it exists`,
      );
    else if (parents.length === 0 && named.length > 0)
      base.warnings.push(
        `${hosts}: ${kind} has no Gateway in spec.parentRefs; nothing is published until it is attached to one`,
      );
    for (const rh of named)
      if (!found.has(rh.host)) found.set(rh.host, { field: rh.field, targets: new Set() });
  }
  for (const [host, e] of found) {
    const claims = claimsFor(host, [...e.targets].sort(), { ...base.common, field: e.field });
    if (e.checkOnly) for (const c of claims) c.checkOnly = e.checkOnly;
    base.claims.push(...claims);
  }
}

/** A route's parentRef, resolved to the Gateway that gives it addresses (through a ListenerSet). */
interface ParentRef {
  ref: Record<string, unknown>;
  gwNs: string;
  gwName: string;
  listenerSet?: KubeObject;
  lsNs: string;
}

/**
 * A parentRef of Gateway API's group: a Gateway, or a ListenerSet (Gateway API v1.5) followed to the
 * Gateway in its spec.parentRef. A ListenerSet not known here resolves to nothing: the route's names
 * are then still checked, without targets. Other kinds of parents are not read (external-dns skips them).
 */
function parentOf(p: Record<string, unknown>, routeNs: string, ctx: ExtractContext): ParentRef | undefined {
  if ((asString(p.group) ?? GATEWAY_GROUP) !== GATEWAY_GROUP) return undefined;
  const kind = asString(p.kind) ?? 'Gateway';
  const name = asString(p.name);
  if (!name) return undefined;
  const ns = asString(p.namespace) ?? routeNs;
  if (kind === 'Gateway') return { ref: p, gwNs: ns, gwName: name, lsNs: ns };
  if (kind !== 'ListenerSet') return undefined;
  const ls = ctx.objects?.get(GATEWAY_GROUP, 'ListenerSet', ns, name);
  if (!ls) return undefined;
  const pr = isRecord(ls.spec) && isRecord(ls.spec.parentRef) ? ls.spec.parentRef : {};
  const gwName = asString(pr.name);
  if (!gwName) return undefined;
  return { ref: p, gwNs: asString(pr.namespace) ?? ns, gwName, listenerSet: ls, lsNs: ns };
}

const isListenerSetRef = (p: Record<string, unknown>) =>
  (asString(p.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP && asString(p.kind) === 'ListenerSet';

/** A ListenerSet listener's Accepted condition in status.listeners (listenerSetListenerAcceptedCondition). */
function listenerAccepted(ls: KubeObject, l: Record<string, unknown>): boolean {
  const status = isRecord(ls.status) ? ls.status : {};
  const entry = asArray(status.listeners)
    .filter(isRecord)
    .find((e) => e.name === l.name);
  return (
    entry !== undefined &&
    asArray(entry.conditions).some((c) => isRecord(c) && c.type === 'Accepted' && c.status === 'True')
  );
}

/**
 * Why a ListenerSet's listeners do not attach to its Gateway, or undefined when they do
 * (gateway.go gatewayAllowsListenerSet: spec.allowedListeners.namespaces.from None by default,
 * Same, All or Selector). Its Accepted condition is required only of objects read from the cluster
 * for publishing (acceptedRoutesOnly), as route status is: at admission it may not be set yet.
 */
function listenerSetDetached(
  gw: KubeObject,
  ls: KubeObject,
  lsNs: string,
  ctx: ExtractContext,
): string | undefined {
  const gwSpec = isRecord(gw.spec) ? gw.spec : {};
  const al = isRecord(gwSpec.allowedListeners) ? gwSpec.allowedListeners : {};
  const nss = isRecord(al.namespaces) ? al.namespaces : {};
  const from = asString(nss.from) ?? 'None';
  const gwNs = gw.metadata?.namespace ?? 'default';
  const refused = "its Gateway's spec.allowedListeners does not take ListenerSets from this namespace";
  if (from === 'Same' && gwNs !== lsNs) return refused;
  if (from === 'Selector') {
    const labels = ctx.namespaceLabels?.(lsNs);
    if (!isRecord(nss.selector)) return refused;
    if (labels !== undefined && !labelSelectorMatches(nss.selector, labels)) return refused;
  } else if (from !== 'All' && from !== 'Same') return refused;
  if (ctx.acceptedRoutesOnly) {
    const status = isRecord(ls.status) ? ls.status : {};
    if (!asArray(status.conditions).some((c) => isRecord(c) && c.type === 'Accepted' && c.status === 'True'))
      return 'not Accepted (status.conditions)';
  }
  return undefined;
}

function sameParent(a: Record<string, unknown>, b: Record<string, unknown>, ns: string): boolean {
  return (
    (asString(a.group) ?? GATEWAY_GROUP) === (asString(b.group) ?? GATEWAY_GROUP) &&
    (asString(a.kind) ?? 'Gateway') === (asString(b.kind) ?? 'Gateway') &&
    asString(a.name) === asString(b.name) &&
    (asString(a.namespace) ?? ns) === (asString(b.namespace) ?? ns)
  );
}

/**
 * A listener's allowedRoutes (gateway.go routeIsAllowed): namespaces From Same (default), All, or
 * Selector (the route's Namespace labels; when the Namespace is not known here it is taken as
 * allowed, so its names are checked), and kinds.
 */
function routeAllowed(
  l: Record<string, unknown>,
  gwNs: string,
  routeNs: string,
  kind: string,
  ctx: ExtractContext,
): boolean {
  const allow = isRecord(l.allowedRoutes) ? l.allowedRoutes : undefined;
  const nss = allow && isRecord(allow.namespaces) ? allow.namespaces : undefined;
  const from = asString(nss?.from) ?? 'Same';
  if (from === 'Same' && gwNs !== routeNs) return false;
  if (from === 'Selector') {
    const labels = ctx.namespaceLabels?.(routeNs);
    if (labels !== undefined && !labelSelectorMatches(nss?.selector, labels)) return false;
  } else if (from !== 'All' && from !== 'Same') return false;
  const kinds = asArray(allow?.kinds).filter(isRecord);
  if (kinds.length === 0) return true;
  return kinds.some((k) => (asString(k.group) ?? GATEWAY_GROUP) === GATEWAY_GROUP && k.kind === kind);
}

/** A metav1.LabelSelector (matchLabels, matchExpressions) against a set of labels. */
function labelSelectorMatches(sel: unknown, labels: Record<string, string>): boolean {
  if (!isRecord(sel)) return true;
  const ml = isRecord(sel.matchLabels) ? sel.matchLabels : {};
  for (const [k, v] of Object.entries(ml)) if (labels[k] !== v) return false;
  for (const e of asArray(sel.matchExpressions).filter(isRecord)) {
    const key = String(e.key);
    const values = asArray(e.values).map(String);
    const has = Object.hasOwn(labels, key);
    switch (e.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
