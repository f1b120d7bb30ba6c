/**
 * How plans and verdicts are told to people and programs: the text and JSON that `zoneguard plan`,
 * `validate`, `reconcile --dry-run` and `doctor` print, and the CI formats of `validate` (SARIF
 * 2.1.0 for code scanning, JUnit XML for test reports, GitHub workflow commands for annotations).
 * Every app calls these; none prints its own.
 */
import { relative, sep } from 'node:path';
import type { Log as SarifLog, Result as SarifResult, ReportingDescriptor } from 'sarif';
import { buildInfo } from './build-info.js';
import { describeEndpoint, LabelKey, type Endpoint } from './model/endpoint.js';
import { describeRef, type KubeObject } from './model/objects.js';
import { planToJson, type PlanConflict, type PlanResult } from './plan.js';
import type { SyncPlan } from './sync-plan.js';
import { describeHold, RELEASE_ANNOTATION } from './deletion-guard.js';
import type { VerdictResult } from './evaluate.js';
import type { SourceLocation } from './manifests.js';
import { formatViolation, RULE_IDS, type RuleId } from './rules/index.js';

function line(verb: string, ep: Endpoint): string {
  const ttl = ep.ttl ? ` ttl=${ep.ttl}` : '';
  return `${verb} ${describeEndpoint(ep)}${ttl} owner=${ep.labels[LabelKey.owner] ?? ''} resource=${ep.labels[LabelKey.resource] ?? ''}`;
}

/** Why a desired record was not applied, in words. */
export function describeConflict(k: PlanConflict): string {
  return k.reason === 'owned-by-other'
    ? `owned by "${k.owner}"`
    : k.reason === 'unowned'
      ? 'exists with no ownership record'
      : k.reason === 'cname-conflict'
        ? 'a CNAME cannot share its name with other records'
        : `lost to ${k.winner || 'the current owner'} (the current owner keeps the name)`;
}

const isSync = (r: PlanResult | SyncPlan): r is SyncPlan => 'desired' in r;

/**
 * The plan as `zoneguard plan` and `reconcile --dry-run` print it (one printer for both): the
 * changes, then why anything desired is not in them, then a summary line.
 */
export function printPlanText(r: PlanResult | SyncPlan, out: NodeJS.WritableStream): void {
  const c = r.changes;
  for (const ep of c.create) out.write(line('CREATE', ep) + '\n');
  c.updateNew.forEach((ep, i) =>
    out.write(
      `${line('UPDATE', ep)} (was ${c.updateOld[i].targets.join(',')}${c.updateOld[i].ttl ? ` ttl=${c.updateOld[i].ttl}` : ''})\n`,
    ),
  );
  for (const ep of c.delete) out.write(line('DELETE', ep) + '\n');
  for (const k of r.conflicts)
    out.write(
      `CONFLICT ${k.dnsName} ${k.recordType} from ${k.desired.labels[LabelKey.resource] ?? '?'}: ${describeConflict(k)}\n`,
    );
  let kept = 0;
  let denied = 0;
  let warned = 0;
  let skipped = 0;
  if (isSync(r)) {
    for (const o of r.desired.outcomes) {
      const who = describeRef(o.verdict.ref);
      if (o.verdict.warnings.length) warned++;
      for (const w of o.verdict.warnings) out.write(`WARN ${who}: ${w}\n`);
      if (o.outcome === 'skipped') {
        skipped++;
        out.write(`SKIP ${who}: ${o.verdict.skipped}\n`);
      } else if (o.outcome === 'rejected') {
        denied++;
        for (const v of o.verdict.violations) out.write(`DENY ${who}: ${formatViolation(v)}\n`);
        for (const ep of o.endpoints) {
          kept++;
          out.write(`KEEP ${describeEndpoint(ep)}: published record kept unchanged while ${who} is denied\n`);
        }
      }
    }
    for (const z of r.noZone)
      out.write(
        `NOZONE ${describeEndpoint(z.endpoint)} from ${z.endpoint.labels[LabelKey.resource] ?? '?'}: in no zone the provider manages (zones: ${z.zones.join(', ') || 'none'})\n`,
      );
    if (r.hold)
      out.write(
        `HOLD ${describeHold(r.hold)}${r.hold.released ? '' : '; release with --release-deletions (one run) or the Lease annotation ' + RELEASE_ANNOTATION}\n`,
      );
  }
  const s = isSync(r);
  out.write(
    `plan: ${c.create.length} to create, ${c.updateNew.length} to update, ${c.delete.length} to delete` +
      (s ? `, ${r.hold && !r.hold.released ? r.hold.count : 0} deletions held` : '') +
      `, ${r.conflicts.length} conflicts` +
      (s
        ? `, ${kept} kept, ${denied} denied, ${warned} warned, ${skipped} skipped, ${r.noZone.length} without zone`
        : '') +
      '\n',
  );
}

