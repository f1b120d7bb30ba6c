/**
 * Validates a set of objects together, as `zoneguard validate`, `plan` and the manifest source do:
 * extraction, then every rule, with the duplicate rule seeing all the objects at once.
 * Gateways in the set provide HTTPRoute targets.
 */
import { ClaimIndex } from './claim-index.js';
import type { Endpoint } from './model/endpoint.js';
import { endpointsOf, extract, sourceOf } from './hostnames/index.js';
import { ObjectSet, type ExtractContext } from './hostnames/common.js';
import { isRecord, type KubeObject } from './model/objects.js';
import { kindOf, ROUTE_KIND_NAMES } from './kinds.js';
import { serviceTargetPartsOf } from './hostnames/service-targets.js';
import {
  evaluate,
  type EvaluateOptions,
  type Extraction,
  type RuleContext,
  type Verdict,
} from './rules/index.js';
import { outOfScope, type ObjectFilter } from './setup.js';
import type { LoadedObject, SourceLocation } from './manifests.js';

/** What a verdict report (core/report.ts) needs of one object: its verdict, and where it was read from. */
export interface VerdictResult {
  verdict: Verdict;
  /** Where the object was read from (manifest file and line), when it came from one. */
  at?: SourceLocation;
  /** The object (validateStream keeps only its verdict, which names it, and its location). */
  obj?: KubeObject;
}

export interface ObjectResult extends VerdictResult {
  obj: KubeObject;
  extraction: Extraction;
  /** Records this object would publish (empty when denied or skipped). */
  endpoints: Endpoint[];
}

