/**
 * The verdict on a ZonePolicy object itself, as the webhook admits one and `zoneguard validate`
 * reports one: the CRD's schema, the selector, domains, CIDRs and exemptions (denied, field by
 * field), and a warning for every other ZonePolicy that delegates a common name to a different
 * namespace set (allowed: two teams may share on purpose, but should know).
 */
import { refOf, type KubeObject } from '../model/objects.js';
import { resourceLabel } from '../kinds.js';
import type { Extraction, Verdict, Violation } from '../model/verdict.js';
import { compileZonePolicy, delegationOverlaps, type CompiledZonePolicy } from './zone-policy.js';

export interface ZonePolicyCheck {
  extraction: Extraction;
  verdict: Verdict;
  policy?: CompiledZonePolicy;
}

/** Checks one ZonePolicy against the schema and the other policies (the ones in force, by name). */
export function checkZonePolicy(obj: KubeObject, others: readonly CompiledZonePolicy[]): ZonePolicyCheck {
  const ref = refOf(obj);
  const { policy, problems } = compileZonePolicy(obj);
  const violations: Violation[] = problems.map((p) => ({
    hostname: '',
    rule: 'zone-policy',
    message: `${p.field} ${p.message}`,
    fix: 'fix the ZonePolicy (see the CRD: kubectl explain zonepolicy.spec)',
    field: p.field,
  }));
  const warnings: string[] = [];
  if (policy) {
    const rest = others.filter((o) => o.name !== policy.name);
    for (const o of delegationOverlaps([policy, ...rest]).filter(
      (x) => x.a === policy.name || x.b === policy.name,
    )) {
      const other = o.a === policy.name ? o.b : o.a;
      warnings.push(
        `zone-policy: ZonePolicy ${policy.name} and ZonePolicy ${other} both delegate ${o.name} to different namespace sets (${policy.selector.text} / ${rest.find((r) => r.name === other)?.selector.text ?? '?'}); a namespace either selects may claim it`,
      );
    }
  }
  const extraction: Extraction = {
    ref,
    resource: resourceLabel(ref),
    claims: [],
    problems: violations,
    warnings,
  };
  const verdict: Verdict = {
    ref,
    allowed: violations.length === 0,
    violations,
    warnings,
    warnedRules: warnings.length ? ['zone-policy'] : [],
    claims: [],
  };
  return { extraction, verdict, ...(policy ? { policy } : {}) };
}
