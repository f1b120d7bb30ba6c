/** Hostname extraction: which DNS names and records an object asks for, one file per kind. */
import { newEndpoint, type Endpoint, LabelKey } from '../model/endpoint.js';
import { kindOf } from '../kinds.js';
import { annotations, isRecord, refOf, resourceLabel, type KubeObject } from '../model/objects.js';
import type { Extraction } from '../model/verdict.js';
import {
  ALIAS_ANNOTATION,
  ANNOTATION_PREFIX,
  AWS_ANNOTATION_PREFIX,
  AWS_ROUTING_ANNOTATIONS,
  CLOUDFLARE_PROXIED_ANNOTATION,
  CONTROLLER_ANNOTATION,
  CONTROLLER_VALUE,
  SET_IDENTIFIER_ANNOTATION,
  TTL_ANNOTATION,
  parseTtl,
} from './annotations.js';
import type { ExtractContext, Partial } from './common.js';
import { extractDnsEndpoint } from './dnsendpoint.js';
import { extractHttpRoute } from './httproute.js';
import { extractIngress } from './ingress.js';
import { extractService } from './service.js';
import { applyFqdnTemplate, withoutIgnoredAnnotations } from './name-options.js';

export type { ExtractContext } from './common.js';
export * from './annotations.js';

type Extractor = (obj: KubeObject, ctx: ExtractContext, base: Partial) => void;

/** One extractor per kind of core/kinds.ts that is checked (helpers such as Gateway have none). */
const EXTRACTORS: Record<string, Extractor> = {
  Service: extractService,
  Ingress: extractIngress,
  DNSEndpoint: extractDnsEndpoint,
  HTTPRoute: extractHttpRoute,
};

/** The --source name for an object's kind, or undefined when zoneguard does not check that kind. */
export function sourceOf(obj: KubeObject): string | undefined {
  const k = kindOf(obj);
  return k && EXTRACTORS[k.kind] ? k.source : undefined;
}

export const defaultExtractContext: ExtractContext = { ingressClasses: [], defaultTargets: [] };

/** Reads the hostnames an object claims. Never throws on malformed content: problems are reported. */
export function extract(obj: KubeObject, ctx: ExtractContext = defaultExtractContext): Extraction {
  const ref = refOf(obj);
  const out: Extraction = { ref, resource: resourceLabel(ref), claims: [], problems: [], warnings: [] };
  const extractor = sourceOf(obj) ? EXTRACTORS[ref.kind] : undefined;
  if (!extractor) {
    out.skipped = `${ref.apiVersion} ${ref.kind} is not a kind zoneguard reads`;
    return out;
  }
  if (obj.metadata !== undefined && !isRecord(obj.metadata)) {
    out.problems.push({
      hostname: '',
      rule: 'object',
      message: 'metadata is not an object',
      fix: 'fix the manifest',
      field: 'metadata',
    });
    return out;
  }
  const ann = annotations(obj);
  const controller = ann[CONTROLLER_ANNOTATION];
  if (controller !== undefined && controller !== CONTROLLER_VALUE) {
    out.skipped = `controller annotation is "${controller}", not "${CONTROLLER_VALUE}"`;
    return out;
  }
  const base: Partial = { claims: [], problems: out.problems, warnings: out.warnings, common: {} };
  if (ref.kind !== 'DNSEndpoint') {
    const ttlText = ann[TTL_ANNOTATION];
    if (ttlText !== undefined) {
      const r = parseTtl(ttlText);
      if (r.error) {
        out.problems.push({
          hostname: '',
          rule: 'ttl',
          message: `TTL annotation ${r.error}`,
          fix: 'set the ttl annotation to whole seconds in 1..2147483647, e.g. "300"',
          field: `metadata.annotations["${TTL_ANNOTATION}"]`,
        });
      } else base.common.ttl = r.ttl;
    }
    const setId = ann[SET_IDENTIFIER_ANNOTATION];
    if (setId) base.common.setIdentifier = setId;
    let ps: Record<string, string> | undefined;
    const proxied = ann[CLOUDFLARE_PROXIED_ANNOTATION];
    if (proxied !== undefined) (ps ??= {})[CLOUDFLARE_PROXIED_ANNOTATION] = proxied;
    if (ann[ALIAS_ANNOTATION] !== undefined) (ps ??= {}).alias = ann[ALIAS_ANNOTATION];
    // aws-weight, aws-region, aws-failover, aws-geolocation-*, aws-health-check-id… → aws/<name>
    for (const k in ann)
      if (Object.hasOwn(ann, k) && k.startsWith(AWS_ANNOTATION_PREFIX))
        (ps ??= {})[`aws/${k.slice(AWS_ANNOTATION_PREFIX.length)}`] = ann[k];
    if (ps) base.common.providerSpecific = ps;
    const routing: string[] = [];
    if (ps) for (const k of AWS_ROUTING_ANNOTATIONS) if (ann[k] !== undefined) routing.push(k);
    if (routing.length && !setId) {
      out.problems.push({
        hostname: '',
        rule: 'object',
        message: `${routing.map((k) => k.slice(ANNOTATION_PREFIX.length)).join(', ')} needs the set-identifier annotation (a Route 53 routing policy applies to one of several record sets of a name)`,
        fix: `add ${SET_IDENTIFIER_ANNOTATION}, unique among the objects sharing this hostname`,
        field: `metadata.annotations["${routing[0]}"]`,
      });
    }
    if (routing.length > 1 && !routing.every((k) => k.includes('geolocation'))) {
      out.problems.push({
        hostname: '',
        rule: 'object',
        message: `${routing.map((k) => k.slice(ANNOTATION_PREFIX.length)).join(' and ')}: Route 53 takes one routing policy per record set`,
        fix: 'keep one of the aws-* routing annotations',
        field: `metadata.annotations["${routing[1]}"]`,
      });
    }
  }
  const objectProblems = out.problems.length;
  extractor(withoutIgnoredAnnotations(obj, ctx), ctx, base);
  if (ctx.fqdnTemplate && !base.skipped) applyFqdnTemplate(obj, sourceOf(obj)!, ctx, base, extractor);
  out.claims = base.claims;
  if (base.skipped) out.skipped = base.skipped;
  // object-level problems (the ttl annotation) apply to every hostname; an extractor's problem
  // without a hostname (a DNSEndpoint entry with no dnsName) belongs to no other entry's name
  for (let i = 0; i < objectProblems; i++) {
    const p = out.problems[i];
    if (p.hostname === '' && out.claims.length) p.hostname = out.claims.map((c) => c.hostname).join(', ');
  }
  return out;
}

/** The endpoints an extraction publishes: claims with a type and targets, labelled with the resource. */
export function endpointsOf(x: Extraction): Endpoint[] {
  const out: Endpoint[] = [];
  for (const c of x.claims) {
    if (!c.recordType || c.targets.length === 0) continue;
    const ep = newEndpoint(c.hostname, c.recordType, c.targets, c.ttl, {
      ...(c.labels ?? {}),
      [LabelKey.resource]: x.resource,
    });
    if (c.setIdentifier) ep.setIdentifier = c.setIdentifier;
    if (c.providerSpecific) ep.providerSpecific = { ...c.providerSpecific };
    out.push(ep);
  }
  return out;
}
