/** Hostname extraction: which DNS names and records an object asks for, one file per kind. */
import { newEndpoint, type Endpoint, LabelKey } from '../model/endpoint.js';
import { kindOf, resourceLabel } from '../kinds.js';
import { isRecord, refOf, type KubeObject } from '../model/objects.js';
import type { Claim, Extraction } from '../model/verdict.js';
import type { TargetNetFilter } from '../target-net-filter.js';
import {
  Ann,
  AnnotationView,
  CONTROLLER_VALUE,
  DEFAULT_ANNOTATION_PREFIX,
  prefixesRead,
  prefixWarnings,
} from './annotations.js';
import { DEFAULT_MAX_HOSTNAMES_PER_OBJECT, type ExtractContext, type Partial } from './common.js';
import { extractDnsEndpoint } from './dnsendpoint.js';
import { extractRoute } from './routes.js';
import { extractIngress } from './ingress.js';
import { extractService } from './service.js';
import { extractIstioGateway } from './istio-gateway.js';
import { extractIstioVirtualService } from './istio-virtualservice.js';
import { extractContourHttpProxy } from './contour-httpproxy.js';
import { extractTraefik } from './traefik.js';
import { extractOpenShiftRoute } from './openshift-route.js';
import { extractKongTcpIngress } from './kong-tcpingress.js';
import { extractF5 } from './f5.js';
import { extractSkipperRouteGroup } from './skipper-routegroup.js';
import { extractGlooProxy } from './gloo-proxy.js';
import { extractAmbassadorHost } from './ambassador-host.js';
import { applyFqdnTemplate, withoutIgnoredAnnotations } from './name-options.js';
import { recordProperties } from './record-properties.js';

export { DEFAULT_MAX_HOSTNAMES_PER_OBJECT, type ExtractContext } from './common.js';
export * from './annotations.js';

/**
 * One extractor per kind of core/kinds.ts that is checked, by `group/kind` (two groups have a
 * Gateway: Gateway API's is a helper with none, Istio's is checked).
 */
const EXTRACTORS: Record<string, Extractor> = {
  '/Service': extractService,
  'networking.k8s.io/Ingress': extractIngress,
  'externaldns.k8s.io/DNSEndpoint': extractDnsEndpoint,
  'gateway.networking.k8s.io/HTTPRoute': extractRoute,
  'gateway.networking.k8s.io/GRPCRoute': extractRoute,
  'gateway.networking.k8s.io/TLSRoute': extractRoute,
  'gateway.networking.k8s.io/TCPRoute': extractRoute,
  'gateway.networking.k8s.io/UDPRoute': extractRoute,
  'networking.istio.io/Gateway': extractIstioGateway,
  'networking.istio.io/VirtualService': extractIstioVirtualService,
  'projectcontour.io/HTTPProxy': extractContourHttpProxy,
  'traefik.io/IngressRoute': extractTraefik,
  'traefik.io/IngressRouteTCP': extractTraefik,
  'traefik.io/IngressRouteUDP': extractTraefik,
  'traefik.containo.us/IngressRoute': extractTraefik,
  'traefik.containo.us/IngressRouteTCP': extractTraefik,
  'traefik.containo.us/IngressRouteUDP': extractTraefik,
  'route.openshift.io/Route': extractOpenShiftRoute,
  'configuration.konghq.com/TCPIngress': extractKongTcpIngress,
  'cis.f5.com/VirtualServer': extractF5,
  'cis.f5.com/TransportServer': extractF5,
  'zalando.org/RouteGroup': extractSkipperRouteGroup,
  'gloo.solo.io/Proxy': extractGlooProxy,
  'getambassador.io/Host': extractAmbassadorHost,
};

function extractorOf(obj: KubeObject): Extractor | undefined {
  const k = kindOf(obj);
  return k ? EXTRACTORS[`${k.group}/${k.kind}`] : undefined;
}

/** The --source name for an object's kind, or undefined when zoneguard does not check that kind. */
export function sourceOf(obj: KubeObject): string | undefined {
  const k = kindOf(obj);
  return k && EXTRACTORS[`${k.group}/${k.kind}`] ? k.source : undefined;
}

export const defaultExtractContext: ExtractContext = { ingressClasses: [], defaultTargets: [] };

/**
 * Reads the hostnames an object claims. Never throws on malformed content: problems are reported.
 *
 * The annotations under --annotation-prefix (ctx.annotationPrefix) give the claims that are
 * published; every other known prefix found on the object is read the same way, and the names it
 * adds are claims too, marked checkOnly: every rule checks them (an external-dns reading that
 * prefix would publish them), the reconciler does not publish them.
 */
