/** Builds the core's objects from a resolved Config; the one place flags become domain objects. */
import { bool, num, regex, str, strs, type Config } from './config.js';
import { DomainFilter } from './domain-filter.js';
import type { ExtractContext } from './hostnames/common.js';
import type { Policy } from './plan.js';
import { TxtRegistry } from './registry/txt-registry.js';
import type { RuleContext } from './rules/rules.js';
import type { Provider } from './providers/provider.js';
import type { OwnershipIndex } from './ownership.js';
import type { ClaimIndex } from './claim-index.js';
import { matchesSelector, parseSelector, type SelectorRequirement } from './config.js';
import type { KubeObject } from './model/objects.js';

export function domainFilterFrom(cfg: Config): DomainFilter {
  const re = regex(cfg, 'regexDomainFilter');
  const reEx = regex(cfg, 'regexDomainExclusion');
  if (re || reEx) return new DomainFilter({ regex: re, regexExclusion: reEx });
  return new DomainFilter({ filters: strs(cfg, 'domainFilter'), exclude: strs(cfg, 'excludeDomains') });
}

export function publicZonesFrom(cfg: Config): DomainFilter | undefined {
  const zones = strs(cfg, 'publicZone');
  return zones.length ? new DomainFilter({ filters: zones }) : undefined;
}

export function managedRecordTypesFrom(cfg: Config): string[] {
  const t = strs(cfg, 'managedRecordTypes').map((s) => s.toUpperCase());
  return t.length ? t : ['A', 'AAAA', 'CNAME'];
}

export function ownerIdFrom(cfg: Config): string {
  return str(cfg, 'txtOwnerId') || 'default';
}

export function policyFrom(cfg: Config): Policy {
  return (str(cfg, 'policy') as Policy) ?? 'sync';
}

export function ruleContextFrom(
  cfg: Config,
  extra: { ownership?: OwnershipIndex; claims?: ClaimIndex } = {},
): RuleContext {
  const ctx: RuleContext = {
    ownerId: ownerIdFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    publicZones: publicZonesFrom(cfg),
    ...extra,
  };
  const minTtl = num(cfg, 'minTtl', 0);
  if (minTtl > 0) ctx.minTtl = minTtl;
  return ctx;
}

export function extractContextFrom(cfg: Config, gateway?: ExtractContext['gateway']): ExtractContext {
  return { ingressClasses: strs(cfg, 'ingressClass'), defaultTargets: strs(cfg, 'defaultTargets'), gateway };
}

export function registryFrom(cfg: Config, provider: Provider): TxtRegistry {
  return new TxtRegistry(provider, {
    ownerId: ownerIdFrom(cfg),
    prefix: str(cfg, 'txtPrefix') ?? '',
    suffix: str(cfg, 'txtSuffix') ?? '',
    wildcardReplacement: str(cfg, 'txtWildcardReplacement') ?? '',
  });
}

/** --namespace, --label-filter and --annotation-filter as one predicate over objects. */
export interface ObjectFilter {
  namespace?: string;
  labels: SelectorRequirement[];
  annotations: SelectorRequirement[];
  sources: string[];
}

export function objectFilterFrom(cfg: Config): ObjectFilter {
  const ns = str(cfg, 'namespace');
  const lf = str(cfg, 'labelFilter') ?? '';
  const af = str(cfg, 'annotationFilter') ?? '';
  return {
    ...(ns ? { namespace: ns } : {}),
    labels: lf.trim() ? parseSelector(lf) : [],
    annotations: af.trim() ? parseSelector(af) : [],
    sources: strs(cfg, 'source'),
  };
}

/** Why an object is out of scope for these settings, or undefined when it is in scope. */
export function outOfScope(f: ObjectFilter, obj: KubeObject, source: string | undefined): string | undefined {
  if (source && f.sources.length && !f.sources.includes(source))
    return `source "${source}" is not in --source [${f.sources.join(', ')}]`;
  if (f.namespace && obj.metadata?.namespace !== f.namespace)
    return `namespace "${obj.metadata?.namespace ?? ''}" is not --namespace "${f.namespace}"`;
  if (f.labels.length && !matchesSelector(f.labels, obj.metadata?.labels))
    return 'labels do not match --label-filter';
  if (f.annotations.length && !matchesSelector(f.annotations, obj.metadata?.annotations))
    return 'annotations do not match --annotation-filter';
  return undefined;
}

export { bool };
