/**
 * ZonePolicy (zoneguard.io/v1alpha1, cluster-scoped): which names the namespaces it selects may
 * claim. Compiled once per policy change (schema, selector, domains, CIDRs, exemptions), then
 * evaluated per claim by the `zone-policy` rule without allocating more than its answer.
 *
 * Semantics (README "Delegating zones to teams"):
 * - once any ZonePolicy exists (or with --require-zone-policy), a name claimed in namespace N is
 *   allowed only if some ZonePolicy selecting N allows it: its domains cover the name, no exclusion
 *   touches it, its record type is among recordTypes (when set), A/AAAA targets are inside
 *   allowCIDRs (when set) and a CNAME target is not under a denyCNAMESuffixes entry;
 * - several policies selecting N: the name is allowed if any of them allows it (delegations add
 *   up); when none does, the strictest enforcement among them applies (Deny > Warn > Audit);
 * - no policy selects N: denied with --require-zone-policy, otherwise the strictest enforcement of
 *   all ZonePolicies applies (all in Audit while rolling out: unselected namespaces are only audited);
 * - an exemption lets one hostname in one namespace through every check of this rule until it
 *   expires, whether or not the policy selects that namespace; expiry is read from the clock at
 *   each evaluation, so an expired exemption stops applying without a restart;
 * - a ZonePolicy that does not compile (bad selector, bad domain) allows nothing but still counts
 *   as existing: a broken policy fails closed.
 */
import ipaddr from 'ipaddr.js';
import { isRecord, type KubeObject } from '../model/objects.js';
import type { Claim, Violation } from '../model/verdict.js';
import type { SchemaProblem } from '../crd/schema-problems.js';
import { hostnameProblem } from '../rules/hostname.js';
import { compileLabelSelector, selects, type CompiledSelector } from './label-selector.js';
import {
  claimedName,
  covers,
  describePattern,
  overlaps,
  parseDomain,
  touches,
  underSuffix,
  type ClaimedName,
  type NamePattern,
} from './names.js';
import { zonePolicySchemaProblems } from './schema.js';

export const ZONE_POLICY_API_VERSION = 'zoneguard.io/v1alpha1';
export const ZONE_POLICY_KIND = 'ZonePolicy';
/** Set by the API server on every Namespace (Kubernetes 1.21+); zoneguard adds it where it is missing. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export type Enforcement = 'Deny' | 'Warn' | 'Audit';
const STRICTNESS: Record<Enforcement, number> = { Audit: 0, Warn: 1, Deny: 2 };

export interface Exemption {
  hostname: string;
  namespace: string;
  expires: string;
  expiresMs: number;
  reason?: string;
}

export interface CompiledZonePolicy {
  name: string;
  selector: CompiledSelector;
  domains: NamePattern[];
  exclude: NamePattern[];
  recordTypes?: string[];
  allowCIDRs?: { text: string; range: [ipaddr.IPv4 | ipaddr.IPv6, number] }[];
  denyCNAMESuffixes?: string[];
  enforcement: Enforcement;
  exemptions: Exemption[];
}

export function isZonePolicy(obj: KubeObject): boolean {
  return obj.kind === ZONE_POLICY_KIND && String(obj.apiVersion ?? '').startsWith('zoneguard.io/');
}

export function isNamespace(obj: KubeObject): boolean {
  return obj.kind === 'Namespace' && obj.apiVersion === 'v1';
}

const strList = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** Compiles a ZonePolicy object: the policy, or every problem found (schema first, then meaning). */
export function compileZonePolicy(obj: KubeObject): {
  policy?: CompiledZonePolicy;
  problems: SchemaProblem[];
} {
  const problems: SchemaProblem[] = [];
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '')
    problems.push({ field: 'metadata.name', message: 'is required' });
  if (obj.metadata?.namespace)
    problems.push({ field: 'metadata.namespace', message: 'must be empty: ZonePolicy is cluster-scoped' });
  problems.push(...zonePolicySchemaProblems(obj));
  if (problems.length) return { problems };
  const spec = obj.spec as Record<string, unknown>;
  const sel = compileLabelSelector(spec.namespaceSelector, 'spec.namespaceSelector');
  problems.push(...sel.problems);
  const patterns = (list: string[], field: string) => {
    const out: NamePattern[] = [];
    list.forEach((d, i) => {
      const p = parseDomain(d);
      if (typeof p === 'string') problems.push({ field: `${field}[${i}]`, message: `"${d}" ${p}` });
      else out.push(p);
    });
    return out;
  };
  const domains = patterns(strList(spec.domains), 'spec.domains');
  const exclude = patterns(strList(spec.excludeDomains), 'spec.excludeDomains');
  const targets = isRecord(spec.targets) ? spec.targets : {};
  const allowCIDRs: NonNullable<CompiledZonePolicy['allowCIDRs']> = [];
  strList(targets.allowCIDRs).forEach((c, i) => {
    try {
      allowCIDRs.push({ text: c, range: ipaddr.parseCIDR(c) });
    } catch {
      problems.push({
        field: `spec.targets.allowCIDRs[${i}]`,
        message: `"${c}" is not a CIDR (address/prefix, e.g. 203.0.113.0/24 or 2001:db8::/32)`,
      });
    }
  });
  const denyCNAMESuffixes: string[] = [];
  strList(targets.denyCNAMESuffixes).forEach((s, i) => {
    const p = parseDomain(s.startsWith('.') ? s.slice(1) : s);
    if (typeof p === 'string' || !p.apex)
      problems.push({
        field: `spec.targets.denyCNAMESuffixes[${i}]`,
        message: `"${s}" ${typeof p === 'string' ? p : 'must be a domain name, not a wildcard'}`,
      });
    else denyCNAMESuffixes.push(p.labels.join('.'));
  });
  const exemptions: Exemption[] = [];
  (Array.isArray(spec.exemptions) ? spec.exemptions : []).forEach((e: Record<string, unknown>, i: number) => {
    const hostname = String(e.hostname).trim().toLowerCase().replace(/\.$/, '');
    const bad = hostnameProblem(hostname);
    if (bad)
      problems.push({ field: `spec.exemptions[${i}].hostname`, message: `"${String(e.hostname)}": ${bad}` });
    const expiresMs = Date.parse(String(e.expires));
    // the schema checked the format (RFC 3339); Date.parse agrees on every RFC 3339 time
    exemptions.push({
      hostname,
      namespace: String(e.namespace),
      expires: String(e.expires),
      expiresMs,
      ...(typeof e.reason === 'string' && e.reason ? { reason: e.reason } : {}),
    });
  });
  if (problems.length || !sel.selector) return { problems };
  const types = strList(spec.recordTypes).map((t) => t.toUpperCase());
  const policy: CompiledZonePolicy = {
    name: name as string,
    selector: sel.selector,
    domains,
    exclude,
    enforcement: (spec.enforcement as Enforcement | undefined) ?? 'Deny',
    exemptions,
  };
  if (types.length) policy.recordTypes = types;
  if (allowCIDRs.length) policy.allowCIDRs = allowCIDRs;
  if (denyCNAMESuffixes.length) policy.denyCNAMESuffixes = denyCNAMESuffixes;
  return { policy, problems };
}

