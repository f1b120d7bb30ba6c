/**
 * What the CRD sources' extractors share (istio-gateway.ts, istio-virtualservice.ts,
 * contour-httpproxy.ts, traefik.ts, openshift-route.ts): reading the hostname and target
 * annotations, load-balancer status targets, and turning names and targets into claims.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { AnnotationView, splitList } from './annotations.js';
import { claimBase, type Partial } from './common.js';
import { claimsFor } from './targets.js';

export interface Name {
  host: string;
  field: string;
}

/**
 * An external-dns annotation (`hostname`, `target`, `ingress`) of the object being read, or of a
 * related one (a VirtualService's Gateway), under the prefix this reading uses, with its field.
 */
export function annotation(base: Partial, name: string, obj?: KubeObject): { value?: string; field: string } {
  const view = obj ? AnnotationView.of(obj, base.ann.prefix) : base.ann;
  return { value: view.get(name), field: view.field(name) };
}

/** The hostname annotation's names. */
export function annotationNames(base: Partial): Name[] {
  const a = annotation(base, 'hostname');
  return splitList(a.value).map((host) => ({ host, field: a.field }));
}

/** The target annotation's targets (external-dns's TargetsFromTargetAnnotation), of this object or a related one. */
export function annotationTargets(base: Partial, obj?: KubeObject): string[] {
  return splitList(annotation(base, 'target', obj).value);
}

/**
 * status.loadBalancer.ingress targets: the IP, else the hostname (`both`: each of them, as
 * external-dns's Contour source reads them).
 */
export function loadBalancerTargets(status: unknown, both = false): string[] {
  const out: string[] = [];
  const lb = isRecord(status) && isRecord(status.loadBalancer) ? status.loadBalancer : {};
  for (const ing of asArray(lb.ingress)) {
    if (!isRecord(ing)) continue;
    const ip = asString(ing.ip);
    const host = asString(ing.hostname);
    if (ip) out.push(ip);
    if (host && (both || !ip)) out.push(host);
  }
  return out;
}

/**
 * The targets of a kind whose controller writes status.loadBalancer (Contour's HTTPProxy, Kong's
 * TCPIngress): the target annotation, else each IP and hostname there; with none yet, a warning
 * naming the names, which are still checked.
 */
export function annotationOrLoadBalancerTargets(
  base: Partial,
  obj: KubeObject,
  names: readonly Name[],
  kind: string,
): string[] {
  let targets = annotationTargets(base);
  if (!targets.length) targets = loadBalancerTargets(obj.status, true);
  if (!targets.length)
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: ${kind} has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
    );
  return targets;
}

/** Lower-case, no trailing dot, no blank. */
export function cleanHost(h: string): string {
  let v = h.trim().toLowerCase();
  if (v.endsWith('.')) v = v.slice(0, -1);
  return v;
}

/** Claims for names (deduplicated, in order) with per-name targets. */
export function pushClaims(
  base: Partial,
  names: readonly Name[],
  targetsOf: (host: string) => string[],
): void {
  const seen = new Set<string>();
  for (const n of names) {
    const host = cleanHost(n.host);
    if (!host || seen.has(host)) continue;
    seen.add(host);
    for (const c of claimsFor(host, targetsOf(host), claimBase(base.common, n.field))) base.claims.push(c);
  }
}
