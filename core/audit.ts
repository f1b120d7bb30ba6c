/**
 * The background audit: every object evaluated against every rule, as it stands now (objects
 * admitted before a ZonePolicy existed still violate it), turned into wgpolicyk8s.io/v1alpha2
 * PolicyReports — one per namespace for its objects' findings, and one ClusterPolicyReport for
 * cluster-wide findings (the ZonePolicies themselves: invalid ones, overlapping delegations). The
 * format Kyverno and policy-reporter read (kubernetes-sigs/wg-policy-prototypes, policy-report
 * API v1alpha2: results of source/policy/rule/result/resources/message/properties, and a summary).
 *
 * Mapping: a finding that denies (or would deny at admission) is `fail`, one of an Audit ZonePolicy
 * also `fail` (Kyverno reports audit-mode violations the same way), a Warn ZonePolicy's or a
 * rule's warning is `warn`, an object with no finding one `pass`; an object zoneguard does not
 * process (out of scope, another controller's) is `skip` with the reason. `policy` is the
 * ZonePolicy's name for zone-policy findings, else "zoneguard"; `rule` is the rule id.
 */
import type { ObjectResult } from './evaluate.js';
import type { KubeObject, ObjectRef } from './model/objects.js';
import type { Verdict, Violation } from './model/verdict.js';
import { formatViolation } from './rules/index.js';

export const POLICY_REPORT_API_VERSION = 'wgpolicyk8s.io/v1alpha2';
export const REPORT_NAME = 'zoneguard';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const SOURCE = 'zoneguard';

export type ReportResultValue = 'pass' | 'fail' | 'warn' | 'error' | 'skip';

export interface ReportResult {
  source: string;
  policy: string;
  rule: string;
  result: ReportResultValue;
  severity?: 'critical' | 'high' | 'medium' | 'low' | 'info';
  scored: boolean;
  message: string;
  resources: { apiVersion: string; kind: string; namespace?: string; name: string; uid?: string }[];
  properties?: Record<string, string>;
  timestamp: { seconds: number; nanos: number };
}

export interface ReportSummary {
  pass: number;
  fail: number;
  warn: number;
  error: number;
  skip: number;
}

export interface PolicyReport {
  apiVersion: string;
  kind: 'PolicyReport' | 'ClusterPolicyReport';
  metadata: { name: string; namespace?: string; labels: Record<string, string> };
  summary: ReportSummary;
  results: ReportResult[];
}

export interface AuditInput {
  /** Workload results (validateObjects) and ZonePolicy results (checkZonePolicy), together. */
  results: readonly { obj: KubeObject; verdict: Verdict }[];
  nowMs: number;
}

function resourceOf(ref: ObjectRef, obj: KubeObject): ReportResult['resources'][number] {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    ...(ref.namespace ? { namespace: ref.namespace } : {}),
    name: ref.name,
    ...(typeof obj.metadata?.uid === 'string' ? { uid: obj.metadata.uid } : {}),
  };
}

function findingResult(
  v: Violation,
  result: ReportResultValue,
  enforcement: string,
  base: Omit<ReportResult, 'policy' | 'rule' | 'result' | 'message' | 'severity' | 'scored'>,
): ReportResult {
  const properties: Record<string, string> = { fix: v.fix, enforcement };
  if (v.hostname) properties.hostname = v.hostname;
  if (v.field) properties.field = v.field;
  if (v.recordType) properties.recordType = v.recordType;
  return {
    ...base,
    policy: v.rule === 'zone-policy' && v.policy ? v.policy : SOURCE,
    rule: v.rule,
    result,
    severity: result === 'fail' ? 'high' : 'medium',
    scored: true,
    message: v.hostname ? `${v.hostname}: ${v.message}` : v.message,
    properties: { ...properties, ...base.properties },
  };
}