export function extract(obj: KubeObject, ctx: ExtractContext = defaultExtractContext): Extraction {
  const ref = refOf(obj);
  const out: Extraction = { ref, resource: resourceLabel(ref), claims: [], problems: [], warnings: [] };
  const extractor = extractorOf(obj);
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
  const prefixes = prefixesRead(ctx.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX);
  const main = AnnotationView.of(obj, prefixes[0]);
  const controller = main.get(Ann.controller);
  if (controller !== undefined && controller !== CONTROLLER_VALUE && !kindOf(obj)?.noControllerCheck) {
    out.skipped = `controller annotation ${main.key(Ann.controller)} is "${controller}", not "${CONTROLLER_VALUE}"`;
    return out;
  }
  const cap = ctx.maxHostnamesPerObject ?? DEFAULT_MAX_HOSTNAMES_PER_OBJECT;
  // an annotation listing more names than the cap is refused before a claim is built for any of
  // them, so a review's cost stays bounded whatever the size of that list
  const listed = listedOverCap(obj, ref.kind, prefixes, cap, ctx);
  if (listed) return overCap(out, listed.field, `lists ${listed.count} hostnames`, cap);
  readPass(obj, ctx, extractor, main, out);
  if (out.skipped) return out;
  let yielded = hostnamesOverCap(out.claims, cap);
  if (yielded) return overCap(out, yielded.field, `yield ${yielded.count} hostnames`, cap);
  for (let i = 1; i < prefixes.length; i++) {
    const view = AnnotationView.of(obj, prefixes[i]);
    if (!view.any()) continue;
    // a second reading under a prefix the reconciler does not read: its new names are checked
    const other: Extraction = { ref, resource: out.resource, claims: [], problems: [], warnings: [] };
    readPass(obj, ctx, extractor, view, other);
    const seen = new Set(out.claims.map((c) => c.hostname));
    for (const c of other.claims) {
      if (seen.has(c.hostname)) continue;
      c.checkOnly = view.prefix;
      out.claims.push(c);
    }
    // its own problems (a bad ttl under that prefix) are said, not denied: nothing of ours uses them
    for (const p of other.problems)
      if (p.field?.includes(view.prefix))
        out.warnings.push(
          `${p.field}: ${p.message} (not denied: --annotation-prefix=${prefixes[0]} does not read ${view.prefix})`,
        );
  }
  yielded = hostnamesOverCap(out.claims, cap);
  if (yielded) return overCap(out, yielded.field, `yield ${yielded.count} hostnames`, cap);
  for (const w of prefixWarnings(main.raw, prefixes[0])) out.warnings.push(w);
  return out;
}

/**
 * The object is refused with the `object` rule alone, before any other rule: no claims (so no rule
 * runs and nothing is published), no other problem or warning (each could name every hostname).
 */
function overCap(out: Extraction, field: string, what: string, cap: number): Extraction {
  out.claims = [];
  out.warnings = [];
  out.problems = [
    {
      hostname: '',
      rule: 'object',
      message: `${field} ${what}, over the limit of ${cap} per object (--max-hostnames-per-object)`,
      fix: `split the names over several objects of at most ${cap} hostnames each, or raise --max-hostnames-per-object`,
      field,
    },
  ];
  return out;
}

/** The name annotations a kind reads: hostname (every kind but DNSEndpoint, F5's, Gloo's and Ambassador's Host), a Service's internal-hostname. */
function nameAnnotationsOf(kind: string): readonly string[] {
  return kind === 'Service'
    ? [Ann.hostname, Ann.internalHostname]
    : kind === 'DNSEndpoint' || NO_NAME_ANNOTATION_KINDS.has(kind)
      ? []
      : [Ann.hostname];
}

/**
 * Kinds that take no hostname annotation: F5's (source/f5_*.go read spec.host and hostAliases
 * only), Gloo's Proxy (source/gloo_proxy.go reads its virtual hosts' domains only), Ambassador's
 * Host (source/ambassador_host.go reads spec.hostname only).
 */
const NO_NAME_ANNOTATION_KINDS = new Set(['VirtualServer', 'TransportServer', 'Proxy', 'Host']);

/** The first name annotation, under any prefix read, that lists more than `cap` names. */
function listedOverCap(
  obj: KubeObject,
  kind: string,
  prefixes: readonly string[],
  cap: number,
  ctx: ExtractContext,
): { field: string; count: number } | undefined {
  // --ignore-hostname-annotation: they are not read at all
  if (ctx.ignoreHostnameAnnotation) return undefined;
  const raw = obj.metadata?.annotations;
  if (!isRecord(raw)) return undefined;
  for (const name of nameAnnotationsOf(kind))
    for (const prefix of prefixes) {
      const value = raw[prefix + name];
      if (typeof value !== 'string' || value.length <= cap) continue;
      const count = countListed(value);
      if (count > cap) return { field: `metadata.annotations["${prefix}${name}"]`, count };
    }
  return undefined;
}

