/**
 * The webhook's decision for one AdmissionRequest: extraction and the core rules (the same ones
 * `zoneguard validate` and the reconciler run), UPDATE semantics, and the stale-ownership policy.
 * A verdict is a plain value; server.ts turns it into an AdmissionReview.
 */
import { extract, sourceOf } from '../core/hostnames/index.js';
import type { ExtractContext } from '../core/hostnames/common.js';
import { copyOwn, describeRef, isRecord, type KubeObject } from '../core/model/objects.js';
import {
  denialMessage,
  evaluate,
  formatViolation,
  newClaimsOnly,
  type EvaluateOptions,
  type RuleContext,
  type RuleId,
  type Violation,
} from '../core/rules/index.js';
import { outOfScope, type ObjectFilter } from '../core/setup.js';
import { isZonePolicy, type CompiledZonePolicy } from '../core/policy/zone-policy.js';
import { checkZonePolicy } from '../core/policy/verdict.js';
import type { AdmissionRequest } from './review.js';

export type StalePolicy = 'deny' | 'allow' | 'warn';

/** What the ownership cache can say right now. */
export interface OwnershipState {
  /** none: no provider configured (the ownership rule is skipped). */
  state: 'none' | 'fresh' | 'stale';
  ageMs?: number;
  maxAgeMs?: number;
  lastError?: string;
}

export interface AdmitContext {
  /** Rule context with the current ownership index and cluster claims (read per request). */
  ruleContext: () => RuleContext;
  extractContext: () => ExtractContext;
  filter: ObjectFilter;
  /** Rules whose findings only warn (--duplicate-policy=warn). */
  warnOnly: ReadonlySet<RuleId>;
  ownership: () => OwnershipState;
  stalePolicy: StalePolicy;
  /** The ZonePolicies in force (a ZonePolicy under review is checked for overlaps with them). */
  zonePolicies?: () => readonly CompiledZonePolicy[];
}

/** A zone-policy finding of a review, for the per-policy metric. */
export interface ZonePolicyFinding {
  /** The ZonePolicy (or policies, comma-separated); "" when no policy selects the namespace. */
  policy: string;
  decision: 'denied' | 'warned' | 'audited';
}

export interface AdmissionVerdict {
  allowed: boolean;
  /** The denial message (status.message), naming the object and every violation. */
  message?: string;
  warnings: string[];
  /** The rules whose findings are among the warnings (metrics). */
  warnedRules?: RuleId[];
  violations: Violation[];
  /** Why the object was not checked (kind not read, out of scope, DELETE...). */
  skipped?: string;
  /** "Ingress" etc., from the request; for metrics and logs. */
  kind: string;
  object?: string;
  /** zone-policy findings by policy (metrics); absent when there are none. */
  zonePolicy?: ZonePolicyFinding[];
}

const seconds = (ms: number | undefined) =>
  ms === undefined || !Number.isFinite(ms) ? 'never loaded' : `${Math.round(ms / 1000)}s old`;

/** The object as the API server will store it: namespace and kind from the request when absent. */
function completed(obj: Record<string, unknown>, req: AdmissionRequest): KubeObject {
  const o = copyOwn(obj) as KubeObject;
  if (o.apiVersion === undefined)
    o.apiVersion = req.kind.group ? `${req.kind.group}/${req.kind.version}` : req.kind.version;
  if (o.kind === undefined) o.kind = req.kind.kind;
  if (isRecord(o.metadata) || o.metadata === undefined) {
    const meta = copyOwn(o.metadata ?? {});
    if (!meta.namespace && req.namespace) meta.namespace = req.namespace;
    if (!meta.name && req.name) meta.name = req.name;
    o.metadata = meta;
  }
  return o;
}

/** Deeper than any Service, Ingress, DNSEndpoint or HTTPRoute a user writes. */
export const MAX_OBJECT_DEPTH = 64;

/**
 * What the API server's own validation guarantees for these kinds but a hand-made review may not:
 * bounded nesting, and labels/annotations as maps of strings (the extractors read them as text).
 */
