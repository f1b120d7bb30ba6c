/**
 * Istio VirtualService (networking.istio.io) → claims, as external-dns's istio-virtualservice
 * source reads it (docs/sources/istio.md, source/istio_virtualservice.go, tests in
 * source/istio_virtualservice_test.go): hostnames from spec.hosts[] (`namespace/host` keeps the
 * host; `*` and empty skipped) and the hostname annotation; targets from the target annotation,
 * else, per hostname, those of every Gateway in spec.gateways (`namespace/name` or `name`, in the
 * VirtualService's namespace; `mesh` means the sidecars and gives none) that the VirtualService
 * binds to for that hostname: exportTo allows the Gateway's namespace, and a server host of the
 * Gateway (`*`, `.`, or this namespace before the `/`) is `*`, the hostname, or a `*.suffix` of it.
 */
import { asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, stringField } from './common.js';
import { annotationNames, annotationTargets, pushClaims, type Name } from './crd-common.js';
import { ISTIO_GROUP, istioGatewayTargets, parseNamespacedName } from './istio-gateway.js';

/** Istio's reserved gateway name for "all sidecars in the mesh". */
const MESH = 'mesh';

/** Whether the VirtualService binds to the Gateway for this hostname (istio.io Gateway Server rules, as external-dns checks them). */
export function bindsToGateway(vs: KubeObject, gw: KubeObject, host: string): boolean {
  const vsNs = vs.metadata?.namespace ?? 'default';
  const gwNs = gw.metadata?.namespace ?? 'default';
  const vsSpec = isRecord(vs.spec) ? vs.spec : {};
  const exportTo = Array.isArray(vsSpec.exportTo) ? vsSpec.exportTo.map(String) : [];
  if (exportTo.length && !exportTo.some((ns) => ns === '*' || ns === gwNs || (ns === '.' && gwNs === vsNs)))
    return false;
  const gwSpec = isRecord(gw.spec) ? gw.spec : {};
  for (const server of Array.isArray(gwSpec.servers) ? gwSpec.servers : []) {
    if (!isRecord(server) || !Array.isArray(server.hosts)) continue;
    for (const raw of server.hosts) {
      if (typeof raw !== 'string') continue;
      const parts = raw.split('/');
      if (parts.length > 2) continue;
      const ns = parts.length === 2 ? parts[0] : '*';
      const h = parts.length === 2 ? parts[1] : raw;
      if (!(ns === '*' || ns === vsNs || (ns === '.' && vsNs === gwNs))) continue;
      if (h === '*') return true;
      if (h === host || (h.startsWith('*.') && host.endsWith(h.slice(1)))) return true;
    }
  }
  return false;
}

export function extractIstioVirtualService(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const ns = obj.metadata?.namespace ?? 'default';
  const names: Name[] = [];
  listField(base, spec.hosts, 'spec.hosts').forEach((h, i) => {
    const s = stringField(base, h, `spec.hosts[${i}]`);
    if (!s || s === '*') return;
    const parts = s.split('/');
    const host = parts.length === 2 ? parts[1] : s;
    if (host) names.push({ host, field: `spec.hosts[${i}]` });
  });
  for (const n of annotationNames(base)) names.push(n);
  if (names.length === 0) return;

  const fromAnnotation = annotationTargets(base);
  const gateways: { ref: string; gw?: KubeObject }[] = [];
  const bad: string[] = [];
  listField(base, spec.gateways, 'spec.gateways').forEach((g, i) => {
    const s = asString(g) ?? stringField(base, g, `spec.gateways[${i}]`);
    if (!s || s === MESH) return;
    const ref = parseNamespacedName(s);
    if (!ref) {
      bad.push(`spec.gateways[${i}] "${s}" is not namespace/name or name`);
      return;
    }
    const gwNs = ref.namespace ?? ns;
    gateways.push({
      ref: `${gwNs}/${ref.name}`,
      gw: ctx.objects?.get(ISTIO_GROUP, 'Gateway', gwNs, ref.name),
    });
  });
  const reasons: string[] = [...bad];
  const targetsOf = (host: string): string[] => {
    if (fromAnnotation.length) return fromAnnotation;
    const out: string[] = [];
    for (const { gw } of gateways) {
      if (!gw || !bindsToGateway(obj, gw, host)) continue;
      const t = istioGatewayTargets(gw, ctx, base);
      if (t.why && !reasons.includes(t.why)) reasons.push(t.why);
      for (const x of t.targets) if (!out.includes(x)) out.push(x);
    }
    return out;
  };
  pushClaims(base, names, targetsOf);
  const pending = base.claims.filter((c) => c.targets.length === 0).map((c) => c.hostname);
  if (pending.length === 0) return;
  const missing = gateways.filter((g) => !g.gw).map((g) => `Istio Gateway ${g.ref} not found`);
  const why =
    [...missing, ...reasons].join('; ') ||
    (gateways.length
      ? `no Gateway in spec.gateways binds to it (server hosts, exportTo)`
      : 'spec.gateways names no Gateway (mesh only)');
  base.warnings.push(
    `${pending.join(', ')}: ${why}; nothing is published for it until a bound Gateway has an address`,
  );
}
