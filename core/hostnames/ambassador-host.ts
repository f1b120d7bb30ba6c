/**
 * Ambassador / Emissary-ingress Host (getambassador.io/v3alpha1) → claims, as external-dns's
 * ambassador-host source reads it (docs/sources/ambassador.md, source/ambassador_host.go, tests in
 * source/ambassador_host_test.go TestAmbassadorHostSource and TestParseAmbLoadBalancerService):
 * - a Host without the `external-dns.ambassador-service` annotation is ignored (external-dns logs it
 *   and publishes nothing; adding the annotation later is an UPDATE the webhook reviews);
 * - the one name is spec.hostname: the source reads no hostname annotation (and takes no
 *   --fqdn-template: its docs' "fqdn-template=false");
 * - targets: the target annotation, else the Service that annotation names — `namespace/name`,
 *   `name.namespace` (split at the first dot), or `name` in namespace "default" (the code and
 *   its test vectors; the doc's "same namespace as the Host" is not what v0.22 does) — its
 *   spec.externalIPs, else its status.loadBalancer IPs and hostnames (never resolved). The Service
 *   may be in any namespace (external-dns gets it by name, outside --namespace).
 * When the Service cannot be read (an annotation of more than one "/", a Service that is not there
 * or has no address yet) external-dns skips the Host and logs a warning; zoneguard checks the name
 * all the same, publishes nothing for it, and says why.
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import type { ExtractContext, Partial } from './common.js';
import { stringField } from './common.js';
import { annotationTargets, loadBalancerTargets, pushClaims } from './crd-common.js';

/** The annotation naming the Emissary Service whose address a Host's record takes (not prefixed). */
export const AMBASSADOR_SERVICE_ANNOTATION = 'external-dns.ambassador-service';

/**
 * external-dns's parseAmbLoadBalancerService: `ns/svc`, `svc.ns` (svc.ns.foo.bar → namespace
 * ns.foo.bar), `svc` → default namespace; more than one "/" is an error (undefined).
 */
export function parseAmbassadorService(value: string): { namespace: string; name: string } | undefined {
  const parts = value.split('/');
  if (parts.length === 2) return { namespace: parts[0], name: parts[1] };
  if (parts.length > 2) return undefined;
  const dot = value.indexOf('.');
  return dot < 0
    ? { namespace: 'default', name: value }
    : { namespace: value.slice(dot + 1), name: value.slice(0, dot) };
}

/** A Service's targets as external-dns's extractLoadBalancerTargets gives them (no resolving). */
function serviceTargets(svc: KubeObject): string[] {
  const spec = isRecord(svc.spec) ? svc.spec : {};
  const external = asArray(spec.externalIPs)
    .map(asString)
    .filter((v): v is string => !!v);
  return external.length ? external : loadBalancerTargets(svc.status, true);
}

export function extractAmbassadorHost(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const ann = obj.metadata?.annotations;
  const service = isRecord(ann) ? ann[AMBASSADOR_SERVICE_ANNOTATION] : undefined;
  const field = `metadata.annotations["${AMBASSADOR_SERVICE_ANNOTATION}"]`;
  if (typeof service !== 'string') {
    base.skipped = `no ${AMBASSADOR_SERVICE_ANNOTATION} annotation: external-dns ignores this Host`;
    return;
  }
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const hostname = stringField(base, spec.hostname, 'spec.hostname');
  if (!hostname) return;
  let targets = annotationTargets(base);
  let why: string | undefined;
  if (!targets.length) {
    const ref = parseAmbassadorService(service);
    if (!ref) why = `${field} "${service}" is not namespace/name, name.namespace or name`;
    else {
      const svc = ctx.objects?.get('', 'Service', ref.namespace, ref.name);
      if (!svc) why = `Service ${ref.namespace}/${ref.name} named by ${field} was not found`;
      else {
        targets = serviceTargets(svc);
        if (!targets.length)
          why = `Service ${ref.namespace}/${ref.name} named by ${field} has no address yet`;
      }
    }
  }
  if (why)
    base.warnings.push(
      `${hostname}: ${why}; external-dns skips this Host and publishes nothing until it has one`,
    );
  pushClaims(base, [{ host: hostname, field: 'spec.hostname' }], () => targets);
}