function shapeProblem(obj: unknown, where: string): string | undefined {
  if (typeof obj === 'object' && obj !== null && nestedTooDeep(obj, 0))
    return `${where} is nested more than ${MAX_OBJECT_DEPTH} levels deep`;
  const meta = (obj as KubeObject).metadata;
  if (meta === undefined) return undefined;
  if (!isRecord(meta)) return `${where}.metadata is not an object`;
  for (const field of SHAPED_META_FIELDS) {
    const m = meta[field];
    if (m === undefined || m === null) continue;
    if (field === 'name' || field === 'namespace') {
      if (typeof m !== 'string') return `${where}.metadata.${field} is not a string`;
      continue;
    }
    if (!isRecord(m)) return `${where}.metadata.${field} is not a map of strings`;
    for (const k in m)
      if (Object.hasOwn(m, k) && typeof m[k] !== 'string')
        return `${where}.metadata.${field}["${k.slice(0, 80)}"] is not a string`;
  }
  return undefined;
}

const SHAPED_META_FIELDS = ['labels', 'annotations', 'name', 'namespace'] as const;

/**
 * Whether `v` (at `depth`) holds an object MAX_OBJECT_DEPTH levels down. Recursion is bounded by
 * that depth, and walks without allocating: this runs over every object of every review.
 */
function nestedTooDeep(v: object, depth: number): boolean {
  if (depth >= MAX_OBJECT_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const child: unknown = v[i];
      if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1)) return true;
    }
    return false;
  }
  for (const k in v) {
    if (!Object.hasOwn(v, k)) continue;
    const child: unknown = (v as Record<string, unknown>)[k];
    if (typeof child === 'object' && child !== null && nestedTooDeep(child, depth + 1)) return true;
  }
  return false;
}

function objectProblem(kind: string, what: string): AdmissionVerdict {
  return {
    allowed: false,
    kind,
    message: `${kind} denied by zoneguard: ${what} (fix: send the object as JSON; this is a bug in the client or the API server's request)`,
    warnings: [],
    violations: [{ hostname: '', rule: 'object', message: what, fix: 'send the object as JSON' }],
  };
}

