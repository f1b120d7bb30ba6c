/** Builds the core's objects from a resolved Config; the one place flags become domain objects. */
import { DomainFilter } from './domain-filter.js';
import type { NameMatcher } from './name-regex.js';
import type { ExtractContext } from './hostnames/common.js';
import { FqdnTemplate } from './hostnames/fqdn-template.js';
import type { Policy } from './plan.js';
import { TxtRegistry, type RegistryOptions } from './registry/txt-registry.js';
import { NoopRegistry } from './registry/noop-registry.js';
import { TargetNetFilter } from './target-net-filter.js';
import { CachedRegistry } from './registry/cached-registry.js';
import type { Registry } from './registry/registry.js';
import { parseAesKey } from './registry/txt-crypto.js';
import { readSecretFile } from './secrets.js';
import { ConfigError } from './errors.js';
import type { RuleContext } from './rules/rules.js';
import type { Provider } from './providers/provider.js';
import type { OwnershipIndex } from './ownership.js';
import type { ClaimIndex } from './claim-index.js';
import type { ZonePolicySet } from './policy/zone-policy.js';
import { matchesSelector, parseSelector, type SelectorRequirement } from './selector.js';
import type { KubeObject } from './model/objects.js';
import { kindOf } from './kinds.js';

/** The settings this module reads (a slice of the CLI's Settings). */
export interface PolicySettings {
  readonly annotationFilter: string;
  readonly annotationPrefix: string;
  readonly gatewayName: string;
  readonly serviceTypeFilter: string[];
  readonly publishInternalServices: boolean;
  readonly publishHostIp: boolean;
  readonly alwaysPublishNotReadyAddresses: boolean;
  readonly exposeInternalIpv6: boolean;
  readonly excludeUnschedulable: boolean;
  readonly gatewayNamespace: string;
  readonly gatewayLabelFilter: string;
  readonly gatewayListenerSets: boolean;
  readonly defaultTargets: string[];
  readonly domainFilter: string[];
  readonly excludeDomains: string[];
  readonly fqdnTemplate: string[];
  readonly combineFqdnAnnotation: boolean;
  readonly ignoreHostnameAnnotation: boolean;
  /** --max-hostnames-per-object (DEFAULT_MAX_HOSTNAMES_PER_OBJECT when absent). */
  readonly maxHostnamesPerObject?: number;
  readonly ignoreIngressTlsSpec: boolean;
  readonly ignoreIngressRulesSpec: boolean;
  readonly resolveServiceLoadBalancerHostname: boolean;
  readonly openshiftRouterName: string;
  /** --gloo-namespace (DEFAULT_GLOO_NAMESPACES when absent). */
  readonly glooNamespace?: string[];
  readonly traefikEnableLegacy: boolean;
  readonly traefikDisableNew: boolean;
  /** --skipper-routegroup-groupversion (zalando.org/<version>; the flag's check keeps the group). */
  readonly skipperRoutegroupGroupversion?: string;
  readonly ingressClass: string[];
  readonly labelFilter: string;
  readonly managedRecordTypes: string[];
  /** --exclude-record-types: taken out of the managed types. */
  readonly excludeRecordTypes?: string[];
  /** --target-net-filter and --exclude-target-net: CIDRs. */
  readonly targetNetFilter?: string[];
  readonly excludeTargetNet?: string[];
  /** --min-ttl in ms: TTL of records whose object sets none (external-dns). */
  readonly minTtl?: number;
  /** --warn-ttl-below in seconds: a TTL below it is a warning (a provider's minimum). */
  readonly warnTtlBelow?: number;
  readonly namespace: string;
  readonly policy: 'sync' | 'upsert-only' | 'create-only';
  readonly publicZone: string[];
  /** --require-zone-policy: the zone-policy rule applies even while no ZonePolicy exists. */
  readonly requireZonePolicy: boolean;
  /** --registry: txt (ownership records) or noop (none); txt when absent. */
  readonly registry?: 'txt' | 'noop';
  /** --txt-cache-interval in ms: how long the registry's read of the zone is reused (0: never). */
  readonly txtCacheInterval?: number;
  readonly regexDomainExclusion?: NameMatcher;
  readonly regexDomainFilter?: NameMatcher;
  readonly source: string[];
  readonly txtOwnerId: string;
  readonly txtPrefix: string;
  readonly txtSuffix: string;
  readonly txtWildcardReplacement: string;
  readonly txtEncryptEnabled: boolean;
  readonly txtEncryptAesKey?: string;
  readonly txtEncryptAesKeyFile?: string;
  readonly migrateFromTxtOwner: string;
}

export function domainFilterFrom(cfg: PolicySettings): DomainFilter {
  const re = cfg.regexDomainFilter;
  const reEx = cfg.regexDomainExclusion;
  if (re || reEx) return new DomainFilter({ regex: re, regexExclusion: reEx });
  return new DomainFilter({ filters: cfg.domainFilter, exclude: cfg.excludeDomains });
}

