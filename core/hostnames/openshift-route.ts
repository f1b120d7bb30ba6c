/**
 * OpenShift Route (route.openshift.io) → claims, as external-dns's openshift-route source reads it
 * (docs/sources/openshift.md, source/openshift_route.go, tests in source/openshift_route_test.go):
 * the host a router admitted (status.ingress[] with condition Admitted=True and a
 * routerCanonicalHostname: the one named by --openshift-router-name, else the first), with that
 * routerCanonicalHostname as CNAME target, and the hostname annotation (same targets); the target
 * annotation replaces the targets.
 *
 * Beyond external-dns, for admission: spec.host is checked too, as a name without targets until a
 * router admits it. At CREATE no router has written status yet, and spec.host is the name the
 * router will publish; a webhook that waited for status would check nothing.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { stringField } from './common.js';
import { annotationNames, annotationTargets, cleanHost, pushClaims, type Name } from './crd-common.js';

/** The admitted router ingress external-dns uses: its host and routerCanonicalHostname. */
export function admittedIngress(
  status: unknown,
  routerName: string | undefined,
): { host: string; target: string; index: number } | undefined {
  const list = isRecord(status) ? asArray(status.ingress) : [];
  for (let i = 0; i < list.length; i++) {
    const ing = list[i];
    if (!isRecord(ing)) continue;
    const admitted = asArray(ing.conditions).find((c) => isRecord(c) && c.type === 'Admitted');
    const canonical = asString(ing.routerCanonicalHostname);
    if (!isRecord(admitted) || admitted.status !== 'True' || !canonical) continue;
    if (routerName && asString(ing.routerName) !== routerName) continue;
    return { host: asString(ing.host) ?? '', target: canonical, index: i };
  }
  return undefined;
}

export function extractOpenShiftRoute(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const admitted = admittedIngress(obj.status, ctx.openshiftRouterName || undefined);
  let targets = annotationTargets(base);
  if (!targets.length && admitted) targets = [admitted.target];
  const names: Name[] = [];
  if (admitted?.host) names.push({ host: admitted.host, field: `status.ingress[${admitted.index}].host` });
  for (const n of annotationNames(base)) names.push(n);
  pushClaims(base, names, () => targets);
  const specHost = stringField(base, spec.host, 'spec.host');
  if (specHost && !base.claims.some((c) => c.hostname === cleanHost(specHost))) {
    pushClaims(base, [{ host: specHost, field: 'spec.host' }], () => []);
    base.warnings.push(
      `${cleanHost(specHost)}: no router${ctx.openshiftRouterName ? ` named ${ctx.openshiftRouterName}` : ''} has admitted this Route (status.ingress); the record is published once one does`,
    );
  }
  if (names.length && !targets.length)
    base.warnings.push(
      `${names.map((n) => cleanHost(n.host)).join(', ')}: no router${ctx.openshiftRouterName ? ` named ${ctx.openshiftRouterName}` : ''} has admitted this Route with a canonical hostname; nothing is published until one does`,
    );
}