export function admit(req: AdmissionRequest, ctx: AdmitContext): AdmissionVerdict {
  const kind = req.kind.kind;
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE')
    return {
      allowed: true,
      kind,
      warnings: [],
      violations: [],
      skipped: `${req.operation} is always allowed`,
    };
  // status and other subresources never change the hostnames an object asks for
  if (req.subResource)
    return { allowed: true, kind, warnings: [], violations: [], skipped: `subresource ${req.subResource}` };
  if (!isRecord(req.object))
    return objectProblem(
      kind,
      `request.object is ${req.object === undefined || req.object === null ? 'missing' : `a ${Array.isArray(req.object) ? 'list' : typeof req.object}, not an object`}`,
    );
  const shape = shapeProblem(req.object, 'request.object');
  if (shape) return objectProblem(kind, shape);
  if (req.operation === 'UPDATE' && req.oldObject != null) {
    const oldShape = shapeProblem(req.oldObject, 'request.oldObject');
    if (oldShape) return objectProblem(kind, oldShape);
  }
  const obj = completed(req.object, req);
  if (isZonePolicy(obj)) return admitZonePolicy(obj, ctx, kind);
  const source = sourceOf(obj);
  if (!source)
    return {
      allowed: true,
      kind,
      warnings: [],
      violations: [],
      skipped: `${String(obj.apiVersion)} ${String(obj.kind)} is not a kind zoneguard reads`,
    };
  const why = outOfScope(ctx.filter, obj, source);
  if (why) return { allowed: true, kind, warnings: [], violations: [], skipped: why };

  const ex = ctx.extractContext();
  const x = extract(obj, ex);
  const oldX =
    req.operation === 'UPDATE' && isRecord(req.oldObject)
      ? extract(completed(req.oldObject, req), ex)
      : undefined;
  const deniable = newClaimsOnly(oldX);
  const opts: EvaluateOptions = { deniable, warnOnly: ctx.warnOnly };
  const ruleCtx = ctx.ruleContext();
  const verdict = evaluate(x, ruleCtx, opts);
  if (oldX && oldX.claims.length) {
    // what would be denied on CREATE but is kept on UPDATE, said as a warning so it gets fixed some day
    const kept = new Set(verdict.violations.map((v) => `${v.hostname}|${v.rule}|${v.message}`));
    for (const v of evaluate(x, ruleCtx, { warnOnly: ctx.warnOnly }).violations) {
      if (!kept.has(`${v.hostname}|${v.rule}|${v.message}`)) {
        verdict.warnings.push(
          `${formatViolation(v)} (not denied: the object already had this hostname before this update)`,
        );
        if (!verdict.warnedRules.includes(v.rule)) verdict.warnedRules.push(v.rule);
      }
    }
  }

  const own = ctx.ownership();
  if (own.state === 'stale' && !verdict.skipped) {
    const age = `ownership data is ${seconds(own.ageMs)} (over --max-ownership-age ${Math.round((own.maxAgeMs ?? 0) / 1000)}s)${own.lastError ? `; last refresh failed: ${own.lastError}` : ''}`;
    if (ctx.stalePolicy === 'warn') {
      verdict.warnings.push(`ownership: ${age}; hostnames were checked against the last data read`);
      if (!verdict.warnedRules.includes('ownership')) verdict.warnedRules.push('ownership');
    }
    if (ctx.stalePolicy === 'deny') {
      const denied = new Set(verdict.violations.map((v) => v.hostname));
      for (const c of verdict.claims) {
        if (!deniable(c) || denied.has(c.hostname)) continue;
        denied.add(c.hostname);
        verdict.violations.push({
          hostname: c.hostname,
          rule: 'ownership',
          message: `cannot check: ${age}`,
          fix: 'retry in a little while; the webhook keeps re-reading the DNS provider',
          field: c.field,
        });
      }
      verdict.allowed = verdict.violations.length === 0;
    }
  }
  const out: AdmissionVerdict = {
    allowed: verdict.allowed,
    kind,
    warnings: verdict.warnings,
    warnedRules: verdict.warnedRules,
    violations: verdict.violations,
    object: describeRef(x.ref),
  };
  if (verdict.skipped) out.skipped = verdict.skipped;
  if (!verdict.allowed) out.message = denialMessage(verdict, describeRef);
  if (ruleCtx.zonePolicies?.active) {
    const found: ZonePolicyFinding[] = [];
    const add = (vs: readonly Violation[] | undefined, decision: ZonePolicyFinding['decision']) => {
      for (const v of vs ?? [])
        if (v.rule === 'zone-policy') found.push({ policy: v.policy ?? '', decision });
    };
    add(verdict.violations, 'denied');
    add(verdict.warned, 'warned');
    add(verdict.audited, 'audited');
    if (found.length) out.zonePolicy = found;
  }
  return out;
}

/**
 * A ZonePolicy itself: the CRD's schema (the API server applies it too, but a webhook in front of an
 * older CRD, or a bad selector the schema cannot express, is caught here), selectors, domains, CIDRs,
 * and a warning naming both policies when another ZonePolicy delegates a common name to a
 * different namespace set.
 */
function admitZonePolicy(obj: KubeObject, ctx: AdmitContext, kind: string): AdmissionVerdict {
  const { verdict } = checkZonePolicy(obj, ctx.zonePolicies?.() ?? []);
  const out: AdmissionVerdict = {
    allowed: verdict.allowed,
    kind,
    warnings: verdict.warnings,
    warnedRules: verdict.warnedRules,
    violations: verdict.violations,
    object: describeRef(verdict.ref),
  };
  if (!verdict.allowed) out.message = denialMessage(verdict, describeRef);
  return out;
}