/** The plan as `--output json` prints it, for `plan` and `reconcile --dry-run` alike. */
export function planJson(r: SyncPlan): object {
  const entry = (ep: Endpoint) => ({
    dnsName: ep.dnsName,
    recordType: ep.recordType,
    targets: [...ep.targets],
    ttl: ep.ttl ?? 0,
    labels: { owner: ep.labels[LabelKey.owner] ?? '', resource: ep.labels[LabelKey.resource] ?? '' },
  });
  const ref = (o: SyncPlan['desired']['outcomes'][number]) => ({
    apiVersion: o.verdict.ref.apiVersion,
    kind: o.verdict.ref.kind,
    namespace: o.verdict.ref.namespace ?? '',
    name: o.verdict.ref.name,
  });
  return {
    ...planToJson(r.changes),
    conflicts: r.conflicts.map((k) => ({
      ...entry(k.desired),
      reason: k.reason,
      ...(k.owner !== undefined ? { owner: k.owner } : {}),
      ...(k.winner !== undefined ? { winner: k.winner } : {}),
      message: describeConflict(k),
    })),
    warned: r.desired.outcomes
      .filter((o) => o.verdict.warnings.length > 0)
      .map((o) => ({ ...ref(o), warnings: o.verdict.warnings })),
    denied: r.desired.outcomes
      .filter((o) => o.outcome === 'rejected')
      .map((o) => ({
        ...ref(o),
        violations: o.verdict.violations.map((v) => ({
          hostname: v.hostname,
          rule: v.rule,
          message: v.message,
          fix: v.fix,
        })),
        kept: o.endpoints.map(entry),
      })),
    skipped: r.desired.outcomes
      .filter((o) => o.outcome === 'skipped')
      .map((o) => ({ ...ref(o), reason: o.verdict.skipped })),
    noZone: r.noZone.map((z) => ({ ...entry(z.endpoint), zones: z.zones })),
    hold: r.hold
      ? {
          count: r.hold.count,
          owned: r.hold.owned,
          limit: r.hold.limit,
          released: r.hold.released,
          byZone: Object.fromEntries(r.hold.byZone),
          byResource: Object.fromEntries(r.hold.byResource),
          records: r.hold.records.map(entry),
        }
      : null,
  };
}

/** The verdicts of a run, with where each object came from and notes about the run itself. */
export type { SourceLocation };

/** Where a result's object came from: its own location, else the report's lookup. */
function whereOf(result: VerdictResult, locate?: VerdictReport['locate']): SourceLocation | undefined {
  return result.at ?? (result.obj && locate?.(result.obj));
}

export interface VerdictReport {
  results: readonly VerdictResult[];
  locate?: (obj: KubeObject) => SourceLocation | undefined;
  /** Warnings about the run (no provider: ownership not checked; kinds not read). */
  notes?: readonly string[];
}

export type VerdictFormat = 'text' | 'json' | 'sarif' | 'junit' | 'github';

/** One line per rule id, as README's rule table says it: SARIF rule descriptors and JUnit types. */
const RULE_SUMMARIES: Record<RuleId, string> = {
  'domain-filter': 'hostname outside --domain-filter, or inside --exclude-domains',
  ownership: 'name already published under another owner id, or with no ownership record',
  duplicate: 'two objects claim the same name and record type',
  hostname: 'hostname is not a valid RFC 1123 name',
  target: 'target does not fit the record type',
  ttl: 'TTL is not an integer in 1..2147483647',
  'record-type': 'record type outside --managed-record-types',
  'public-private': 'private, loopback or link-local address in a public zone',
  object: 'object the API server would refuse or zoneguard cannot read',
  'zone-policy': 'name not delegated to the namespace by a ZonePolicy (or the ZonePolicy itself is invalid)',
};

export interface VerdictSummary {
  objects: number;
  allowed: number;
  denied: number;
  skipped: number;
  /** Objects allowed with at least one warning. */
  warned: number;
  /** Violations per rule id, every rule listed (0 when it found nothing). */
  violationsByRule: Record<RuleId, number>;
}

export function summarizeVerdicts(results: readonly VerdictResult[]): VerdictSummary {
  const violationsByRule = Object.fromEntries(RULE_IDS.map((id) => [id, 0])) as Record<RuleId, number>;
  let denied = 0;
  let skipped = 0;
  let warned = 0;
  for (const { verdict: v } of results) {
    if (!v.allowed) denied++;
    if (v.skipped) skipped++;
    if (v.allowed && v.warnings.length) warned++;
    for (const viol of v.violations) violationsByRule[viol.rule]++;
  }
  return {
    objects: results.length,
    allowed: results.length - denied,
    denied,
    skipped,
    warned,
    violationsByRule,
  };
}