/**
 * The names splitList would return from a comma-separated value, counted without building them: a
 * 2 MB annotation is counted in a few milliseconds.
 */
export function countListed(value: string): number {
  let count = 0;
  let start = 0;
  for (;;) {
    const end = value.indexOf(',', start);
    const stop = end === -1 ? value.length : end;
    for (let i = start; i < stop; i++)
      if (!isTrimmed(value.charCodeAt(i))) {
        count++;
        break;
      }
    if (end === -1) return count;
    start = end + 1;
  }
}

/** The characters String.prototype.trim removes (ECMAScript WhiteSpace and LineTerminator). */
function isTrimmed(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    c === 32 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Whether the claims name more than `cap` distinct hostnames (spec lists, DNSEndpoint entries,
 * names under several prefixes together), with the fields that give the most of them.
 */
function hostnamesOverCap(
  claims: readonly Claim[],
  cap: number,
): { field: string; count: number } | undefined {
  if (claims.length <= cap) return undefined;
  const names = new Set<string>();
  for (const c of claims) names.add(c.hostname);
  if (names.size <= cap) return undefined;
  // spec.rules[7].host → spec.rules[*].host: one entry per field, not per item
  const byField = new Map<string, number>();
  for (const c of claims) {
    const f = c.field.replace(/\[\d+\]/g, '[*]');
    byField.set(f, (byField.get(f) ?? 0) + 1);
  }
  const fields = [...byField].sort((a, b) => b[1] - a[1]).map(([f]) => f);
  const shown =
    fields.slice(0, 3).join(', ') + (fields.length > 3 ? `, and ${fields.length - 3} more fields` : '');
  return { field: shown, count: names.size };
}

type Extractor = (obj: KubeObject, ctx: ExtractContext, base: Partial) => void;

/** One reading of the object with its annotations under one prefix. */
function readPass(
  obj: KubeObject,
  ctx: ExtractContext,
  extractor: Extractor,
  view: AnnotationView,
  out: Extraction,
): void {
  // the extractor reads the object as --ignore-hostname-annotation leaves it
  const seen = withoutIgnoredAnnotations(obj, ctx);
  const ann = seen === obj ? view : AnnotationView.of(seen, view.prefix);
  const base: Partial = { claims: [], problems: out.problems, warnings: out.warnings, common: {}, ann };
  // the record properties every claim of the object carries (ttl, set-identifier, provider-specific)
  if (out.ref.kind !== 'DNSEndpoint')
    base.common = recordProperties(ann, out.problems, kindOf(obj)?.recordAnnotations ?? 'all');
  const objectProblems = out.problems.length;
  extractor(seen, ctx, base);
  if (ctx.fqdnTemplate && !base.skipped) applyFqdnTemplate(obj, sourceOf(obj)!, ctx, base, extractor);
  const claims = ctx.targetNetFilter?.enabled
    ? filterTargets(base.claims, ctx.targetNetFilter, out.warnings)
    : base.claims;
  for (const c of claims) {
    // --min-ttl: a record whose object sets no TTL (or "0") gets it, as external-dns's post-processor
    if (ctx.defaultTtl && c.recordType && c.ttl === undefined) c.ttl = ctx.defaultTtl;
    out.claims.push(c);
  }
  if (base.skipped) out.skipped = base.skipped;
  // object-level problems (the ttl annotation) apply to every hostname; an extractor's problem
  // without a hostname (a DNSEndpoint entry with no dnsName) belongs to no other entry's name
  for (let i = 0; i < objectProblems; i++) {
    const p = out.problems[i];
    if (p.hostname === '' && out.claims.length) p.hostname = out.claims.map((c) => c.hostname).join(', ');
  }
}

/**
 * --target-net-filter / --exclude-target-net on every kind's claims, as external-dns's target filter
 * source wraps every source: targets outside are dropped, a claim left without any is not made.
 */
function filterTargets(claims: Claim[], filter: TargetNetFilter, warnings: string[]): Claim[] {
  const out: Claim[] = [];
  for (const c of claims) {
    if (!c.recordType || c.targets.length === 0) {
      out.push(c);
      continue;
    }
    const targets = c.targets.filter((t) => filter.match(t));
    if (targets.length === c.targets.length) out.push(c);
    else if (targets.length) out.push({ ...c, targets });
    else
      warnings.push(
        `${c.hostname}: no ${c.recordType} record: every target (${c.targets.join(', ')}) is outside ${filter.describe()}`,
      );
  }
  return out;
}

/** The endpoints an extraction publishes: claims with a type and targets, labelled with the resource. */
export function endpointsOf(x: Extraction): Endpoint[] {
  const out: Endpoint[] = [];
  for (const c of x.claims) {
    if (!c.recordType || c.targets.length === 0 || c.checkOnly) continue;
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