const list = (ps: readonly NamePattern[]) => `[${ps.map(describePattern).join(', ')}]`;

/** What a policy delegates, for messages: "[a.example.com] excluding [admin.a.example.com]". */
export function describeDelegation(p: CompiledZonePolicy): string {
  return p.exclude.length ? `${list(p.domains)} excluding ${list(p.exclude)}` : list(p.domains);
}

/** Targets repeat across reviews (a load balancer's few addresses): each is parsed once. */
const addressCache = new Map<string, ipaddr.IPv4 | ipaddr.IPv6 | null>();
const ADDRESS_CACHE_MAX = 4096;

function addressOf(target: string): ipaddr.IPv4 | ipaddr.IPv6 | null {
  let addr = addressCache.get(target);
  if (addr !== undefined) return addr;
  try {
    addr = ipaddr.parse(target);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
      addr = (addr as ipaddr.IPv6).toIPv4Address();
  } catch {
    addr = null;
  }
  if (addressCache.size >= ADDRESS_CACHE_MAX) addressCache.clear();
  addressCache.set(target, addr);
  return addr;
}

function inCIDRs(p: CompiledZonePolicy, target: string): boolean {
  const addr = addressOf(target);
  if (!addr) return false;
  const kind = addr.kind();
  for (const c of p.allowCIDRs ?? []) if (kind === c.range[0].kind() && addr.match(c.range)) return true;
  return false;
}

function coveredByAny(ps: readonly NamePattern[], name: ClaimedName): boolean {
  for (let i = 0; i < ps.length; i++) if (covers(ps[i], name)) return true;
  return false;
}