export function gatewayLookup(
  objs: readonly KubeObject[],
): (ns: string, name: string) => KubeObject | undefined {
  const gateways = new Map<string, KubeObject>();
  for (const o of objs) {
    if (isGateway(o)) {
      gateways.set(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`, o);
    }
  }
  return (ns, name) => gateways.get(`${ns}/${name}`);
}

/**
 * The extraction context with the lookups of helper kinds (Gateways, Namespaces, any object) taken from a set
 * of objects (manifests, or the reconciler's cluster read) where the context has none of its own.
 */
export function withLookups(ctx: ExtractContext, objs: readonly KubeObject[]): ExtractContext {
  const ex: ExtractContext = {
    ...ctx,
    gateway: ctx.gateway ?? gatewayLookup(objs),
    objects: ctx.objects ?? new ObjectSet(objs),
  };
  if (!ctx.namespaceLabels) {
    const nss = new Map<string, Record<string, string>>();
    for (const o of objs)
      if (o.kind === 'Namespace' && o.apiVersion === 'v1' && o.metadata?.name)
        nss.set(o.metadata.name, o.metadata.labels ?? {});
    if (nss.size) ex.namespaceLabels = (name) => nss.get(name);
  }
  return ex;
}

/**
 * What one object claims under these settings: undefined when zoneguard does not read its kind;
 * `skipped` set (with the reason) when the object is out of scope (--source, --namespace,
 * --label-filter, --annotation-filter) or external-dns would not process it. The one
 * "extract, then scope" step of validate, plan, the reconciler and the webhook's cluster watch
 * (the webhook's admission path checks scope first, to answer out-of-scope reviews without reading them).
 */
export function claimsOf(
  obj: KubeObject,
  ctx: ExtractContext,
  filter?: ObjectFilter,
): Extraction | undefined {
  const source = sourceOf(obj);
  if (!source) return undefined;
  const x = extract(obj, ctx);
  const why = filter && outOfScope(filter, obj, source);
  if (why && !x.skipped) x.skipped = why;
  return x;
}

export function validateObjects(
  objs: readonly KubeObject[],
  ruleCtx: RuleContext,
  extractCtx: ExtractContext,
  opts: { filter?: ObjectFilter; evaluate?: EvaluateOptions } = {},
): ObjectResult[] {
  const ex = withLookups(extractCtx, objs);
  const index = new ClaimIndex();
  const items: { obj: KubeObject; x: Extraction }[] = [];
  for (const obj of objs) {
    const x = claimsOf(obj, ex, opts.filter);
    if (!x) continue;
    index.set(x);
    items.push({ obj, x });
  }
  const ctx: RuleContext = { ...ruleCtx, claims: ruleCtx.claims ?? index };
  return items.map(({ obj, x }) => {
    const verdict = evaluate(x, ctx, opts.evaluate);
    return {
      obj,
      extraction: x,
      verdict,
      endpoints: verdict.allowed && !verdict.skipped ? endpointsOf(x) : [],
    };
  });
}

/** A NodePort or headless Service: its targets come from the Nodes, Pods and EndpointSlices. */
function takesServiceTargets(o: KubeObject): boolean {
  if (o.kind !== 'Service' || o.apiVersion !== 'v1' || !isRecord(o.spec)) return false;
  return o.spec.type === 'NodePort' || o.spec.clusterIP === 'None';
}

const isGateway = (o: KubeObject) =>
  o.kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/');
const isListenerSet = (o: KubeObject) =>
  o.kind === 'ListenerSet' && String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/');

/**
 * The extraction as validateStream holds it until every object is read: the same values in arrays
 * of their own length (arrays grown by push keep room for 16 more items: ≈ 0.5 KB an Ingress).
 */
function compact(x: Extraction): Extraction {
  const out: Extraction = {
    ref: x.ref,
    resource: x.resource,
    claims: x.claims.map((c) => ({ ...c, targets: c.targets.slice() })),
    problems: x.problems.slice(),
    warnings: x.warnings.slice(),
  };
  if (x.skipped !== undefined) out.skipped = x.skipped;
  return out;
}

/** A Gloo VirtualService or Gateway (gateway.solo.io), read for Gloo Proxies only (core/kinds.ts helpers). */
function isGlooRelated(obj: KubeObject): boolean {
  return String(obj.apiVersion ?? '').startsWith('gateway.solo.io/');
}

/** What of a Gloo VirtualService or Gateway a Proxy reads: its name and annotations. */
function metadataPartsOf(obj: KubeObject): KubeObject {
  const m = obj.metadata;
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: m?.name, namespace: m?.namespace, annotations: m?.annotations },
  };
}

/**
 * What of a Service or an Ingress gives an Istio Gateway or a Gloo Proxy targets: name, status, and
 * a Service's spec.selector, externalIPs and type (istio-gateway.ts and gloo-proxy.ts read no more).
 */
function targetPartsOf(obj: KubeObject): KubeObject {
  const parts: KubeObject = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.metadata?.name, namespace: obj.metadata?.namespace },
    status: obj.status,
  };
  if (obj.kind === 'Service') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    // type: a Gloo Proxy takes its Service's addresses only from a LoadBalancer (gloo-proxy.ts)
    parts.spec = { selector: spec.selector, externalIPs: spec.externalIPs, type: spec.type };
  }
  return parts;
}

/**
 * validateObjects over a stream of manifest objects, for inputs larger than memory: each object is
 * reduced to its claims as it is read and then dropped (its result keeps its name, file and line,
 * not its content). HTTPRoutes wait for the end of the input, since any later Gateway may give them
 * their targets, as Gateways themselves do; rules run once everything is read. The verdicts are
 * those validateObjects gives for the same objects; a result keeps only what a report prints (no
 * extraction beyond the verdict's claims, no records: `zoneguard validate` never prints them, and
 * at 100,000 objects they were a quarter of its memory).
 */
export async function validateStream(
  objects: AsyncIterable<LoadedObject> | Iterable<LoadedObject>,
  /** The rules' context, or a function giving it once every object is read (ZonePolicies among them). */
  ruleCtx: RuleContext | (() => RuleContext),
  extractCtx: ExtractContext,
  opts: {
    filter?: ObjectFilter;
    evaluate?: EvaluateOptions;
    /** Each object of a kind zoneguard does not check (Gateways excepted), kept or counted by the caller. */
    other?: (loaded: LoadedObject) => void;
  } = {},
): Promise<VerdictResult[]> {
  const gateways: KubeObject[] = [];
  /** Gateway API ListenerSets: routes attached to one take its listeners (core/hostnames/routes.ts). */
  const listenerSets: KubeObject[] = [];
  // what Istio Gateways take targets from: Services and Ingresses (the parts read), Istio Gateways
  const related = extractCtx.objects ? undefined : new ObjectSet();
  const items: { at: SourceLocation; x?: Extraction; deferred?: KubeObject }[] = [];
  for await (const loaded of objects) {
    const { obj, file, line } = loaded;
    if (isGateway(obj)) {
      gateways.push(obj);
      continue;
    }
    if (isListenerSet(obj)) {
      listenerSets.push(obj);
      continue;
    }
    if (kindOf(obj)?.targetsOnly) {
      // Nodes, Pods, EndpointSlices: the targets of NodePort and headless Services
      related?.set(serviceTargetPartsOf(obj));
      continue;
    }
    if (isGlooRelated(obj)) {
      // Gloo VirtualServices and Gateways: a Proxy's record annotations and Gateway targets
      related?.set(metadataPartsOf(obj));
      continue;
    }
    const source = sourceOf(obj);
    if (!source) {
      opts.other?.(loaded);
      continue;
    }
    const at = { file, line };
    const istio = String(obj.apiVersion ?? '').startsWith('networking.istio.io/');
    if (related && (istio || obj.kind === 'Service' || obj.kind === 'Ingress'))
      related.set(istio ? obj : targetPartsOf(obj));
    // routes, Istio objects, NodePort and headless Services wait for the objects that give them targets
    // Gloo Proxies too (their Service, Gateways and VirtualServices), Ambassador Hosts (their Service)
    if (
      ROUTE_KIND_NAMES.includes(String(obj.kind)) ||
      istio ||
      takesServiceTargets(obj) ||
      source === 'gloo-proxy' ||
      source === 'ambassador-host'
    )
      items.push({ at, deferred: obj });
    else items.push({ at, x: compact(claimsOf(obj, extractCtx, opts.filter)!) });
  }
  // gatewayLookup indexes once: build it now that every Gateway is in
  const all = extractCtx.gateway ?? gatewayLookup(gateways);
  for (const ls of listenerSets) related?.set(ls);
  const exAll: ExtractContext = { ...extractCtx, gateway: all, objects: extractCtx.objects ?? related };
  const index = new ClaimIndex();
  const ready: { at: SourceLocation; x: Extraction }[] = [];
  for (const it of items) {
    const x = it.x ?? claimsOf(it.deferred!, exAll, opts.filter)!;
    it.deferred = undefined;
    index.set(x);
    ready.push({ at: it.at, x });
  }
  items.length = 0;
  const base = typeof ruleCtx === 'function' ? ruleCtx() : ruleCtx;
  const ctx: RuleContext = { ...base, claims: base.claims ?? index };
  const results: VerdictResult[] = new Array(ready.length);
  for (let i = 0; i < ready.length; i++) {
    results[i] = { verdict: evaluate(ready[i].x, ctx, opts.evaluate), at: ready[i].at };
    ready[i] = undefined!; // what the verdict does not keep of the extraction goes now
  }
  return results;
}
