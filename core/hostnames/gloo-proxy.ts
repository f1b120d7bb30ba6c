/**
 * Gloo Proxy (gloo.solo.io/v1) → claims, as external-dns's gloo-proxy source reads it
 * (docs/sources/gloo-proxy.md, source/gloo_proxy.go, tests in source/gloo_proxy_test.go):
 * - only Proxies in a --gloo-namespace namespace (default gloo-system) are read;
 * - names: every domain (trailing dot removed) of every virtual host of every listener: the
 *   listener's httpListener.virtualHosts, and the aggregateListener's virtual hosts its
 *   httpFilterChains[].virtualHostRefs name in httpResources.virtualHosts (Gloo writes those
 *   when a Gateway sets isolateVirtualHostsBySslConfig); no hostname annotation;
 * - record properties (ttl, set-identifier, provider-specific) of a virtual host: the annotations
 *   of the gateway.solo.io VirtualServices its metadata.sources (kind "*v1.VirtualService") and
 *   metadataStatic.sources (resourceKind "*v1.VirtualService") name, later ones over earlier
 *   ones; none of the Proxy's own;
 * - targets, for every name: the Proxy's target annotation; else, for each gateway.solo.io Gateway
 *   a listener's metadataStatic.sources name (resourceKind "*v1.Gateway"), the Ingress its
 *   `ingress` annotation names (`namespace/name` or `name` in the Gateway's namespace): each
 *   load-balancer IP, else hostname; else the Service named as the Proxy in its namespace, when it
 *   is a LoadBalancer: each load-balancer IP and hostname.
 *
 * Where external-dns fails the whole source (a VirtualService, Gateway, Ingress or the Proxy's
 * Service that does not exist) zoneguard says so and checks the names without targets. A bare `*`
 * domain (Gloo's default for a VirtualService without domains) is not a DNS name any zone holds:
 * it is skipped with a warning rather than denied.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { AnnotationView } from './annotations.js';
import { annotation, annotationTargets, loadBalancerTargets, pushClaims, type Name } from './crd-common.js';
import { parseNamespacedName } from './istio-gateway.js';
import { recordProperties } from './record-properties.js';

/** --gloo-namespace's default (external-dns's flag default). */
export const DEFAULT_GLOO_NAMESPACES: readonly string[] = ['gloo-system'];

const GATEWAY_GROUP = 'gateway.solo.io';

interface VirtualHost {
  vh: Record<string, unknown>;
  field: string;
}

/** The virtual hosts of a listener, httpListener's then the aggregateListener's referenced ones. */
function virtualHosts(listener: Record<string, unknown>, field: string): VirtualHost[] {
  const out: VirtualHost[] = [];
  const http = isRecord(listener.httpListener) ? listener.httpListener : {};
  asArray(http.virtualHosts).forEach((vh, i) => {
    if (isRecord(vh)) out.push({ vh, field: `${field}.httpListener.virtualHosts[${i}]` });
  });
  const agg = isRecord(listener.aggregateListener) ? listener.aggregateListener : {};
  const res = isRecord(agg.httpResources) ? agg.httpResources : {};
  const byRef = isRecord(res.virtualHosts) ? res.virtualHosts : {};
  for (const chain of asArray(agg.httpFilterChains)) {
    if (!isRecord(chain)) continue;
    for (const ref of asArray(chain.virtualHostRefs)) {
      const name = asString(ref);
      const vh = name !== undefined && Object.hasOwn(byRef, name) ? byRef[name] : undefined;
      if (isRecord(vh))
        out.push({
          vh,
          field: `${field}.aggregateListener.httpResources.virtualHosts[${JSON.stringify(name)}]`,
        });
    }
  }
  return out;
}

/** The VirtualServices a virtual host names as its sources, as namespace/name. */
function virtualServiceRefs(vh: Record<string, unknown>): { namespace: string; name: string }[] {
  const refs: { namespace: string; name: string }[] = [];
  const meta = isRecord(vh.metadata) ? vh.metadata : {};
  for (const s of asArray(meta.sources))
    if (isRecord(s) && s.kind === '*v1.VirtualService')
      refs.push({ namespace: asString(s.namespace) ?? '', name: asString(s.name) ?? '' });
  const stat = isRecord(vh.metadataStatic) ? vh.metadataStatic : {};
  for (const s of asArray(stat.sources)) {
    if (!isRecord(s) || s.resourceKind !== '*v1.VirtualService') continue;
    const r = isRecord(s.resourceRef) ? s.resourceRef : {};
    refs.push({ namespace: asString(r.namespace) ?? '', name: asString(r.name) ?? '' });
  }
  return refs;
}