/** Why this policy does not allow the claim, or undefined when it does. */
export function refusal(p: CompiledZonePolicy, claim: Claim, name: ClaimedName): string | undefined {
  if (!coveredByAny(p.domains, name))
    return name.wildcard
      ? `wildcard ${claim.hostname} reaches beyond ${list(p.domains)}`
      : `not in ${list(p.domains)}`;
  for (const e of p.exclude)
    if (touches(e, name))
      return name.wildcard && !covers(e, name)
        ? `wildcard ${claim.hostname} would answer for excluded ${describePattern(e)}`
        : `excluded by ${describePattern(e)}`;
  const t = claim.recordType;
  if (!t) return undefined;
  if (p.recordTypes && !p.recordTypes.includes(t))
    return `record type ${t} not in [${p.recordTypes.join(', ')}]`;
  if (p.allowCIDRs && (t === 'A' || t === 'AAAA'))
    for (const target of claim.targets)
      if (!inCIDRs(p, target))
        return `target ${target} is outside [${p.allowCIDRs.map((c) => c.text).join(', ')}]`;
  if (p.denyCNAMESuffixes && t === 'CNAME')
    for (const target of claim.targets)
      for (const s of p.denyCNAMESuffixes)
        if (underSuffix(target, s)) return `CNAME target ${target} is under denied suffix ${s}`;
  return undefined;
}

export interface ZonePolicySetOptions {
  /** --require-zone-policy: a namespace no policy selects is denied even when no ZonePolicy exists. */
  required?: boolean;
  /** Labels of a namespace, when known (Namespace objects); the name label is added either way. */
  namespaceLabels?: (namespace: string) => Record<string, string> | undefined;
  /** Names of ZonePolicies that exist but do not compile (they allow nothing). */
  invalid?: readonly string[];
}

/** Every ZonePolicy, compiled, with the namespaces' labels: what the `zone-policy` rule reads. */
export class ZonePolicySet {
  readonly policies: readonly CompiledZonePolicy[];
  readonly required: boolean;
  readonly invalid: readonly string[];
  private readonly labelsOf: (ns: string) => Record<string, string> | undefined;
  private readonly selecting = new Map<string, CompiledZonePolicy[]>();
  private readonly exempting: CompiledZonePolicy[];
  /** The enforcement when no policy selects the namespace. */
  private readonly unselected: Enforcement;

  constructor(policies: readonly CompiledZonePolicy[], opts: ZonePolicySetOptions = {}) {
    this.policies = [...policies].sort((a, b) => a.name.localeCompare(b.name));
    this.required = opts.required ?? false;
    this.invalid = opts.invalid ?? [];
    this.labelsOf = opts.namespaceLabels ?? (() => undefined);
    this.exempting = this.policies.filter((p) => p.exemptions.length > 0);
    this.unselected =
      this.required || this.invalid.length ? 'Deny' : strictest(this.policies.map((p) => p.enforcement));
  }

  /** Whether the rule applies at all: some ZonePolicy exists, or one is required. */
  get active(): boolean {
    return this.required || this.policies.length > 0 || this.invalid.length > 0;
  }

