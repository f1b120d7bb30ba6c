/**
 * The flags that change which names an object yields, applied around every kind's extractor in one
 * place (extract() in index.ts), so the webhook, `validate`, `plan` and the reconciler read the
 * same names: --fqdn-template with --combine-fqdn-annotation, and --ignore-hostname-annotation.
 * (--ignore-ingress-tls-spec and --ignore-ingress-rules-spec only concern Ingress: ingress.ts.)
 *
 * external-dns's semantics (source/template/engine.go CombineWithEndpoints, source/ingress.go,
 * source/service.go, source/gateway.go hosts(); docs/advanced/fqdn-templating.md):
 * - the template's names are used when the object yields no name of its own, and with
 *   --combine-fqdn-annotation in addition to them; for Gateway routes, when the route has no
 *   spec.hostnames (its listeners' names do not count), or with combine;
 * - a templated name gets the targets a hostname-annotation name of that object gets (target
 *   annotation, load-balancer status, the Gateway's addresses for a route, ...);
 * - Traefik's IngressRoutes, F5's VirtualServers and TransportServers and Gloo's Proxies take a templated name's
 *   targets only from --target-template, which zoneguard does not read: their templated names are
 *   checked, and publish nothing;
 * - DNSEndpoint (crd) takes no template (the docs' "Supported Sources" table);
 * - --ignore-hostname-annotation drops the hostname annotation (and a Service's internal-hostname).
 */
import { copyOwn, isRecord, type KubeObject } from '../model/objects.js';
import type { Claim } from '../model/verdict.js';
import type { ExtractContext, Partial } from './common.js';
import { TemplateError } from './fqdn-template.js';
import { Ann, AnnotationView, DEFAULT_ANNOTATION_PREFIX, prefixesRead } from './annotations.js';

/** The hostname keys under every prefix read (--annotation-prefix and both known prefixes). */
function keysOf(ctx: ExtractContext) {
  const prefixes = prefixesRead(ctx.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX);
  return {
    hostname: prefixes.map((p) => `${p}${Ann.hostname}`),
    internal: prefixes.map((p) => `${p}${Ann.internalHostname}`),
    source: prefixes.flatMap((p) => [`${p}${Ann.ingressHostnameSource}`, `${p}${Ann.gatewayHostnameSource}`]),
  };
}

/**
 * How a kind takes templated names: as its hostname annotation (`annotation`, with the spec
 * fields that carry names cleared), as route hostnames (`route`), or as names without targets
 * (`names-only`). Kinds not listed take no template.
 */
const TEMPLATE_MODE: Record<string, { mode: 'annotation' | 'route' | 'names-only'; hostFields?: string[] }> =
  {
    Service: { mode: 'annotation' },
    Ingress: { mode: 'annotation', hostFields: ['rules', 'tls'] },
    HTTPRoute: { mode: 'route' },
    GRPCRoute: { mode: 'route' },
    TLSRoute: { mode: 'route' },
    TCPRoute: { mode: 'route' },
    UDPRoute: { mode: 'route' },
    Gateway: { mode: 'annotation', hostFields: ['servers'] },
    VirtualService: { mode: 'annotation', hostFields: ['hosts'] },
    HTTPProxy: { mode: 'annotation', hostFields: ['virtualhost'] },
    Route: { mode: 'annotation', hostFields: ['host'] },
    RouteGroup: { mode: 'annotation', hostFields: ['hosts'] },
    IngressRoute: { mode: 'names-only' },
    IngressRouteTCP: { mode: 'names-only' },
    IngressRouteUDP: { mode: 'names-only' },
    // F5 and Gloo take a templated name's targets from --target-template only (source/template/
    // engine.go ApplyTemplates, which source/f5_*.go call), like Traefik
    VirtualServer: { mode: 'names-only' },
    TransportServer: { mode: 'names-only' },
    Proxy: { mode: 'names-only' },
  };

/** Whether --fqdn-template applies to this kind at all (documented per source). */
export function takesTemplate(kind: string): boolean {
  return Object.hasOwn(TEMPLATE_MODE, kind);
}

