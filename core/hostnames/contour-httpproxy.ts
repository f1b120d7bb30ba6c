/**
 * Contour HTTPProxy (projectcontour.io) → claims, as external-dns's contour-httpproxy source reads
 * it (docs/sources/contour.md, source/contour_httpproxy.go, tests in
 * source/contour_httpproxy_test.go): the hostname spec.virtualhost.fqdn and the hostname
 * annotation; targets from the target annotation, else status.loadBalancer.ingress (each IP and
 * each hostname). An HTTPProxy without a virtualhost (one included by another) has no name of its own.
 */
import { isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { objectItem, stringField } from './common.js';
import { annotationNames, annotationOrLoadBalancerTargets, pushClaims, type Name } from './crd-common.js';

export function extractContourHttpProxy(obj: KubeObject, _ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const names: Name[] = [];
  if (spec.virtualhost !== undefined && spec.virtualhost !== null) {
    const vh = objectItem(base, spec.virtualhost, 'spec.virtualhost');
    const fqdn = vh && stringField(base, vh.fqdn, 'spec.virtualhost.fqdn');
    if (fqdn) names.push({ host: fqdn, field: 'spec.virtualhost.fqdn' });
  }
  for (const n of annotationNames(base)) names.push(n);
  if (names.length === 0) return;
  const targets = annotationOrLoadBalancerTargets(base, obj, names, 'HTTPProxy');
  pushClaims(base, names, () => targets);
}