function summaryLine(s: VerdictSummary): string {
  const rules = RULE_IDS.filter((id) => s.violationsByRule[id] > 0).map(
    (id) => `${id} ${s.violationsByRule[id]}`,
  );
  return `${s.objects} object(s): ${s.allowed} allowed, ${s.denied} denied${rules.length ? `; violations by rule: ${rules.join(', ')}` : ''}`;
}

export function resultsJson(results: readonly VerdictResult[], locate?: VerdictReport['locate']): object {
  return {
    results: results.map((result) => {
      const v = result.verdict;
      const at = whereOf(result, locate);
      return {
        apiVersion: v.ref.apiVersion,
        kind: v.ref.kind,
        namespace: v.ref.namespace ?? '',
        name: v.ref.name,
        ...(at ? { file: at.file, line: at.line } : {}),
        allowed: v.allowed,
        violations: v.violations.map((x) => ({
          hostname: x.hostname,
          rule: x.rule,
          message: x.message,
          fix: x.fix,
          ...(x.field ? { field: x.field } : {}),
        })),
        warnings: v.warnings,
        ...(v.skipped ? { skipped: v.skipped } : {}),
      };
    }),
    summary: summarizeVerdicts(results),
  };
}

export function printVerdictsText(results: readonly VerdictResult[], out: NodeJS.WritableStream): void {
  for (const { verdict: v } of results) {
    const who = describeRef(v.ref);
    for (const viol of v.violations) out.write(`DENY ${who}: ${formatViolation(viol)}\n`);
    for (const w of v.warnings) out.write(`WARN ${who}: ${w}\n`);
    if (v.skipped) out.write(`SKIP ${who}: ${v.skipped}\n`);
    else if (v.allowed)
      out.write(
        `ALLOW ${who}: ${
          v.claims
            .map((c) => c.hostname)
            .filter((h, i, a) => a.indexOf(h) === i)
            .join(', ') || '(no hostnames)'
        }\n`,
      );
  }
}

/** A path as SARIF and GitHub want it: relative to the working directory (the checkout), with `/`. */
function repoPath(file: string): string {
  const rel = relative(process.cwd(), file) || file;
  return rel.split(sep).join('/');
}

const SARIF_SCHEMA =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
const WARNING_RULE = 'warning';

/** SARIF 2.1.0: one result per violation (level error) and per warning (level warning). */
export function verdictsSarif(report: VerdictReport): SarifLog {
  const rules: ReportingDescriptor[] = [
    ...RULE_IDS.map((id) => ({ id, name: id, shortDescription: { text: RULE_SUMMARIES[id] } })),
    {
      id: WARNING_RULE,
      name: WARNING_RULE,
      shortDescription: { text: 'non-fatal finding: the object is allowed' },
    },
  ];
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: SarifResult[] = [];
  for (const result of report.results) {
    const v = result.verdict;
    const at = whereOf(result, report.locate);
    const who = describeRef(v.ref);
    const locations: SarifResult['locations'] = [
      {
        ...(at
          ? {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(repoPath(at.file)), uriBaseId: '%SRCROOT%' },
                region: { startLine: at.line },
              },
            }
          : {}),
        logicalLocations: [
          { fullyQualifiedName: `${v.ref.kind}/${v.ref.namespace ?? ''}/${v.ref.name}`, kind: 'object' },
        ],
      },
    ];
    for (const viol of v.violations)
      results.push({
        ruleId: viol.rule,
        ruleIndex: ruleIndex.get(viol.rule),
        level: 'error',
        message: { text: `${who}: ${formatViolation(viol)} (fix: ${viol.fix})` },
        locations,
        partialFingerprints: { objectHostnameRule: `${who}|${viol.hostname}|${viol.rule}` },
      });
    for (const w of v.warnings)
      results.push({
        ruleId: WARNING_RULE,
        ruleIndex: ruleIndex.get(WARNING_RULE),
        level: 'warning',
        message: { text: `${who}: ${w}` },
        locations,
      });
  }
  const { version } = buildInfo();
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'zoneguard',
            version,
            informationUri: 'https://github.com/zoneguard/zoneguard',
            rules,
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileUri(process.cwd()) } },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: (report.notes ?? []).map((n) => ({
              level: 'warning' as const,
              message: { text: n },
            })),
          },
        ],
        results,
        properties: { summary: summarizeVerdicts(report.results) },
      },
    ],
  };
}