/** The object as the extractor should read it under --ignore-hostname-annotation (a copy when it changes). */
export function withoutIgnoredAnnotations(obj: KubeObject, ctx: ExtractContext): KubeObject {
  if (!ctx.ignoreHostnameAnnotation) return obj;
  const ann = obj.metadata?.annotations;
  if (!isRecord(ann)) return obj;
  const keys = keysOf(ctx);
  const drop = obj.kind === 'Service' ? [...keys.hostname, ...keys.internal] : keys.hostname;
  if (!drop.some((k) => Object.hasOwn(ann, k))) return obj;
  const a = copyOwn(ann);
  for (const k of drop) delete a[k];
  const meta = copyOwn(obj.metadata!);
  meta.annotations = a;
  const o = copyOwn(obj);
  o.metadata = meta;
  return o;
}

/**
 * Adds the names --fqdn-template gives the object, with the targets its kind gives them, to what
 * its extractor found. A template that fails on the object is an `object` problem naming the flag.
 */
export function applyFqdnTemplate(
  obj: KubeObject,
  source: string,
  ctx: ExtractContext,
  base: Partial,
  extractor: (obj: KubeObject, ctx: ExtractContext, base: Partial) => void,
): void {
  const tmpl = ctx.fqdnTemplate;
  const kind = String(obj.kind ?? '');
  if (!tmpl || !Object.hasOwn(TEMPLATE_MODE, kind)) return;
  const { mode, hostFields = [] } = TEMPLATE_MODE[kind];
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const own =
    mode === 'route' ? Array.isArray(spec.hostnames) && spec.hostnames.length > 0 : base.claims.length > 0;
  if (own && !ctx.combineFqdnAnnotation) return;
  let names: string[];
  try {
    names = tmpl.names(obj, source);
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    base.problems.push({
      hostname: '',
      rule: 'object',
      message: `--fqdn-template failed on this object: ${e.message}`,
      fix: 'fix --fqdn-template (external-dns fails the same way and stops publishing)',
      field: '--fqdn-template',
    });
    return;
  }
  if (names.length === 0) return;
  const field = `--fqdn-template ${JSON.stringify(tmpl.text)}`;
  if (mode === 'names-only') {
    for (const n of names) {
      const c = copyOwn(base.common) as Claim;
      c.hostname = n.toLowerCase();
      c.targets = [];
      c.field = field;
      base.claims.push(c);
    }
    base.warnings.push(
      `${names.join(', ')}: ${kind} takes the targets of --fqdn-template names from --target-template, which zoneguard does not read; nothing is published for them`,
    );
    return;
  }
  // the object as if its only names were the template's
  const keys = keysOf(ctx);
  const ann: Record<string, string> = {};
  const a0 = obj.metadata?.annotations;
  if (isRecord(a0))
    for (const k of Object.keys(a0))
      if (![...keys.hostname, ...keys.internal, ...keys.source].includes(k)) ann[k] = a0[k];
  const s = copyOwn(spec);
  if (mode === 'annotation') {
    for (const k of keys.hostname) ann[k] = names.join(',');
    for (const f of hostFields) delete s[f];
  }
  const meta = copyOwn(isRecord(obj.metadata) ? obj.metadata : {});
  meta.annotations = ann;
  const templated = copyOwn(obj);
  templated.metadata = meta;
  templated.spec = s;
  const part: Partial = {
    claims: [],
    problems: [],
    warnings: [],
    common: base.common,
    ann: AnnotationView.of(templated, base.ann.prefix),
  };
  extractor(
    templated,
    { ...ctx, ignoreHostnameAnnotation: false, ...(mode === 'route' ? { routeTemplateHosts: names } : {}) },
    part,
  );
  const seen = new Set(base.claims.map((c) => `${c.hostname}|${c.recordType ?? ''}`));
  for (const c of part.claims) {
    if (seen.has(`${c.hostname}|${c.recordType ?? ''}`)) continue;
    c.field = field;
    base.claims.push(c);
  }
  for (const p of part.problems) base.problems.push(p);
  for (const w of part.warnings) if (!base.warnings.includes(w)) base.warnings.push(w);
}