  /** The labels a namespace is selected by (the name label always among them). */
  namespaceLabels(namespace: string): Record<string, string> {
    const l = this.labelsOf(namespace);
    return l?.[NAMESPACE_NAME_LABEL] === namespace ? l : { ...l, [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** The policies selecting a namespace (by name order). */
  policiesFor(namespace: string): CompiledZonePolicy[] {
    let ps = this.selecting.get(namespace);
    if (!ps) {
      const labels = this.namespaceLabels(namespace);
      ps = this.policies.filter((p) => selects(p.selector, labels));
      this.selecting.set(namespace, ps);
    }
    return ps;
  }

  /** The exemption letting this hostname through in this namespace now, if any. */
  exemptionFor(
    hostname: string,
    namespace: string,
    nowMs: number,
  ): { policy: string; exemption: Exemption } | undefined {
    if (this.exempting.length === 0) return undefined;
    const h = hostname.toLowerCase();
    for (const p of this.exempting)
      for (const e of p.exemptions)
        if (e.namespace === namespace && e.hostname === h && nowMs < e.expiresMs)
          return { policy: p.name, exemption: e };
    return undefined;
  }

  /** The `zone-policy` finding for one claim of an object in `namespace`, or undefined when allowed. */
  check(claim: Claim, namespace: string, nowMs: number): Violation | undefined {
    if (!this.active) return undefined;
    if (this.exemptionFor(claim.hostname, namespace, nowMs)) return undefined;
    const ps = this.policiesFor(namespace);
    // the allowed path allocates nothing but the claimed name's labels
    let name: ClaimedName | undefined;
    if (ps.length) {
      name = claimedName(claim.hostname);
      for (const p of ps) if (refusal(p, claim, name) === undefined) return undefined;
    }
    const base: Violation = {
      hostname: claim.hostname,
      rule: 'zone-policy',
      message: '',
      fix: '',
      field: claim.field,
    };
    if (claim.recordType) base.recordType = claim.recordType;
    if (ps.length === 0) {
      const broken = this.invalid.length
        ? this.invalid.length === 1
          ? ` (ZonePolicy ${this.invalid[0]} is invalid and allows nothing)`
          : ` (ZonePolicies ${this.invalid.join(', ')} are invalid and allow nothing)`
        : '';
      return withEnforcement(
        {
          ...base,
          message: `no ZonePolicy selects namespace "${namespace}"${broken}`,
          fix: `ask the cluster's DNS administrators for a ZonePolicy whose namespaceSelector selects namespace "${namespace}" and whose domains cover ${claim.hostname}`,
        },
        this.unselected,
      );
    }
    const reasons: string[] = [];
    for (const p of ps) {
      const why = refusal(p, claim, name!) ?? '';
      reasons.push(ps.length === 1 ? `ZonePolicy ${p.name}: ${why}` : `${p.name}: ${why}`);
    }
    const names = ps.map((p) => p.name);
    const delegations = ps.map((p) => `${p.name} ${describeDelegation(p)}`).join('; ');
    return withEnforcement(
      {
        ...base,
        message: `not delegated to namespace "${namespace}" (${ps.length === 1 ? reasons[0] : `ZonePolicies ${reasons.join('; ')}`})`,
        fix: `use a name namespace "${namespace}" is delegated (${delegations}), or have ZonePolicy ${names.join(' or ')} changed to delegate it`,
        policy: names.join(','),
      },
      strictest(ps.map((p) => p.enforcement)),
    );
  }
}

function strictest(es: readonly Enforcement[]): Enforcement {
  let out: Enforcement = 'Audit';
  for (const e of es) if (STRICTNESS[e] > STRICTNESS[out]) out = e;
  return es.length ? out : 'Deny';
}

function withEnforcement(v: Violation, e: Enforcement): Violation {
  if (e !== 'Deny') v.enforcement = e;
  return v;
}

/**
 * Pairs of policies that delegate a common name to different namespace sets (different selectors):
 * each pair with one name both delegate. Exclusions of either side that cover the shared part are
 * taken into account.
 */
export function delegationOverlaps(
  policies: readonly CompiledZonePolicy[],
): { a: string; b: string; name: string }[] {
  const out: { a: string; b: string; name: string }[] = [];
  for (let i = 0; i < policies.length; i++)
    for (let j = i + 1; j < policies.length; j++) {
      const a = policies[i];
      const b = policies[j];
      if (a.selector.text === b.selector.text) continue;
      const shared = firstOverlap(a, b);
      if (shared) out.push({ a: a.name, b: b.name, name: shared });
    }
  return out;
}

function firstOverlap(a: CompiledZonePolicy, b: CompiledZonePolicy): string | undefined {
  for (const da of a.domains)
    for (const db of b.domains) {
      const o = overlaps(da, db);
      if (!o) continue;
      const asClaim: ClaimedName = { labels: o.labels, wildcard: !o.apex };
      if ([...a.exclude, ...b.exclude].some((e) => covers(e, asClaim))) continue;
      return describePattern(o);
    }
  return undefined;
}

export interface InvalidZonePolicy {
  obj: KubeObject;
  name: string;
  problems: SchemaProblem[];
}

/** Labels by namespace name, from Namespace objects. */
export function namespaceLabelsOf(objs: Iterable<KubeObject>): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const o of objs) {
    const name = o.metadata?.name;
    if (!isNamespace(o) || typeof name !== 'string') continue;
    const labels = isRecord(o.metadata?.labels) ? o.metadata.labels : {};
    out.set(name, { ...labels, [NAMESPACE_NAME_LABEL]: name });
  }
  return out;
}

/**
 * The ZonePolicySet of a set of objects (manifests, or the cluster's Namespaces and ZonePolicies):
 * every ZonePolicy compiled, the Namespaces' labels, and the policies that do not compile.
 */
export function zonePolicySetFrom(
  objs: Iterable<KubeObject>,
  opts: { required?: boolean } = {},
): { set: ZonePolicySet; invalid: InvalidZonePolicy[] } {
  const all = [...objs];
  const policies: CompiledZonePolicy[] = [];
  const invalid: InvalidZonePolicy[] = [];
  for (const o of all) {
    if (!isZonePolicy(o)) continue;
    const { policy, problems } = compileZonePolicy(o);
    if (policy) policies.push(policy);
    else invalid.push({ obj: o, name: String(o.metadata?.name ?? '(unnamed)'), problems });
  }
  const labels = namespaceLabelsOf(all);
  const set = new ZonePolicySet(policies, {
    required: opts.required,
    namespaceLabels: (ns) => labels.get(ns),
    invalid: invalid.map((i) => i.name),
  });
  return { set, invalid };
}
