/**
 * Skipper RouteGroup (zalando.org, version --skipper-routegroup-groupversion) → claims, as
 * external-dns's skipper-routegroup source reads it (source/skipper_routegroup.go, tests in
 * source/skipper_routegroup_test.go TestEndpointsFromRouteGroups and TestRouteGroupsEndpoints):
 * every non-empty spec.hosts[] entry, then the hostname annotation's names (unless
 * --ignore-hostname-annotation); targets from the target annotation, else
 * status.loadBalancer.routeGroup[] (each IP and each hostname). --fqdn-template applies
 * (name-options.ts: its names take the same targets). Resource label "routegroup/<ns>/<name>".
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, stringField } from './common.js';
import { annotationNames, annotationTargets, pushClaims, type Name } from './crd-common.js';

/** status.loadBalancer.routeGroup[]: each IP and each hostname, in order (targetsFromRouteGroupStatus). */
export function routeGroupStatusTargets(status: unknown): string[] {
  const lb = isRecord(status) && isRecord(status.loadBalancer) ? status.loadBalancer : {};
  const out: string[] = [];
  for (const e of asArray(lb.routeGroup)) {
    if (!isRecord(e)) continue;
    const ip = asString(e.ip);
    const host = asString(e.hostname);
    if (ip) out.push(ip);
    if (host) out.push(host);
  }
  return out;
}

export function extractSkipperRouteGroup(obj: KubeObject, _ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const names: Name[] = [];
  listField(base, spec.hosts, 'spec.hosts').forEach((h, i) => {
    const host = stringField(base, h, `spec.hosts[${i}]`);
    if (host) names.push({ host, field: `spec.hosts[${i}]` });
  });
  for (const n of annotationNames(base)) names.push(n);
  if (names.length === 0) return;
  let targets = annotationTargets(base);
  if (!targets.length) targets = routeGroupStatusTargets(obj.status);
  if (!targets.length)
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: RouteGroup has no load-balancer address yet; the record is published once status.loadBalancer.routeGroup is set`,
    );
  pushClaims(base, names, () => targets);
}