/** The results of one object: its findings, or one pass (or skip). */
export function resultsOf(obj: KubeObject, verdict: Verdict, nowMs: number): ReportResult[] {
  const timestamp = { seconds: Math.floor(nowMs / 1000), nanos: 0 };
  const base = { source: SOURCE, resources: [resourceOf(verdict.ref, obj)], timestamp };
  if (verdict.skipped)
    return [
      { ...base, policy: SOURCE, rule: 'scope', result: 'skip', scored: false, message: verdict.skipped },
    ];
  const out: ReportResult[] = [];
  for (const v of verdict.violations) out.push(findingResult(v, 'fail', v.enforcement ?? 'Deny', base));
  for (const v of verdict.audited ?? []) out.push(findingResult(v, 'fail', 'Audit', base));
  for (const v of verdict.warned ?? []) out.push(findingResult(v, 'warn', v.enforcement ?? 'Warn', base));
  // warnings that are not rule findings kept as data (no load-balancer address yet, low TTL)
  const structured = new Set((verdict.warned ?? []).map(formatViolation));
  for (const w of verdict.warnings) {
    if (structured.has(w)) continue;
    const rule = /^(?:[^:]+: )?([a-z-]+): /.exec(w)?.[1] ?? 'warning';
    out.push({ ...base, policy: SOURCE, rule, result: 'warn', severity: 'low', scored: false, message: w });
  }
  if (out.length === 0)
    out.push({
      ...base,
      policy: SOURCE,
      rule: 'all-rules',
      result: 'pass',
      scored: true,
      message: verdict.claims.length
        ? `allowed: ${[...new Set(verdict.claims.map((c) => c.hostname))].join(', ')}`
        : 'allowed (no hostnames)',
    });
  return out;
}

function summarize(results: readonly ReportResult[]): ReportSummary {
  const s: ReportSummary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) s[r.result]++;
  return s;
}

/** Stable order: by resource, then policy, rule and message (so an unchanged pass is an unchanged report). */
function sortResults(rs: ReportResult[]): ReportResult[] {
  const key = (r: ReportResult) =>
    `${r.resources[0]?.kind}|${r.resources[0]?.name}|${r.policy}|${r.rule}|${r.message}`;
  return rs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/**
 * The reports of one audit pass: a PolicyReport per namespace holding checked objects (named
 * "zoneguard", labelled managed-by zoneguard) and the ClusterPolicyReport "zoneguard".
 */
export function buildReports(input: AuditInput): { namespaced: PolicyReport[]; cluster: PolicyReport } {
  const byNamespace = new Map<string, ReportResult[]>();
  const clusterResults: ReportResult[] = [];
  for (const { obj, verdict } of input.results) {
    const rs = resultsOf(obj, verdict, input.nowMs);
    const ns = verdict.ref.namespace;
    if (!ns) clusterResults.push(...rs);
    else byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), ...rs]);
  }
  const labels = { [MANAGED_BY_LABEL]: SOURCE };
  const namespaced = [...byNamespace.keys()].sort().map((ns) => {
    const results = sortResults(byNamespace.get(ns)!);
    return {
      apiVersion: POLICY_REPORT_API_VERSION,
      kind: 'PolicyReport' as const,
      metadata: { name: REPORT_NAME, namespace: ns, labels },
      summary: summarize(results),
      results,
    };
  });
  const results = sortResults(clusterResults);
  return {
    namespaced,
    cluster: {
      apiVersion: POLICY_REPORT_API_VERSION,
      kind: 'ClusterPolicyReport',
      metadata: { name: REPORT_NAME, labels },
      summary: summarize(results),
      results,
    },
  };
}

/** Whether two reports say the same thing (timestamps aside): an unchanged pass writes nothing. */
export function sameReport(a: { summary?: unknown; results?: unknown }, b: PolicyReport): boolean {
  const strip = (rs: unknown) =>
    JSON.stringify(
      (Array.isArray(rs) ? rs : []).map((r: Record<string, unknown>) => ({ ...r, timestamp: undefined })),
    );
  return JSON.stringify(a.summary) === JSON.stringify(b.summary) && strip(a.results) === strip(b.results);
}

/** For `--output json` offline and tests: every object's results in one document. */
export function auditJson(results: readonly ObjectResult[] | AuditInput['results'], nowMs: number) {
  const { namespaced, cluster } = buildReports({ results, nowMs });
  return { reports: [...namespaced, cluster] };
}
