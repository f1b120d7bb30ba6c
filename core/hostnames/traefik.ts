/**
 * Traefik IngressRoute, IngressRouteTCP and IngressRouteUDP (traefik.io, and traefik.containo.us
 * with --traefik-enable-legacy) → claims, as external-dns's traefik-proxy source reads them
 * (docs/sources/traefik-proxy.md, source/traefik_proxy.go, tests in source/traefik_proxy_test.go):
 * hostnames from the hostname annotation and, for IngressRoute and IngressRouteTCP, from every
 * Host(`…`), HostHeader(`…`) and HostSNI(`…`) in spec.routes[].match (each backquoted value of the
 * call, `*` skipped); IngressRouteUDP has only the annotation. Traefik's objects carry no address:
 * the target annotation is the only source of targets, without it nothing is published (and
 * --default-targets does not apply), as the docs say; the names are checked all the same.
 */
import { isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { listField, stringField } from './common.js';
import { annotationNames, annotationTargets, pushClaims, type Name } from './crd-common.js';

/** The rule calls external-dns reads (its traefikHostExtractor), then each backquoted value in one. */
const HOST_CALL = /(?:HostSNI|HostHeader|Host)\s*\(\s*(`.*?`)\s*\)/g;
const VALUE = /`([^,`]+)`/g;

/** The hostnames of a Traefik rule (`Host(\`a.example.com\`) && PathPrefix(\`/x\`)` → a.example.com). */
export function traefikRuleHosts(match: string): string[] {
  const out: string[] = [];
  for (const call of match.matchAll(HOST_CALL))
    for (const v of call[0].matchAll(VALUE)) {
      const host = v[1];
      if (host !== '*' && host !== '') out.push(host);
    }
  return out;
}

export function extractTraefik(obj: KubeObject, _ctx: ExtractContext, base: Partial): void {
  const names: Name[] = annotationNames(base);
  if (obj.kind !== 'IngressRouteUDP') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    listField(base, spec.routes, 'spec.routes').forEach((r, i) => {
      if (!isRecord(r)) return;
      const match = stringField(base, r.match, `spec.routes[${i}].match`);
      if (match)
        for (const host of traefikRuleHosts(match)) names.push({ host, field: `spec.routes[${i}].match` });
    });
  }
  if (names.length === 0) return;
  const targets = annotationTargets(base);
  if (!targets.length)
    base.warnings.push(
      `${names.map((n) => n.host).join(', ')}: ${obj.kind} has no target annotation; external-dns's traefik-proxy source publishes Traefik routes only with one (they carry no address)`,
    );
  pushClaims(base, names, () => targets);
}
