/**
 * How plans and verdicts are told to people and programs: the text and JSON that `zoneguard plan`,
 * `validate`, `reconcile --dry-run` and `doctor` print. Every app calls these; none prints its own.
 */
import { describeEndpoint, LabelKey, type Endpoint } from './model/endpoint.js';
import { describeRef } from './model/objects.js';
import type { PlanResult } from './plan.js';
import type { ObjectResult } from './evaluate.js';
import { formatViolation } from './rules/index.js';

function line(verb: string, ep: Endpoint): string {
  const ttl = ep.ttl ? ` ttl=${ep.ttl}` : '';
  return `${verb} ${describeEndpoint(ep)}${ttl} owner=${ep.labels[LabelKey.owner] ?? ''} resource=${ep.labels[LabelKey.resource] ?? ''}`;
}

export function printPlanText(r: PlanResult, out: NodeJS.WritableStream): void {
  const c = r.changes;
  for (const ep of c.create) out.write(line('CREATE', ep) + '\n');
  c.updateNew.forEach((ep, i) =>
    out.write(
      `${line('UPDATE', ep)} (was ${c.updateOld[i].targets.join(',')}${c.updateOld[i].ttl ? ` ttl=${c.updateOld[i].ttl}` : ''})\n`,
    ),
  );
  for (const ep of c.delete) out.write(line('DELETE', ep) + '\n');
  for (const k of r.conflicts) {
    const why =
      k.reason === 'owned-by-other'
        ? `owned by "${k.owner}"`
        : k.reason === 'unowned'
          ? 'exists with no ownership record'
          : k.reason === 'cname-conflict'
            ? 'a CNAME cannot share its name with other records'
            : `lost to ${k.winner}`;
    out.write(
      `SKIP ${k.dnsName} ${k.recordType} from ${k.desired.labels[LabelKey.resource] ?? '?'}: ${why}\n`,
    );
  }
  out.write(
    `plan: ${c.create.length} to create, ${c.updateNew.length} to update, ${c.delete.length} to delete, ${r.conflicts.length} skipped\n`,
  );
}

export function resultsJson(results: readonly ObjectResult[]): object {
  return {
    results: results.map(({ verdict: v }) => ({
      apiVersion: v.ref.apiVersion,
      kind: v.ref.kind,
      namespace: v.ref.namespace ?? '',
      name: v.ref.name,
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
    })),
  };
}

export function printVerdictsText(results: readonly ObjectResult[], out: NodeJS.WritableStream): void {
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