function pathToFileUri(dir: string): string {
  const p = dir.split(sep).join('/');
  return `file://${encodeURI(p.startsWith('/') ? p : `/${p}`)}${p.endsWith('/') ? '' : '/'}`;
}

/** Text for XML attributes and content: escaped, and without the control characters XML 1.0 forbids. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * JUnit XML as CI test reporters read it (Jenkins, GitLab, Azure Pipelines): one testsuite per file,
 * one testcase per object; a denied object is a failure with every violation, a skipped one skipped.
 */
export function verdictsJunit(report: VerdictReport): string {
  const bySuite = new Map<string, { result: VerdictResult; at?: SourceLocation }[]>();
  for (const result of report.results) {
    const at = whereOf(result, report.locate);
    const suite = at ? repoPath(at.file) : 'objects';
    const list = bySuite.get(suite) ?? [];
    list.push({ result, at });
    bySuite.set(suite, list);
  }
  const s = summarizeVerdicts(report.results);
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(
    `<testsuites name="zoneguard validate" tests="${s.objects}" failures="${s.denied}" errors="0" skipped="${s.skipped}">`,
  );
  for (const [suite, items] of bySuite) {
    const failures = items.filter((i) => !i.result.verdict.allowed).length;
    const skipped = items.filter((i) => i.result.verdict.skipped).length;
    out.push(
      `  <testsuite name="${xml(suite)}" tests="${items.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    );
    for (const { result, at } of items) {
      const v = result.verdict;
      const where = at ? ` file="${xml(repoPath(at.file))}" line="${at.line}"` : '';
      out.push(`    <testcase classname="${xml(suite)}" name="${xml(describeRef(v.ref))}"${where}>`);
      if (v.skipped) out.push(`      <skipped message="${xml(v.skipped)}"/>`);
      if (!v.allowed) {
        const rules = [...new Set(v.violations.map((x) => x.rule))].join(',');
        const text = v.violations.map((x) => `${formatViolation(x)} (fix: ${x.fix})`).join('\n');
        out.push(
          `      <failure type="${xml(rules)}" message="${xml(v.violations.map(formatViolation).join('; '))}">${xml(text)}</failure>`,
        );
      }
      if (v.warnings.length)
        out.push(`      <system-out>${xml(v.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-out>`);
      out.push('    </testcase>');
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

// GitHub workflow commands: data escapes %, CR, LF; property values also ':' and ','
// (the encoding of @actions/core's command.ts, documented under "workflow commands").
const ghData = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const ghProperty = (s: string) => ghData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub Actions annotations: `::error file=…,line=…,title=…::message`, one per violation and warning. */
export function printVerdictsGithub(report: VerdictReport, out: NodeJS.WritableStream): void {
  for (const n of report.notes ?? []) out.write(`::warning title=zoneguard::${ghData(n)}\n`);
  for (const result of report.results) {
    const v = result.verdict;
    const at = whereOf(result, report.locate);
    const where = at ? `file=${ghProperty(repoPath(at.file))},line=${at.line},` : '';
    const who = describeRef(v.ref);
    for (const viol of v.violations)
      out.write(
        `::error ${where}title=${ghProperty(`zoneguard ${viol.rule}`)}::${ghData(`${who}: ${formatViolation(viol)} (fix: ${viol.fix})`)}\n`,
      );
    for (const w of v.warnings)
      out.write(`::warning ${where}title=${ghProperty('zoneguard warning')}::${ghData(`${who}: ${w}`)}\n`);
  }
  out.write(summaryLine(summarizeVerdicts(report.results)) + '\n');
}

/** `zoneguard validate`'s output in any of its formats; notes go to `err` where stdout is a document. */
export function printVerdicts(
  format: VerdictFormat,
  report: VerdictReport,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
): void {
  const notes = report.notes ?? [];
  switch (format) {
    case 'json':
      out.write(JSON.stringify(resultsJson(report.results, report.locate), null, 2) + '\n');
      for (const n of notes) err.write(`zoneguard: warning: ${n}\n`);
      return;
    case 'sarif':
      out.write(JSON.stringify(verdictsSarif(report), null, 2) + '\n');
      for (const n of notes) err.write(`zoneguard: warning: ${n}\n`);
      return;
    case 'junit':
      out.write(verdictsJunit(report));
      for (const n of notes) err.write(`zoneguard: warning: ${n}\n`);
      return;
    case 'github':
      printVerdictsGithub(report, out);
      return;
    case 'text':
      for (const n of notes) err.write(`zoneguard: warning: ${n}\n`);
      printVerdictsText(report.results, out);
      out.write(summaryLine(summarizeVerdicts(report.results)) + '\n');
      return;
  }
}
