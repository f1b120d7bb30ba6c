/**
 * Validates a set of objects together, as `zoneguard validate`, `plan` and the manifest source do:
 * extraction, then every rule, with the duplicate rule seeing all the objects at once.
 * Gateways in the set provide HTTPRoute targets.
 */
import { ClaimIndex } from './claim-index.js';
import type { Endpoint } from './model/endpoint.js';
import { endpointsOf, extract, sourceOf } from './hostnames/index.js';
import type { ExtractContext } from './hostnames/common.js';
import type { KubeObject } from './model/objects.js';
import {
  evaluate,
  type EvaluateOptions,
  type Extraction,
  type RuleContext,
  type Verdict,
} from './rules/index.js';
import { outOfScope, type ObjectFilter } from './setup.js';

export interface ObjectResult {
  obj: KubeObject;
  extraction: Extraction;
  verdict: Verdict;
  /** Records this object would publish (empty when denied or skipped). */
  endpoints: Endpoint[];
}

export function gatewayLookup(
  objs: readonly KubeObject[],
): (ns: string, name: string) => KubeObject | undefined {
  const gateways = new Map<string, KubeObject>();
  for (const o of objs) {
    if (o.kind === 'Gateway' && String(o.apiVersion ?? '').startsWith('gateway.networking.k8s.io/')) {
      gateways.set(`${o.metadata?.namespace ?? 'default'}/${o.metadata?.name}`, o);
    }
  }
  return (ns, name) => gateways.get(`${ns}/${name}`);
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
  const ex: ExtractContext = { ...extractCtx, gateway: extractCtx.gateway ?? gatewayLookup(objs) };
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
