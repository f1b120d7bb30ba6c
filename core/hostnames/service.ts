/**
 * Service → claims, as external-dns's service source reads them (docs/sources/service.md):
 * hostnames from the hostname annotation (comma-separated); for type LoadBalancer the targets are
 * spec.externalIPs, else status.loadBalancer.ingress[].ip and .hostname; ClusterIP services publish
 * their cluster IP through the internal-hostname annotation, or the hostname annotation with
 * --publish-internal-services; ExternalName services publish spec.externalIPs, else a CNAME to
 * spec.externalName; NodePort Services their nodes' addresses (and SRV records when SRV is
 * managed), headless ones their Pods' (service-targets.ts, from the Nodes, Pods and EndpointSlices
 * read with them; when none was read, --default-targets, and the names are checked all the same).
 * The target annotation replaces the targets. --service-type-filter skips the other types.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { Claim } from '../model/verdict.js';
import { Ann, splitList } from './annotations.js';
import { normalizeDnsName } from '../model/endpoint.js';
import { claimsFor } from './targets.js';
import { headlessTargets, nodePortSrv, nodePortTargets } from './service-targets.js';
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
  const clusterIpTargets = clusterIp && clusterIp !== 'None' ? [clusterIp] : [];

  // one pass per annotation, as external-dns's generateEndpoints(useClusterIP) (source/service.go):
  // internal-hostname takes the cluster IP for LoadBalancer and ClusterIP Services, and the same
  // targets as hostname for headless, NodePort and ExternalName ones
  for (const [names, key] of [
    [hostnames, Ann.hostname],
    [internal, Ann.internalHostname],
  ] as const) {
    if (names.length === 0) continue;
    const field = ann.field(key);
    const isInternal = key === Ann.internalHostname;
    if (targetOverride.length) {
      push(names, field, targetOverride);
      continue;
    }
    if (type === 'LoadBalancer') {
      if (isInternal) {
        if (!clusterIpTargets.length) noClusterIp(names);
        push(names, field, clusterIpTargets);
        continue;
      }
      const targets = externalIps.length ? externalIps : lbTargets;
      if (targets.length === 0)
        base.warnings.push(
          `${names.join(', ')}: Service has no load-balancer address yet; the record is published once status.loadBalancer.ingress is set`,
        );
      push(names, field, targets);
    } else if (type === 'ExternalName') {
      const ext = asString(spec.externalName);
      push(names, field, externalIps.length ? externalIps : ext ? [ext] : []);
    } else if (type === 'NodePort') {
      const r = nodePortTargets(obj, ctx, ann);
      base.warnings.push(...r.warnings);
      push(names, field, r.unknown ? ctx.defaultTargets : r.targets);
      // SRV records only where SRV is managed: external-dns's plan leaves other types out
      if (ctx.nodePortSrv)
        for (const name of names)
          for (const srv of nodePortSrv(obj, name))
            base.claims.push({
              ...claimBase(base.common, field),
              hostname: normalizeDnsName(srv.hostname),
              recordType: 'SRV',
              targets: [srv.target],
            });
    } else if (clusterIp === 'None') {
      for (const name of names) {
        const r = headlessTargets(obj, name, ctx, ann);
        for (const w of r.warnings) if (!base.warnings.includes(w)) base.warnings.push(w);
        if (r.unknown) push([name], field, ctx.defaultTargets);
        else for (const n of r.names) push([n.hostname], field, n.targets);
      }
    } else if (isInternal || ctx.publishInternalServices) {
      // --publish-internal-services: a ClusterIP Service's names take its cluster IP
      if (!clusterIpTargets.length) noClusterIp(names);
      push(names, field, clusterIpTargets);
    } else {
      // external-dns publishes nothing for them; they are still checked (an external-dns with
      // --publish-internal-services beside zoneguard would publish them)
      base.warnings.push(
        `${names.join(', ')}: the hostname annotation of a ${type} Service publishes nothing without --publish-internal-services (use internal-hostname for the cluster IP); the names are still checked`,
      );
      push(names, field, []);
    }
  }

  function noClusterIp(names: string[]) {
    base.warnings.push(`${names.join(', ')}: Service has no cluster IP for internal-hostname`);
  }
}

export type { Claim };
