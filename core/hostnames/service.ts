/**
 * Service → claims, as external-dns's service source reads them:
 * hostnames from the hostname annotation (comma-separated); for type LoadBalancer the targets are
 * status.loadBalancer.ingress[].ip / .hostname; ClusterIP services publish their cluster IP only
 * through the internal-hostname annotation (LoadBalancer services may use it too); ExternalName
 * services publish a CNAME to spec.externalName. The target annotation replaces the targets.
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
  const hostnames = splitList(ann.get(Ann.hostname));
  const internal = splitList(ann.get(Ann.internalHostname));
  const targetOverride = splitList(ann.get(Ann.target));

  const lbTargets: string[] = [];
  const lb = isRecord(status.loadBalancer) ? status.loadBalancer : {};
  for (const ing of asArray(lb.ingress)) {
    if (!isRecord(ing)) continue;
    const ip = asString(ing.ip);
    const host = asString(ing.hostname);
    if (ip) lbTargets.push(ip);
    else if (host) {
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
      targets = lbTargets;
      if (targets.length === 0)
        base.warnings.push(
          `${hostnames.join(', ')}: Service has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
        );
    } else if (type === 'ExternalName') {
      const ext = asString(spec.externalName);
      targets = ext ? [ext] : [];
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
    } else {
      targets = ctx.defaultTargets;
      base.warnings.push(
        `${hostnames.join(', ')}: external-dns publishes the hostname annotation of a ${type} Service only for LoadBalancer, NodePort, ExternalName or headless Services; use internal-hostname for the cluster IP`,
      );
      return pushInternal();
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