export function publicZonesFrom(cfg: PolicySettings): DomainFilter | undefined {
  const zones = cfg.publicZone;
  return zones.length ? new DomainFilter({ filters: zones }) : undefined;
}

/** --managed-record-types less --exclude-record-types (external-dns: a type in both is not managed). */
export function managedRecordTypesFrom(cfg: PolicySettings): string[] {
  const t = cfg.managedRecordTypes.map((s) => s.toUpperCase());
  const excluded = new Set((cfg.excludeRecordTypes ?? []).map((s) => s.toUpperCase()));
  return (t.length ? t : ['A', 'AAAA', 'CNAME']).filter((x) => !excluded.has(x));
}

export function ownerIdFrom(cfg: PolicySettings): string {
  return cfg.txtOwnerId || 'default';
}

export function policyFrom(cfg: PolicySettings): Policy {
  return cfg.policy;
}

export function ruleContextFrom(
  cfg: PolicySettings,
  extra: { ownership?: OwnershipIndex; claims?: ClaimIndex; zonePolicies?: ZonePolicySet } = {},
): RuleContext {
  const ctx: RuleContext = {
    ownerId: ownerIdFrom(cfg),
    domainFilter: domainFilterFrom(cfg),
    managedRecordTypes: managedRecordTypesFrom(cfg),
    publicZones: publicZonesFrom(cfg),
    ...extra,
  };
  if (cfg.excludeRecordTypes?.length)
    ctx.excludedRecordTypes = cfg.excludeRecordTypes.map((t) => t.toUpperCase());
  const warnBelow = cfg.warnTtlBelow ?? 0;
  if (warnBelow > 0) ctx.minTtl = warnBelow;
  return ctx;
}

/**
 * The one extraction context of every app: what the flags that change which names an object
 * yields say (--fqdn-template, --combine-fqdn-annotation, --ignore-*), so the webhook, `validate`,
 * `plan` and the reconciler read the same names.
 */
export function extractContextFrom(cfg: PolicySettings, gateway?: ExtractContext['gateway']): ExtractContext {
  const ctx: ExtractContext = {
    annotationPrefix: cfg.annotationPrefix,
    serviceTypes: cfg.serviceTypeFilter,
    publishInternalServices: cfg.publishInternalServices,
    gatewayFilter: {
      name: cfg.gatewayName || undefined,
      namespace: cfg.gatewayNamespace || undefined,
      labels: cfg.gatewayLabelFilter || undefined,
    },
    ingressClasses: cfg.ingressClass,
    defaultTargets: cfg.defaultTargets,
    gateway,
  };
  const tmpl = FqdnTemplate.parse(cfg.fqdnTemplate);
  if (tmpl) ctx.fqdnTemplate = tmpl;
  if (cfg.gatewayListenerSets) ctx.gatewayListenerSets = true;
  if (cfg.publishHostIp) ctx.publishHostIp = true;
  if (cfg.alwaysPublishNotReadyAddresses) ctx.alwaysPublishNotReadyAddresses = true;
  if (cfg.exposeInternalIpv6) ctx.exposeInternalIpv6 = true;
  ctx.excludeUnschedulable = cfg.excludeUnschedulable;
  if (managedRecordTypesFrom(cfg).includes('SRV')) ctx.nodePortSrv = true;
  if (cfg.combineFqdnAnnotation) ctx.combineFqdnAnnotation = true;
  if (cfg.ignoreHostnameAnnotation) ctx.ignoreHostnameAnnotation = true;
  if (cfg.maxHostnamesPerObject) ctx.maxHostnamesPerObject = cfg.maxHostnamesPerObject;
  if (cfg.ignoreIngressTlsSpec) ctx.ignoreIngressTlsSpec = true;
  if (cfg.ignoreIngressRulesSpec) ctx.ignoreIngressRulesSpec = true;
  if (cfg.resolveServiceLoadBalancerHostname) ctx.resolveLoadBalancerHostname = true;
  const defaultTtl = Math.floor((cfg.minTtl ?? 0) / 1000);
  if (defaultTtl > 0) ctx.defaultTtl = defaultTtl;
  const nets = { filter: cfg.targetNetFilter ?? [], exclude: cfg.excludeTargetNet ?? [] };
  if (nets.filter.length || nets.exclude.length) ctx.targetNetFilter = new TargetNetFilter(nets);
  if (cfg.namespace) ctx.namespace = cfg.namespace;
  if (cfg.openshiftRouterName) ctx.openshiftRouterName = cfg.openshiftRouterName;
  if (cfg.glooNamespace?.length) ctx.glooNamespaces = cfg.glooNamespace;
  return ctx;
}

