/**
 * Kong TCPIngress (configuration.konghq.com/v1beta1) → claims, as external-dns's kong-tcpingress
 * source reads it (docs/sources/kong.md, source/kong_tcpingress.go, tests in
 * source/kong_tcpingress_test.go: "TCPIngress with hostname annotation", "TCPIngress using SNI",
 * "… with hostname annotation and using SNI", "… ignoring hostname annotation", "… with target
 * annotation"): the hostname annotation's names and each spec.rules[].host (the SNI name; a rule
 * without one is a plain port and names nothing); targets from the target annotation, else
 * status.loadBalancer.ingress (each IP and each hostname). spec.tls[].hosts yields no name (the
 * source does not read it). Resource label "tcpingress/<namespace>/<name>" (core/kinds.ts).
 */
import { isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, objectItem, stringField } from './common.js';
import { annotationNames, annotationOrLoadBalancerTargets, pushClaims, type Name } from './crd-common.js';

export function extractKongTcpIngress(obj: KubeObject, _ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  // the annotation's names first, then the rules', as external-dns lists its endpoints
  const names: Name[] = [...annotationNames(base)];
  listField(base, spec.rules, 'spec.rules').forEach((r, i) => {
    const rule = objectItem(base, r, `spec.rules[${i}]`);
    const host = rule && stringField(base, rule.host, `spec.rules[${i}].host`);
    if (host) names.push({ host, field: `spec.rules[${i}].host` });
  });
  if (names.length === 0) return;
  const targets = annotationOrLoadBalancerTargets(base, obj, names, 'TCPIngress');
  pushClaims(base, names, () => targets);
}
