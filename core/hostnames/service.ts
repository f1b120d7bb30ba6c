/**
 * Service → claims, as external-dns's service source reads them (docs/sources/service.md):
 * hostnames from the hostname annotation (comma-separated); for type LoadBalancer the targets are
 * spec.externalIPs, else status.loadBalancer.ingress[].ip and .hostname; ClusterIP services publish
 * their cluster IP through the internal-hostname annotation, or the hostname annotation with
 * --publish-internal-services; ExternalName services publish spec.externalIPs, else a CNAME to
 * spec.externalName. The target annotation replaces the targets. --service-type-filter skips the
 * other types. NodePort (node addresses) and headless (pod addresses) targets need the cluster's
 * Nodes, Pods and EndpointSlices, which zoneguard does not read yet: their names are checked,
 * published only with --default-targets.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { Claim } from '../model/verdict.js';
import { Ann, splitList } from './annotations.js';
import { claimsFor } from './targets.js';
import { claimBase, type ExtractContext, type Partial } from './common.js';

export function extractService(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const ann = base.ann;
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const status = isRecord(obj.status) ? obj.status : {};
  const type = asString(spec.type) ?? 'ClusterIP';
  // --service-type-filter (docs/sources/service.md "Filtering the Services considered")
  if (ctx.serviceTypes?.length && !ctx.serviceTypes.includes(type)) {
    base.skipped = `Service type ${type} is not in --service-type-filter [${ctx.serviceTypes.join(', ')}]`;
    return;
  }
  // spec.externalIPs come first for LoadBalancer and ExternalName (docs/sources/service.md "Targets")
  const externalIps = asArray(spec.externalIPs).filter((v): v is string => typeof v === 'string' && v !== '');
  const hostnames = splitList(ann.get(Ann.hostname));
  const internal = splitList(ann.get(Ann.internalHostname));
  const targetOverride = splitList(ann.get(Ann.target));

  const lbTargets: string[] = [];
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  for (const ing of asArray(lb.ingress)) {
    if (!isRecord(ing)) continue;
    // external-dns v0.22 takes both a non-empty ip and a non-empty hostname of each ingress
    const ip = asString(ing.ip);
    const host = asString(ing.hostname);
    if (ip) lbTargets.push(ip);
    if (host) {
      // --resolve-service-load-balancer-hostname: the reconciler publishes the addresses
      if (ctx.resolveHostname) for (const a of ctx.resolveHostname(host) ?? []) lbTargets.push(a);
      else lbTargets.push(host);
    }
  }
  const clusterIp = asString(spec.clusterIP);

  const push = (names: string[], field: string, targets: string[]) => {
    for (const name of names) base.claims.push(...claimsFor(name, targets, claimBase(base.common, field)));
  };

  if (hostnames.length > 0) {
    let targets: string[];
    if (targetOverride.length) targets = targetOverride;
    else if (type === 'LoadBalancer') {
      targets = externalIps.length ? externalIps : lbTargets;
      if (targets.length === 0)
        base.warnings.push(
          `${hostnames.join(', ')}: Service has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
        );
    } else if (type === 'ExternalName') {
      const ext = asString(spec.externalName);
      targets = externalIps.length ? externalIps : ext ? [ext] : [];
    } else if (type === 'NodePort') {
      targets = ctx.defaultTargets;
      if (!targets.length)
        base.warnings.push(
          `${hostnames.join(', ')}: NodePort Service targets are node addresses, which only the reconciler sees`,
        );
    } else if (clusterIp === 'None') {
      targets = ctx.defaultTargets;
      if (!targets.length)
        base.warnings.push(
          `${hostnames.join(', ')}: headless Service targets are pod addresses, which only the reconciler sees`,
        );
    } else if (ctx.publishInternalServices) {
      // --publish-internal-services: a ClusterIP Service's names take its cluster IP
      targets = clusterIp ? [clusterIp] : [];
    } else {
      // external-dns publishes nothing for them; they are still checked (an external-dns with
      // --publish-internal-services beside zoneguard would publish them)
      targets = [];
      base.warnings.push(
        `${hostnames.join(', ')}: the hostname annotation of a ${type} Service publishes nothing without --publish-internal-services (use internal-hostname for the cluster IP); the names are still checked`,
      );
    }
    push(hostnames, ann.field(Ann.hostname), targets);
  }
  pushInternal();

  function pushInternal() {
    if (internal.length === 0) return;
    const targets = targetOverride.length
      ? targetOverride
      : clusterIp && clusterIp !== 'None'
        ? [clusterIp]
        : [];
    if (targets.length === 0)
      base.warnings.push(`${internal.join(', ')}: Service has no cluster IP for internal-hostname`);
    push(internal, ann.field(Ann.internalHostname), targets);
  }
}

export type { Claim };