/**
 * The TXT registry's options from the flags: name affixes, encryption (the key from
 * --txt-encrypt-aes-key-file, ZONEGUARD_TXT_ENCRYPT_AES_KEY or the flag, checked as external-dns
 * checks it) and the owner id migrated from. Throws ConfigError naming the flag.
 */
export function registryOptionsFrom(cfg: PolicySettings): RegistryOptions {
  const file = cfg.txtEncryptAesKeyFile;
  const raw = file ? readSecretFile('txt-encrypt-aes-key-file', file) : cfg.txtEncryptAesKey;
  const flag = file ? 'txt-encrypt-aes-key-file' : 'txt-encrypt-aes-key';
  let aesKey: Buffer | undefined;
  if (raw) {
    const parsed = parseAesKey(raw);
    if ('error' in parsed) throw new ConfigError(flag, parsed.error);
    aesKey = parsed.key;
  }
  if (cfg.txtEncryptEnabled && !aesKey)
    throw new ConfigError(
      'txt-encrypt-aes-key',
      'is required with --txt-encrypt-enabled (or ZONEGUARD_TXT_ENCRYPT_AES_KEY, or --txt-encrypt-aes-key-file)',
    );
  return {
    ownerId: ownerIdFrom(cfg),
    prefix: cfg.txtPrefix,
    suffix: cfg.txtSuffix,
    wildcardReplacement: cfg.txtWildcardReplacement,
    ...(aesKey ? { aesKey, encrypt: cfg.txtEncryptEnabled } : {}),
    ...(cfg.migrateFromTxtOwner ? { migrateFromOwner: cfg.migrateFromTxtOwner } : {}),
  };
}

export function registryFrom(cfg: PolicySettings, provider: Provider): Registry {
  const registry: Registry =
    cfg.registry === 'noop'
      ? new NoopRegistry(provider, ownerIdFrom(cfg))
      : new TxtRegistry(provider, registryOptionsFrom(cfg));
  const cache = cfg.txtCacheInterval ?? 0;
  return cache > 0 ? new CachedRegistry(registry, cache) : registry;
}

/** --namespace, --label-filter and --annotation-filter as one predicate over objects. */
export interface ObjectFilter {
  namespace?: string;
  labels: SelectorRequirement[];
  annotations: SelectorRequirement[];
  sources: string[];
  /** Traefik's API groups read (--traefik-enable-legacy, --traefik-disable-new). */
  traefik?: { legacy: boolean; new: boolean };
  /** The RouteGroup version listed and watched (--skipper-routegroup-groupversion); v1 when absent. */
  routeGroupVersion?: string;
}

export function objectFilterFrom(cfg: PolicySettings): ObjectFilter {
  const ns = cfg.namespace;
  const lf = cfg.labelFilter;
  const af = cfg.annotationFilter;
  return {
    ...(ns ? { namespace: ns } : {}),
    labels: lf.trim() ? parseSelector(lf) : [],
    annotations: af.trim() ? parseSelector(af) : [],
    sources: cfg.source,
    traefik: { legacy: cfg.traefikEnableLegacy, new: !cfg.traefikDisableNew },
    ...(cfg.skipperRoutegroupGroupversion
      ? {
          routeGroupVersion: cfg.skipperRoutegroupGroupversion.slice(
            cfg.skipperRoutegroupGroupversion.indexOf('/') + 1,
          ),
        }
      : {}),
  };
}

/** Why an object is out of scope for these settings, or undefined when it is in scope. */
export function outOfScope(f: ObjectFilter, obj: KubeObject, source: string | undefined): string | undefined {
  if (source && f.sources.length && !f.sources.includes(source))
    return `source "${source}" is not in --source [${f.sources.join(', ')}]`;
  if (source === 'traefik-proxy') {
    const t = f.traefik ?? { legacy: false, new: true };
    const legacy = String(obj.apiVersion ?? '').startsWith('traefik.containo.us/');
    if (legacy && !t.legacy)
      return 'traefik.containo.us is read only with --traefik-enable-legacy (as external-dns does)';
    if (!legacy && !t.new) return 'traefik.io is not read with --traefik-disable-new';
  }
  // gloo-proxy reads the Proxies of --gloo-namespace whatever --namespace says (kinds.ts ignoresNamespace)
  if (f.namespace && obj.metadata?.namespace !== f.namespace && !kindOf(obj)?.ignoresNamespace)
    return `namespace "${obj.metadata?.namespace ?? ''}" is not --namespace "${f.namespace}"`;
  if (f.labels.length && !matchesSelector(f.labels, obj.metadata?.labels))
    return 'labels do not match --label-filter';
  if (f.annotations.length && !matchesSelector(f.annotations, obj.metadata?.annotations))
    return 'annotations do not match --annotation-filter';
  return undefined;
}