/** The Proxy's targets, and why there are none. */
function proxyTargets(
  proxy: KubeObject,
  ctx: ExtractContext,
  base: Partial,
): { targets: string[]; why?: string } {
  const fromAnnotation = annotationTargets(base);
  if (fromAnnotation.length) return { targets: fromAnnotation };
  const ns = proxy.metadata?.namespace ?? 'default';
  const spec = isRecord(proxy.spec) ? proxy.spec : {};
  const targets: string[] = [];
  for (const listener of asArray(spec.listeners)) {
    if (!isRecord(listener)) continue;
    const stat = isRecord(listener.metadataStatic) ? listener.metadataStatic : {};
    for (const s of asArray(stat.sources)) {
      if (!isRecord(s) || s.resourceKind !== '*v1.Gateway') continue;
      const r = isRecord(s.resourceRef) ? s.resourceRef : {};
      const gwNs = asString(r.namespace) ?? '';
      const gwName = asString(r.name) ?? '';
      const gw = ctx.objects?.get(GATEWAY_GROUP, 'Gateway', gwNs, gwName);
      if (!gw) return { targets: [], why: `its Gloo Gateway ${gwNs}/${gwName} was not found` };
      const ing = annotation(base, 'ingress', gw);
      if (!ing.value) continue;
      const ref = parseNamespacedName(ing.value);
      if (!ref)
        return {
          targets: [],
          why: `Gloo Gateway ${gwNs}/${gwName} ${ing.field} "${ing.value}" is not namespace/name or name`,
        };
      const ingNs = ref.namespace ?? gwNs;
      const obj = ctx.objects?.get('networking.k8s.io', 'Ingress', ingNs, ref.name);
      if (!obj)
        return {
          targets: [],
          why: `Ingress ${ingNs}/${ref.name} named by Gloo Gateway ${gwNs}/${gwName} was not found`,
        };
      for (const t of loadBalancerTargets(obj.status)) targets.push(t);
    }
  }
  if (targets.length) return { targets };
  const name = proxy.metadata?.name ?? '';
  const svc = ctx.objects?.get('', 'Service', ns, name);
  if (!svc) return { targets: [], why: `its Service ${ns}/${name} was not found` };
  const svcSpec = isRecord(svc.spec) ? svc.spec : {};
  if (svcSpec.type !== 'LoadBalancer')
    return {
      targets: [],
      why: `its Service ${ns}/${name} is of type ${asString(svcSpec.type) ?? 'ClusterIP'}, not LoadBalancer`,
    };
  const lb = loadBalancerTargets(svc.status, true);
  return lb.length
    ? { targets: lb }
    : { targets: [], why: `its Service ${ns}/${name} has no load-balancer address yet` };
}

export function extractGlooProxy(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const ns = obj.metadata?.namespace ?? 'default';
  const glooNamespaces = ctx.glooNamespaces ?? DEFAULT_GLOO_NAMESPACES;
  if (!glooNamespaces.includes(ns)) {
    base.skipped = `Proxy namespace ${ns} is not a --gloo-namespace (${glooNamespaces.join(', ')}): external-dns's gloo-proxy source does not read it`;
    return;
  }
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const hosts: { names: Name[]; refs: { namespace: string; name: string }[] }[] = [];
  const wildcards: string[] = [];
  asArray(spec.listeners).forEach((listener, li) => {
    if (!isRecord(listener)) return;
    for (const { vh, field } of virtualHosts(listener, `spec.listeners[${li}]`)) {
      const names: Name[] = [];
      asArray(vh.domains).forEach((d, di) => {
        const domain = asString(d);
        if (domain === undefined) return;
        const host = domain.endsWith('.') ? domain.slice(0, -1) : domain;
        if (host.trim() === '*') wildcards.push(`${field}.domains[${di}]`);
        else if (host) names.push({ host, field: `${field}.domains[${di}]` });
      });
      if (names.length) hosts.push({ names, refs: virtualServiceRefs(vh) });
    }
  });
  if (wildcards.length)
    base.warnings.push(
      `${wildcards.join(', ')}: the domain "*" is not a DNS name; it is not checked nor published`,
    );
  if (!hosts.length) return;
  const { targets, why } = proxyTargets(obj, ctx, base);
  const all = hosts.flatMap((h) => h.names.map((n) => n.host));
  if (why) base.warnings.push(`${all.join(', ')}: nothing is published for this Proxy: ${why}`);
  for (const h of hosts) {
    // the virtual host's VirtualServices' annotations, merged in order
    const merged: Record<string, string> = {};
    const missing: string[] = [];
    for (const r of h.refs) {
      const vs = ctx.objects?.get(GATEWAY_GROUP, 'VirtualService', r.namespace, r.name);
      const a = vs?.metadata?.annotations;
      if (!vs) missing.push(`${r.namespace}/${r.name}`);
      else if (isRecord(a)) for (const [k, v] of Object.entries(a)) if (typeof v === 'string') merged[k] = v;
    }
    const view = AnnotationView.of({ metadata: { annotations: merged } }, base.ann.prefix);
    const first = base.problems.length;
    const common = recordProperties(view, base.problems);
    const by = h.refs.map((r) => `${r.namespace}/${r.name}`).join(', ');
    for (let i = first; i < base.problems.length; i++) {
      const p = base.problems[i];
      p.hostname = h.names.map((n) => n.host.toLowerCase()).join(', ');
      p.field = `VirtualService ${by} ${p.field ?? ''}`.trim();
    }
    if (missing.length)
      base.warnings.push(
        `${h.names.map((n) => n.host).join(', ')}: VirtualService ${missing.join(', ')} (a source of this virtual host) was not found; nothing is published for them`,
      );
    // a name of several virtual hosts is one record (external-dns MergeEndpoints): the first one's
    const seen = new Set(base.claims.map((c) => c.hostname));
    const names = h.names.filter((n) => !seen.has(n.host.toLowerCase()));
    const part: Partial = { ...base, common: { ...base.common, ...common } };
    pushClaims(part, names, () => (missing.length ? [] : targets));
  }
}
