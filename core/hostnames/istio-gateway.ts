/**
 * Istio Gateway (networking.istio.io) → claims, as external-dns's istio-gateway source reads it
 * (docs/sources/istio.md, source/istio_gateway.go, tests in source/istio_gateway_test.go):
 * hostnames from spec.servers[].hosts[] (a `namespace/host` form keeps the host; `*` is skipped)
 * and the hostname annotation; targets from the target annotation, else the Ingress named by the
 * `ingress` annotation (`namespace/name` or `name`, its status.loadBalancer), else every Service
 * (in --namespace) whose spec.selector includes all of the Gateway's spec.selector: its
 * spec.externalIPs, else its status.loadBalancer addresses. In the cluster those come from the
 * watched Services and Ingresses; offline from the objects given with it (`validate -f`), and
 * when there are none the names are still checked, without targets.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, stringField } from './common.js';
import {
  annotation,
  annotationNames,
  annotationTargets,
  loadBalancerTargets,
  pushClaims,
  type Name,
} from './crd-common.js';

export const ISTIO_GROUP = 'networking.istio.io';

/** external-dns's ParseIngress: `namespace/name` or `name`; anything else is an error. */
export function parseNamespacedName(s: string): { namespace?: string; name: string } | undefined {
  const parts = s.split('/');
  if (parts.length === 1 && parts[0]) return { name: parts[0] };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  return undefined;
}

/** Whether a Service's spec.selector includes every label of the Gateway's selector (labels.SelectorFromSet). */
function selects(gwSelector: Record<string, unknown>, svc: KubeObject): boolean {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const sel = isRecord(spec.selector) ? spec.selector : {};
  for (const k of Object.keys(gwSelector)) if (sel[k] !== gwSelector[k]) return false;
  return true;
}

/**
 * An Istio Gateway's targets (shared with VirtualServices bound to it); `why` is said when there
 * are none.
 */
export function istioGatewayTargets(
  gw: KubeObject,
  ctx: ExtractContext,
  base: Partial,
): { targets: string[]; why?: string } {
  const fromAnnotation = annotationTargets(base, gw);
  if (fromAnnotation.length) return { targets: fromAnnotation };
  const gwNs = gw.metadata?.namespace ?? 'default';
  const gwRef = `Istio Gateway ${gwNs}/${gw.metadata?.name ?? ''}`;
  const ing = annotation(base, 'ingress', gw);
  if (ing.value) {
    const ref = parseNamespacedName(ing.value);
    if (!ref) return { targets: [], why: `${ing.field} "${ing.value}" is not namespace/name or name` };
    const ns = ref.namespace ?? gwNs;
    const obj = ctx.objects?.get('networking.k8s.io', 'Ingress', ns, ref.name);
    if (!obj) return { targets: [], why: `Ingress ${ns}/${ref.name} named by ${gwRef} was not found` };
    const targets = loadBalancerTargets(obj.status);
    return targets.length
      ? { targets }
      : { targets, why: `Ingress ${ns}/${ref.name} named by ${gwRef} has no load-balancer address yet` };
  }
  const spec = isRecord(gw.spec) ? gw.spec : {};
  const selector = isRecord(spec.selector) ? spec.selector : {};
  const targets: string[] = [];
  for (const svc of ctx.objects?.list('', 'Service', ctx.namespace || undefined) ?? []) {
    if (!selects(selector, svc)) continue;
    const svcSpec = isRecord(svc.spec) ? svc.spec : {};
    const external = asArray(svcSpec.externalIPs)
      .map(asString)
      .filter((v): v is string => !!v);
    for (const t of external.length ? external : loadBalancerTargets(svc.status))
      if (!targets.includes(t)) targets.push(t);
  }
  const sel = Object.entries(selector)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(',');
  return targets.length
    ? { targets }
    : {
        targets,
        why: `no Service${ctx.namespace ? ` in namespace ${ctx.namespace}` : ''} with an address matches the selector {${sel}} of ${gwRef}`,
      };
}

/** spec.servers[].hosts[] as external-dns reads them: `ns/host` → host, `*` skipped. */
export function istioGatewayHosts(gw: KubeObject, base: Partial): Name[] {
  const spec = isRecord(gw.spec) ? gw.spec : {};
  const out: Name[] = [];
  listField(base, spec.servers, 'spec.servers').forEach((server, i) => {
    if (!isRecord(server)) return;
    listField(base, server.hosts, `spec.servers[${i}].hosts`).forEach((h, j) => {
      const field = `spec.servers[${i}].hosts[${j}]`;
      const s = stringField(base, h, field);
      if (!s) return;
      const parts = s.split('/');
      const host = parts.length === 2 ? parts[1] : s;
      if (host !== '*' && host !== '') out.push({ host, field });
    });
  });
  return out;
}

export function extractIstioGateway(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const names = [...istioGatewayHosts(obj, base), ...annotationNames(base)];
  if (names.length === 0) return;
  const { targets, why } = istioGatewayTargets(obj, ctx, base);
  if (!targets.length)
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: ${why ?? 'no targets'}; nothing is published until there is one`,
    );
  pushClaims(base, names, () => targets);
}
