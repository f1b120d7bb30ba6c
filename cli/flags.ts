/**
 * Every flag of every command, declared once: name, type, default, help, the commands that take it.
 * cli/settings.ts resolves them once (command line > ZONEGUARD_<FLAG> environment > --config file >
 * default) into the typed, frozen Settings that the apps receive; no other module reads the
 * environment or argv. Names and meanings follow external-dns where it has the flag.
 */
import { DEFAULT_MANAGED_RECORD_TYPES } from '../core/model/endpoint.js';
import { ROUTEGROUP_GROUP, SKIPPER_ROUTEGROUP_DEFAULT, SOURCES } from '../core/kinds.js';
import { DEFAULT_ANNOTATION_PREFIX, KNOWN_ANNOTATION_PREFIXES } from '../core/hostnames/annotations.js';
import { checkLabelSelector } from '../core/selector.js';
import { FqdnTemplate, TemplateError } from '../core/hostnames/fqdn-template.js';
import { DEFAULT_MAX_HOSTNAMES_PER_OBJECT } from '../core/hostnames/common.js';
import { PROVIDERS } from '../core/providers/catalog.js';
import { TSIG_ALGORITHMS, tsigAlgorithm } from '../core/providers/rfc2136/tsig.js';
import { parseNameServer } from '../doctor/dns-query.js';
import { parseHostPort } from '../core/listen.js';
import type { FlagSpec } from './flag-spec.js';
import { checkCidr } from '../core/target-net-filter.js';
import { LOG_LEVELS } from '../core/log.js';
import { checkCipherSuites, TLS_MIN_VERSIONS } from '../core/tls-policy.js';

/** undefined: every command. */
const ALL_COMMANDS = undefined;
/** Commands that apply the policy (filters, owner, rules). */
const POLICY_COMMANDS = ['validate', 'plan', 'reconcile', 'webhook', 'demo', 'doctor', 'audit'] as const;
/** Commands that read or write a DNS provider. */
const PROVIDER_COMMANDS = ['validate', 'plan', 'reconcile', 'webhook', 'doctor', 'audit'] as const;

function checkRecordTypes(types: readonly string[]): string | undefined {
  const bad = types.filter((t) => !/^[A-Za-z0-9]+$/.test(t));
  return bad.length ? `not a record type: ${bad.join(', ')}` : undefined;
}

function checkCidrs(cidrs: readonly string[]): string | undefined {
  for (const c of cidrs) {
    const why = checkCidr(c);
    if (why) return why;
  }
  return undefined;
}

function checkSources(sources: readonly string[]): string | undefined {
  const bad = sources.filter((s) => !SOURCES.includes(s));
  return bad.length ? `unknown source ${bad.join(', ')} (known: ${SOURCES.join(', ')})` : undefined;
}

/**
 * --skipper-routegroup-groupversion: external-dns lists /apis/<value>/routegroups
 * (source/skipper_routegroup.go; its test "custom version in one namespace" uses
 * zalando.org/v1alpha1). zoneguard's kinds table, webhook rule and RBAC name the zalando.org group,
 * so only the version may differ; another group is refused rather than read from a group no rule
 * admits.
 */
function checkRouteGroupVersion(v: string): string | undefined {
  const slash = v.indexOf('/');
  const group = slash < 0 ? '' : v.slice(0, slash);
  const version = slash < 0 ? v : v.slice(slash + 1);
  if (group !== ROUTEGROUP_GROUP)
    return `must be ${ROUTEGROUP_GROUP}/<version> (e.g. ${SKIPPER_ROUTEGROUP_DEFAULT}): zoneguard reads RouteGroups of the ${ROUTEGROUP_GROUP} API group only (its webhook rule and RBAC name it)`;
  if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(version))
    return `"${version}" is not an API version (e.g. v1, v1alpha1)`;
  return undefined;
}

function checkFqdnTemplate(values: readonly string[]): string | undefined {
  try {
    FqdnTemplate.parse(values);
    return undefined;
  } catch (e) {
    if (e instanceof TemplateError) return e.message;
    throw e;
  }
}

/** external-dns's SetAnnotationPrefix: the prefix must end with '/' (a DNS subdomain, then '/'). */
function checkAnnotationPrefix(prefix: string): string | undefined {
  if (!prefix.endsWith('/')) return `"${prefix}" must end with "/", e.g. ${DEFAULT_ANNOTATION_PREFIX}`;
  const domain = prefix.slice(0, -1);
  if (
    !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(domain) ||
    domain.length > 253
  )
    return `"${prefix}" is not a DNS subdomain followed by "/" (an annotation key prefix)`;
  return undefined;
}

function checkZoneFiles(items: readonly string[]): string | undefined {
  const bad = items.filter((i) => !/^[^=]+=.+$/.test(i));
  return bad.length ? `expects zone=path, got "${bad[0]}"` : undefined;
}

export const FLAGS = [
  // ---- Every command ----
  {
    name: 'config',
    type: 'string',
    help: 'YAML file with flag values (keys are flag names)',
    commands: ALL_COMMANDS,
  },
  {
    name: 'strict-secrets',
    type: 'boolean',
    help: 'refuse a secret given on the command line (exit 2) instead of warning: every local user reads argv in ps and /proc/PID/cmdline; give it by its -file flag or environment variable',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'log-level',
    type: 'enum',
    // logrus's level names, as external-dns takes them (warn is logrus's other spelling of warning)
    choices: LOG_LEVELS,
    default: 'info',
    help: 'least severe level logged: panic, fatal, error, warning, info, debug or trace',
    commands: ALL_COMMANDS,
  },
  {
    name: 'log-format',
    type: 'enum',
    choices: ['json', 'text'],
    default: 'json',
    help: 'json: one JSON object a line; text: logrus-style key=value lines, as external-dns prints them',
    commands: ALL_COMMANDS,
  },
  {
    name: 'domain-filter',
    type: 'strings',
    help: 'limit to domains ending in this suffix (repeatable, comma-separated); a leading dot excludes the apex',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'exclude-domains',
    type: 'strings',
    help: 'exclude subdomains (repeatable, comma-separated)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'regex-domain-filter',
    type: 'regex',
    help: 'limit to domains matching this regex (RE2 syntax, as Go: (?i), \\A, \\z; matched anywhere in the Unicode name); overrides --domain-filter',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'regex-domain-exclusion',
    type: 'regex',
    help: 'exclude domains matching this regex (RE2 syntax, as Go); overrides --domain-filter',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'zone-id-filter',
    type: 'strings',
    help: 'only manage zones with these ids (repeatable)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'zone-name-filter',
    type: 'strings',
    help: 'only manage zones with these names (repeatable)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'public-zone',
    type: 'strings',
    help: 'zones that are public: private, loopback and link-local targets are denied in them (repeatable)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-owner-id',
    type: 'string',
    default: 'default',
    help: 'owner id written into TXT ownership records',
    check: (v) =>
      v === '' ? 'must not be empty' : /[,"=]/.test(String(v)) ? 'must not contain , " or =' : undefined,
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-prefix',
    type: 'string',
    default: '',
    help: 'prefix of TXT ownership record names; may contain %{record_type}',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-suffix',
    type: 'string',
    default: '',
    help: 'suffix of TXT ownership record names; may contain %{record_type}',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-wildcard-replacement',
    type: 'string',
    default: '',
    help: 'replaces * in the TXT ownership name of wildcard records',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-cache-interval',
    type: 'duration',
    default: '0s',
    min: 0,
    help: "reuse the registry's read of the zone for this long between syncs (0s: read it every sync); a write drops it",
    commands: ['reconcile'],
  },
  {
    name: 'txt-encrypt-enabled',
    type: 'boolean',
    help: 'write TXT ownership records encrypted with AES-256-GCM, as external-dns does (needs --txt-encrypt-aes-key)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-encrypt-aes-key',
    type: 'string',
    secret: true,
    help: 'AES key of encrypted TXT ownership records: 32 bytes, as text or standard base64; read even without --txt-encrypt-enabled (prefer ZONEGUARD_TXT_ENCRYPT_AES_KEY or --txt-encrypt-aes-key-file)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'txt-encrypt-aes-key-file',
    type: 'string',
    help: 'file holding the AES key of encrypted TXT ownership records',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'migrate-from-txt-owner',
    type: 'string',
    default: '',
    help: 'an old --txt-owner-id whose records this owner takes over: read as ours, ownership records rewritten with --txt-owner-id',
    check: (v) => (/[,"=]/.test(String(v)) ? 'must not contain , " or =' : undefined),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'managed-record-types',
    type: 'strings',
    default: [...DEFAULT_MANAGED_RECORD_TYPES],
    help: 'record types to manage (repeatable, comma-separated)',
    check: (v) => checkRecordTypes(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'exclude-record-types',
    type: 'strings',
    help: 'record types not to manage, even when in --managed-record-types (repeatable, comma-separated)',
    check: (v) => checkRecordTypes(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'target-net-filter',
    type: 'strings',
    help: 'publish only targets inside these networks, CIDR (repeatable); name targets (CNAME) are then dropped',
    check: (v) => checkCidrs(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'exclude-target-net',
    type: 'strings',
    help: 'never publish targets inside these networks, CIDR (repeatable); a record left without targets is not made',
    check: (v) => checkCidrs(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'policy',
    type: 'enum',
    choices: ['sync', 'upsert-only', 'create-only'],
    default: 'sync',
    help: 'how far changes may go: sync deletes, upsert-only never deletes, create-only only creates',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'max-deletions',
    type: 'int',
    default: 100,
    min: 0,
    help: 'deletion guard: a sync that would delete more records than this holds its deletes back (creates and updates still go) until released; 0: no limit',
    commands: ['plan', 'reconcile', 'demo'],
  },
  {
    name: 'max-deletion-ratio',
    type: 'number',
    default: 0.5,
    min: 0,
    max: 1,
    help: 'deletion guard: a sync that would delete more than this share of the records this owner id owns (and more than 10) holds its deletes back; 0: no limit',
    commands: ['plan', 'reconcile', 'demo'],
  },
  {
    name: 'release-deletions',
    type: 'boolean',
    help: 'deletion guard: apply the deletes of the first sync that the guard would hold (one release per run; a running reconciler is released by annotating its Lease instead)',
    commands: ['plan', 'reconcile', 'demo'],
  },
  {
    name: 'registry',
    type: 'enum',
    choices: ['txt', 'noop'],
    default: 'txt',
    help: "ownership records: txt (TXT records naming the owner), or noop (none: every record of the managed types inside the domain filter counts as this instance's, as in external-dns)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'provider',
    type: 'enum',
    choices: PROVIDERS,
    help: 'DNS provider to read ownership from and publish to',
    commands: [...PROVIDER_COMMANDS, 'demo'],
  },
  {
    name: 'source',
    type: 'strings',
    default: [
      'service',
      'ingress',
      'crd',
      'gateway-httproute',
      'istio-gateway',
      'istio-virtualservice',
      'contour-httpproxy',
      'traefik-proxy',
      'openshift-route',
      'gateway-grpcroute',
      'gateway-tlsroute',
      'gateway-tcproute',
      'gateway-udproute',
      'kong-tcpingress',
      'f5-virtualserver',
      'f5-transportserver',
      'skipper-routegroup',
      'gloo-proxy',
      'ambassador-host',
    ],
    help: `object kinds to read (repeatable): ${SOURCES.join(', ')}`,
    check: (v) => checkSources(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'namespace',
    type: 'string',
    default: '',
    help: 'limit to one namespace (empty: all)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'label-filter',
    type: 'string',
    default: '',
    help: 'label selector objects must match (e.g. team=a,env!=dev)',
    check: (v) => checkLabelSelector(String(v)),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'annotation-filter',
    type: 'string',
    default: '',
    help: 'annotation selector objects must match (same syntax as label selectors)',
    check: (v) => checkLabelSelector(String(v)),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'service-type-filter',
    type: 'strings',
    help: 'only Services of these types (repeatable; ClusterIP, NodePort, LoadBalancer, ExternalName; empty: all)',
    check: (v) => {
      const bad = (v as string[]).filter(
        (t) => !['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(t),
      );
      return bad.length
        ? `unsupported service type ${bad.join(', ')} (supported: ClusterIP, ExternalName, LoadBalancer, NodePort)`
        : undefined;
    },
    commands: POLICY_COMMANDS,
  },
  {
    name: 'publish-internal-services',
    type: 'boolean',
    help: 'publish the hostname annotation of ClusterIP Services with their cluster IP',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'publish-host-ip',
    type: 'boolean',
    help: "publish the hostIP of a headless Service's Pods instead of their Pod IPs",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'always-publish-not-ready-addresses',
    type: 'boolean',
    help: "publish a headless Service's not-ready endpoints too (as spec.publishNotReadyAddresses does)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'expose-internal-ipv6',
    type: 'boolean',
    help: "add nodes' InternalIP IPv6 addresses to their ExternalIPs (NodePort Services, endpoints-type NodeExternalIP)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'exclude-unschedulable',
    type: 'boolean',
    default: true,
    help: 'unschedulable nodes give NodePort Services no address (--no-exclude-unschedulable: they do)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'listen-endpoint-events',
    type: 'boolean',
    help: 'sync when an EndpointSlice changes (headless and NodePort Service targets), not only every --interval',
    commands: ['reconcile'],
  },
  {
    name: 'gateway-name',
    type: 'string',
    default: '',
    help: 'limit the Gateways of route endpoints to this name (empty: all names)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'gateway-namespace',
    type: 'string',
    default: '',
    help: 'limit the Gateways of route endpoints to this namespace (empty: all namespaces)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'gateway-label-filter',
    type: 'string',
    default: '',
    help: 'label selector the Gateways of route endpoints must match (empty: all Gateways)',
    check: (v) => checkLabelSelector(String(v)),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'gateway-listener-sets',
    type: 'boolean',
    default: false,
    help: 'publish the names of routes attached to a Gateway API ListenerSet (without it they are checked, not published)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'annotation-prefix',
    type: 'string',
    default: DEFAULT_ANNOTATION_PREFIX,
    help: `prefix of the external-dns annotations the reconciler publishes (external-dns v0.22: ${DEFAULT_ANNOTATION_PREFIX}); names under ${KNOWN_ANNOTATION_PREFIXES.join(' and ')} are always checked`,
    check: (v) => checkAnnotationPrefix(String(v)),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'ingress-class',
    type: 'strings',
    help: 'only Ingresses of these classes (repeatable)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'default-targets',
    type: 'strings',
    help: 'targets used when an object has none of its own (repeatable)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'fqdn-template',
    type: 'strings',
    split: false,
    help: 'Go template for the names of objects that have none of their own (external-dns syntax: {{.Name}}.{{.Namespace}}.example.com; repeatable, values joined with ",")',
    check: (v) => checkFqdnTemplate(v as string[]),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'combine-fqdn-annotation',
    type: 'boolean',
    default: false,
    help: "add --fqdn-template's names to the names an object has of its own",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'max-hostnames-per-object',
    type: 'int',
    default: DEFAULT_MAX_HOSTNAMES_PER_OBJECT,
    min: 1,
    help: 'an object listing or yielding more hostnames is denied (rule object) before any other rule runs',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'ignore-hostname-annotation',
    type: 'boolean',
    default: false,
    help: "ignore the hostname annotation (and a Service's internal-hostname)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'ignore-ingress-tls-spec',
    type: 'boolean',
    default: false,
    help: "ignore an Ingress's spec.tls[].hosts",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'ignore-ingress-rules-spec',
    type: 'boolean',
    default: false,
    help: "ignore an Ingress's spec.rules[].host",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'resolve-service-load-balancer-hostname',
    type: 'boolean',
    default: false,
    help: "publish A/AAAA records of the addresses a LoadBalancer Service's status hostname resolves to, instead of a CNAME (the reconciler resolves; offline commands and the webhook check the names only)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'openshift-router-name',
    type: 'string',
    default: '',
    help: 'OpenShift Routes: publish the host admitted by this router (status.ingress[].routerName), CNAME to its routerCanonicalHostname (empty: the first router that admitted it)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'skipper-routegroup-groupversion',
    type: 'string',
    default: SKIPPER_ROUTEGROUP_DEFAULT,
    help: 'Skipper RouteGroups: the API group/version listed and watched (external-dns --skipper-routegroup-groupversion; the group must be zalando.org, the admission rule matches every version)',
    check: (v) => checkRouteGroupVersion(String(v)),
    commands: POLICY_COMMANDS,
  },
  {
    name: 'gloo-namespace',
    type: 'strings',
    default: ['gloo-system'],
    help: 'Gloo Proxies are read in these namespaces only (repeatable), as external-dns --gloo-namespace',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'traefik-enable-legacy',
    type: 'boolean',
    default: false,
    help: 'also read Traefik routes of the traefik.containo.us API group',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'traefik-disable-new',
    type: 'boolean',
    default: false,
    help: 'do not read Traefik routes of the traefik.io API group',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'min-ttl',
    type: 'duration',
    default: '0s',
    min: 0,
    help: 'TTL of records whose object sets none (external-dns --min-ttl: 72, 72s or 1m12s; 0s: the provider default)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'warn-ttl-below',
    type: 'int',
    min: 1,
    help: "warn when a record asks for a TTL below this, in seconds (a provider's minimum)",
    commands: POLICY_COMMANDS,
  },
  {
    name: 'require-zone-policy',
    type: 'boolean',
    help: 'deny a name in a namespace no ZonePolicy selects even while no ZonePolicy exists (default: ZonePolicies apply once one exists)',
    commands: POLICY_COMMANDS,
  },
  {
    name: 'zone-policy-file',
    type: 'strings',
    help: 'files or directories of ZonePolicy and Namespace manifests to check against, besides those among -f (repeatable)',
    commands: ['validate', 'plan', 'reconcile', 'demo', 'audit', 'doctor'],
  },
  {
    name: 'inmemory-zone',
    type: 'strings',
    help: 'zones of the inmemory provider (repeatable)',
    commands: [...PROVIDER_COMMANDS, 'demo'],
  },
  {
    name: 'inmemory-zone-file',
    type: 'strings',
    help: 'seed an inmemory zone from an RFC 1035 master file: zone=path (repeatable)',
    check: (v) => checkZoneFiles(v as string[]),
    commands: [...PROVIDER_COMMANDS, 'demo'],
  },
  {
    name: 'output',
    short: 'o',
    type: 'enum',
    choices: ['text', 'json', 'sarif', 'junit', 'github'],
    default: 'text',
    help: 'output format: text or json; validate also sarif (code scanning), junit (test reports), github (workflow annotations)',
    commands: ['validate', 'plan', 'reconcile', 'doctor', 'audit'],
  },

  // ---- Manifests ----
  {
    name: 'file',
    short: 'f',
    type: 'strings',
    help: 'manifest files or directories (repeatable)',
    commands: ['validate', 'plan', 'reconcile', 'doctor', 'demo', 'audit'],
  },

  // ---- Cloud providers (shared) ----
  {
    name: 'provider-cache-time',
    type: 'duration',
    default: '0s',
    help: "how long the reconciler keeps the provider's record list (and a cloud provider's zone list) between syncs; a write drops it (0: read every time)",
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'batch-change-size',
    type: 'int',
    min: 1,
    // no one default: each provider's own flag has its API's (external-dns: Cloudflare's chunk size)
    help: "most changes per batch for the provider in use, where its own --<provider>-batch-change-size is not given (default: the provider's: rfc2136 50, cloudflare 200, aws, google and pdns 1000)",
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'batch-change-interval',
    type: 'duration',
    // no one default: external-dns pauses 1s on aws, google and cloudflare and never on rfc2136
    help: 'least time between two change batches sent to a provider, across zones (default: 1s for aws, google and cloudflare; none for rfc2136 and pdns; azure sends no batches, see --azure-concurrency)',
    commands: PROVIDER_COMMANDS,
  },

  // ---- Route 53 ----
  {
    name: 'aws-zone-type',
    type: 'enum',
    choices: ['', 'public', 'private'],
    default: '',
    help: 'only public or only private hosted zones (default: both)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-region',
    type: 'string',
    help: 'AWS region for the SDK (Route 53 is global; default us-east-1 or the SDK chain)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-profile',
    type: 'string',
    help: 'shared config/credentials profile to use',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-assume-role',
    type: 'string',
    help: 'ARN of a role to assume (STS AssumeRole) on top of the standard credential chain',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-assume-role-external-id',
    type: 'string',
    help: 'external id to pass when assuming --aws-assume-role',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-batch-change-size',
    type: 'int',
    min: 1,
    help: 'most changes per ChangeResourceRecordSets request, an UPSERT counting twice (default: --batch-change-size, else 1000, the Route 53 maximum)',
    check: (v) => ((v as number) > 1000 ? 'Route 53 accepts at most 1000' : undefined),
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-batch-change-size-bytes',
    type: 'int',
    min: 1,
    default: 32000,
    help: 'most value characters per ChangeResourceRecordSets request (Route 53 maximum: 32000)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-prefer-cname',
    type: 'boolean',
    default: false,
    help: 'write CNAMEs to AWS load balancers and CloudFront instead of alias A records',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-evaluate-target-health',
    type: 'boolean',
    default: true,
    help: 'EvaluateTargetHealth of alias records whose object does not set the aws-evaluate-target-health annotation (--no-aws-evaluate-target-health: false)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-zone-tags',
    type: 'strings',
    help: 'only hosted zones with these tags: key=value, or key for any value (repeatable)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-zone-match-parent',
    type: 'boolean',
    default: false,
    help: 'also manage a hosted zone that is a parent of a --domain-filter (example.com for app.example.com)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-zones-cache-duration',
    type: 'duration',
    default: '0s',
    min: 0,
    help: 'how long the hosted zone list is cached (0s: --provider-cache-time applies)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'azure-zones-cache-duration',
    type: 'duration',
    default: '0s',
    min: 0,
    help: 'how long the Azure zone list is cached (0s: --provider-cache-time applies)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'aws-endpoint-url',
    type: 'string',
    help: 'Route 53 API endpoint override (testing, air-gapped emulators)',
    commands: PROVIDER_COMMANDS,
  },

  // ---- Cloudflare ----
  {
    name: 'cloudflare-proxied',
    type: 'boolean',
    default: false,
    help: 'proxy A/AAAA/CNAME records through Cloudflare by default (the cloudflare-proxied annotation overrides it)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'cloudflare-record-comment',
    type: 'string',
    default: '',
    help: 'comment written on every record zoneguard creates or updates',
    check: (v) =>
      String(v).length > 500
        ? 'Cloudflare comments are at most 500 characters (100 on the Free plan)'
        : undefined,
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'cloudflare-dns-records-per-page',
    type: 'int',
    min: 1,
    default: 5000,
    help: 'records per page when listing a zone (Cloudflare maximum: 5000)',
    check: (v) => ((v as number) > 5000 ? 'Cloudflare accepts at most 5000' : undefined),
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'cloudflare-batch-change-size',
    type: 'int',
    min: 1,
    help: 'most record operations per dns_records/batch request (Free plan: 200, Pro and above: 3500; default: --batch-change-size, else 200)',
    check: (v) => ((v as number) > 3500 ? 'Cloudflare accepts at most 3500' : undefined),
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'cloudflare-api-token-file',
    type: 'string',
    help: 'file holding the API token (default: the CF_API_TOKEN environment variable)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'cloudflare-base-url',
    type: 'string',
    help: 'Cloudflare API base URL override (testing)',
    commands: PROVIDER_COMMANDS,
  },

  // ---- Google Cloud DNS ----
  {
    name: 'google-project',
    type: 'string',
    help: "project holding the managed zones (default: the credentials' project)",
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'google-zone-visibility',
    type: 'enum',
    choices: ['', 'public', 'private'],
    default: '',
    help: 'only public or only private managed zones (default: both)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'google-batch-change-size',
    type: 'int',
    min: 1,
    help: 'most rrset additions plus deletions per Cloud DNS change (default: --batch-change-size, else 1000, the Cloud DNS maximum)',
    check: (v) => ((v as number) > 1000 ? 'Cloud DNS accepts at most 1000' : undefined),
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'google-api-endpoint',
    type: 'string',
    help: 'Cloud DNS API endpoint override: a host (private endpoint) or a URL (testing)',
    commands: PROVIDER_COMMANDS,
  },

  // ---- Azure DNS ----
  {
    name: 'azure-subscription-id',
    type: 'string',
    help: 'subscription holding the DNS zones (default: AZURE_SUBSCRIPTION_ID)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'azure-resource-group',
    type: 'string',
    help: 'only zones of this resource group (default: every zone of the subscription)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'azure-user-assigned-identity-client-id',
    type: 'string',
    help: 'client id of the user-assigned managed identity to authenticate as',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'azure-concurrency',
    type: 'int',
    min: 1,
    default: 8,
    help: 'record-set calls in flight at once (Azure DNS has no batch API: one call per record set)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'azure-endpoint',
    type: 'string',
    help: 'Azure Resource Manager endpoint override (sovereign clouds, testing); default https://management.azure.com',
    commands: PROVIDER_COMMANDS,
  },

  // ---- doctor ----
  {
    name: 'nameserver',
    type: 'string',
    help: "DNS server to ask, host:port (default: the zone's name server, found through the system resolver)",
    commands: ['doctor'],
    check: (v) =>
      parseNameServer(String(v)) ? undefined : `expects host:port, e.g. 127.0.0.1:5353, got "${String(v)}"`,
  },
  {
    name: 'kubeconfig',
    type: 'string',
    help: 'kubeconfig file of the cluster (default in a pod: its service account; reconcile also falls back to $KUBECONFIG and ~/.kube/config)',
    commands: ['reconcile', 'webhook', 'doctor', 'certs', 'certs-in-cluster', 'audit'],
  },
  {
    name: 'kube-api-request-timeout',
    type: 'duration',
    default: '30s',
    min: 0,
    help: 'how long a Kubernetes API request (not a watch) may take; 0s: no limit',
    commands: ['reconcile', 'webhook', 'doctor', 'certs-in-cluster', 'audit'],
  },
  {
    name: 'kube-api-qps',
    type: 'number',
    default: 5,
    min: 0,
    help: 'Kubernetes API requests (not watches) a second, on average; 0: no limit',
    commands: ['reconcile', 'webhook', 'doctor', 'certs-in-cluster', 'audit'],
  },
  {
    name: 'kube-api-burst',
    type: 'int',
    default: 10,
    min: 1,
    help: 'Kubernetes API requests that may go at once before --kube-api-qps paces them',
    commands: ['reconcile', 'webhook', 'doctor', 'certs-in-cluster', 'audit'],
  },
  {
    name: 'dns-timeout',
    type: 'duration',
    default: '2s',
    min: 100,
    help: 'how long to wait for each DNS answer',
    commands: ['doctor'],
  },

  // ---- PowerDNS ----
  {
    name: 'pdns-server',
    type: 'string',
    default: 'http://localhost:8081',
    help: 'PowerDNS API server URL',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'pdns-api-key',
    type: 'string',
    secret: true,
    help: 'PowerDNS API key (prefer ZONEGUARD_PDNS_API_KEY or --pdns-api-key-file)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'pdns-api-key-file',
    type: 'string',
    help: 'file holding the PowerDNS API key',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'pdns-server-id',
    type: 'string',
    default: 'localhost',
    help: 'PowerDNS server id in the API path',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'pdns-batch-change-size',
    type: 'int',
    min: 1,
    help: 'most RRsets per PATCH request (default: --batch-change-size, else 1000)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'pdns-timeout',
    type: 'duration',
    default: '10s',
    help: 'timeout of one API request',
    commands: PROVIDER_COMMANDS,
  },

  // ---- RFC 2136 ----
  {
    name: 'rfc2136-host',
    type: 'string',
    help: 'host of the authoritative DNS server that takes the updates',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-port',
    type: 'int',
    min: 1,
    default: 53,
    help: 'port of the DNS server (TCP)',
    commands: PROVIDER_COMMANDS,
    check: (v) => ((v as number) > 65535 ? 'must be a port number 1-65535' : undefined),
  },
  { name: 'rfc2136-zone', type: 'strings', help: 'zone to manage (repeatable)', commands: PROVIDER_COMMANDS },
  {
    name: 'rfc2136-tsig-keyname',
    type: 'string',
    help: 'TSIG key name, as configured on the server',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret',
    type: 'string',
    secret: true,
    help: 'TSIG secret, base64 (prefer ZONEGUARD_RFC2136_TSIG_SECRET or --rfc2136-tsig-secret-file)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret-file',
    type: 'string',
    help: 'file holding the base64 TSIG secret',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-tsig-secret-alg',
    type: 'string',
    default: 'hmac-sha256',
    help: `TSIG algorithm (${TSIG_ALGORITHMS.join(', ')})`,
    commands: PROVIDER_COMMANDS,
    check: (v) =>
      tsigAlgorithm(String(v))
        ? undefined
        : `"${String(v)}" is not a TSIG algorithm (use one of ${TSIG_ALGORITHMS.join(', ')})`,
  },
  {
    name: 'rfc2136-tsig-axfr',
    type: 'boolean',
    default: true,
    help: 'sign zone transfers (AXFR) with the TSIG key',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-insecure',
    type: 'boolean',
    default: false,
    help: 'send updates without TSIG (the server must allow unsigned updates)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-batch-change-size',
    type: 'int',
    min: 1,
    help: 'most changes per UPDATE message (default: --batch-change-size, else 50)',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-min-ttl',
    type: 'duration',
    default: '0s',
    help: 'TTLs below this are raised to it',
    commands: PROVIDER_COMMANDS,
  },
  {
    name: 'rfc2136-timeout',
    type: 'duration',
    default: '10s',
    help: 'timeout of one update or zone transfer',
    commands: PROVIDER_COMMANDS,
  },

  // ---- certs-in-cluster ----
  {
    name: 'webhook-config',
    type: 'string',
    help: 'name of the ValidatingWebhookConfiguration whose caBundle to keep current',
    commands: ['certs-in-cluster'],
  },
  {
    name: 'patch-webhook',
    type: 'string',
    help: 'in the cluster: create or renew the serving certificate Secret and patch the caBundle of this ValidatingWebhookConfiguration (instead of writing files)',
    commands: ['certs'],
  },
  {
    name: 'secret-name',
    type: 'string',
    default: 'zoneguard-webhook-tls',
    help: 'Secret (type kubernetes.io/tls) the webhook mounts its certificate from',
    commands: ['certs-in-cluster', 'certs'],
  },
  {
    name: 'secret-namespace',
    type: 'string',
    help: "namespace of the Secret (default: the pod's own namespace)",
    commands: ['certs-in-cluster', 'certs'],
  },
  {
    name: 'cert-validity',
    type: 'duration',
    default: '8760h',
    min: 3_600_000,
    help: 'lifetime of a new serving certificate (default 1 year)',
    commands: ['certs', 'certs-in-cluster'],
  },
  {
    name: 'renew-before',
    type: 'duration',
    default: '720h',
    min: 60_000,
    help: 'renew when the certificate expires within this',
    commands: ['certs-in-cluster', 'certs'],
  },

  // ---- reconcile ----
  {
    name: 'interval',
    type: 'duration',
    default: '1m',
    min: 1000,
    help: 'full resync every this long, events or not (external-dns --interval)',
    commands: ['reconcile'],
  },
  {
    name: 'min-event-sync-interval',
    type: 'duration',
    default: '1s',
    min: 0,
    help: 'after a watched object changes, wait at least this long since the last sync (debounce; external-dns --min-event-sync-interval)',
    commands: ['reconcile'],
  },
  {
    name: 'events',
    type: 'boolean',
    default: true,
    help: 'sync when watched objects change, not only every --interval (--no-events: poll only)',
    commands: ['reconcile'],
  },
  {
    name: 'policy-reports-interval',
    type: 'duration',
    default: '0s',
    min: 0,
    help: 'write the background audit as PolicyReports (wgpolicyk8s.io/v1alpha2) after a sync, at most this often (0: never; `zoneguard audit` does one pass)',
    commands: ['reconcile'],
  },
  {
    name: 'once',
    type: 'boolean',
    help: 'sync once and exit (exit 1 when the sync failed)',
    commands: ['reconcile'],
  },
  {
    name: 'dry-run',
    type: 'boolean',
    help: 'print the plan of each sync (as `zoneguard plan`) instead of applying it; writes nothing, emits no Events',
    commands: ['reconcile'],
  },

  {
    name: 'kube-api',
    type: 'enum',
    choices: ['auto', 'off'],
    default: 'auto',
    help: 'auto: watch the cluster unless only -f manifests are given; off: never talk to Kubernetes (manifest source only)',
    commands: ['reconcile'],
  },
  {
    name: 'emit-events',
    type: 'enum',
    choices: ['all', 'warnings', 'none'],
    default: 'all',
    help: 'Kubernetes Events on source objects: all (published records and rejections), warnings (rejections and conflicts only), none',
    commands: ['reconcile'],
  },
  {
    name: 'leader-elect',
    type: 'boolean',
    help: 'with several replicas, only the holder of a coordination.k8s.io Lease reconciles',
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-lease-name',
    type: 'string',
    default: 'zoneguard-reconciler',
    help: 'name of the leader election Lease',
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-namespace',
    type: 'string',
    default: '',
    help: "namespace of the Lease (default: the pod's own namespace, else the kubeconfig context's, else default)",
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-identity',
    type: 'string',
    default: '',
    help: 'this replica in the Lease (default: $POD_NAME or the host name, plus a random suffix)',
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-lease-duration',
    type: 'duration',
    default: '15s',
    min: 1000,
    help: 'how long a Lease that is not renewed keeps others from taking over',
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-renew-deadline',
    type: 'duration',
    default: '10s',
    min: 500,
    help: 'the leader stops reconciling when it could not renew for this long',
    commands: ['reconcile'],
  },
  {
    name: 'leader-election-retry-period',
    type: 'duration',
    default: '2s',
    min: 100,
    help: 'how often candidates try to acquire and the leader renews',
    commands: ['reconcile'],
  },
  // shared with the webhook: the reconciler bumps this Lease after it writes, the webhook watches it
  {
    name: 'ownership-signal-lease',
    type: 'string',
    default: 'zoneguard-ownership',
    help: 'Lease the reconciler bumps after each write so webhook replicas re-read ownership at once (empty: off; webhooks then rely on --ownership-refresh)',
    commands: ['reconcile', 'webhook'],
  },
  {
    name: 'ownership-signal-namespace',
    type: 'string',
    default: '',
    help: "namespace of that Lease (default: the pod's own namespace, else the kubeconfig context's, else default)",
    commands: ['reconcile', 'webhook'],
  },
  {
    name: 'metrics-address',
    type: 'string',
    default: ':7979',
    // the webhook serves /metrics on its TLS port already; the plain listener is opt-in there
    commandDefaults: { webhook: '' },
    help: 'serve /metrics and /healthz over plain HTTP on this host:port (empty: no such server; webhook: off unless given, so Prometheus needs no admission CA)',
    commands: ['reconcile', 'webhook'],
  },
  {
    name: 'retry-base-delay',
    type: 'duration',
    default: '1s',
    min: 1,
    help: 'first delay after a failed sync; doubles per failure (with full jitter) up to --retry-max-delay',
    commands: ['reconcile'],
  },
  {
    name: 'retry-max-delay',
    type: 'duration',
    default: '1m',
    min: 1,
    help: 'longest delay between two attempts after failed syncs',
    commands: ['reconcile'],
  },

  // ---- webhook ----
  {
    name: 'listen-address',
    type: 'string',
    default: ':8443',
    help: 'host:port to serve HTTPS on (":8443" is every interface; port 0 picks a free port)',
    commands: ['webhook'],
    check: (v) =>
      parseHostPort(String(v))
        ? undefined
        : `expects host:port, e.g. :8443 or 127.0.0.1:8443, got "${String(v)}"`,
  },
  {
    name: 'tls-cert-file',
    type: 'string',
    help: 'serving certificate (PEM); reloaded when the file changes',
    commands: ['webhook'],
  },
  {
    name: 'tls-private-key-file',
    type: 'string',
    help: 'private key of the serving certificate (PEM); reloaded when the file changes',
    commands: ['webhook'],
  },
  {
    name: 'tls-reload-interval',
    type: 'duration',
    default: '10s',
    min: 100,
    help: 'also re-read the certificate files this often (a safety net for file watches that miss a change)',
    commands: ['webhook'],
  },
  {
    name: 'max-request-bytes',
    type: 'int',
    default: 3 * 1024 * 1024,
    min: 1024,
    help: 'largest AdmissionReview body accepted (bigger: HTTP 413)',
    commands: ['webhook'],
  },
  // ---- TLS policy and socket timeouts (core/tls-policy.ts, core/http-timeouts.ts) ----
  {
    name: 'tls-min-version',
    type: 'enum',
    choices: TLS_MIN_VERSIONS,
    default: 'VersionTLS12',
    help: 'lowest TLS version the webhook accepts, as Kubernetes components name it (VersionTLS12 or VersionTLS13)',
    commands: ['webhook'],
  },
  {
    name: 'tls-cipher-suites',
    type: 'strings',
    help: 'TLS 1.2 (and 1.3) cipher suites the webhook offers, IANA names as kube-apiserver takes them, e.g. TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (default: every ECDHE suite with AES-GCM or CHACHA20-POLY1305; suites without forward secrecy or AEAD are refused)',
    commands: ['webhook'],
    check: (v) => checkCipherSuites(v as string[]),
  },
  {
    name: 'tls-handshake-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    help: "close a connection that has not finished its TLS handshake this long after connecting (Node's default is 120s)",
    commands: ['webhook'],
  },
  {
    name: 'http-header-timeout',
    type: 'duration',
    default: '10s',
    min: 100,
    help: "close a connection whose request headers have not all arrived within this (answered 408); the webhook's HTTPS port and the --metrics-address listener",
    commands: ['webhook', 'reconcile'],
  },
  {
    name: 'http-request-timeout',
    type: 'duration',
    default: '30s',
    min: 100,
    help: 'close a connection whose whole request (headers and body) has not arrived within this (answered 408; kube-apiserver gives a webhook call at most 30s)',
    commands: ['webhook', 'reconcile'],
  },
  {
    name: 'http-idle-timeout',
    type: 'duration',
    default: '65s',
    min: 100,
    help: "close a keep-alive connection that sends no next request within this (Node waits 1s more); longer than a load balancer's usual 60s, so the server does not close first",
    commands: ['webhook', 'reconcile'],
  },
  {
    name: 'ownership-refresh',
    type: 'duration',
    default: '30s',
    min: 100,
    help: "re-read the provider's records and TXT ownership records this often",
    commands: ['webhook'],
  },
  {
    name: 'max-ownership-age',
    type: 'duration',
    default: '5m',
    min: 100,
    help: 'ownership data older than this (refreshes failing) is stale: see --stale-ownership',
    commands: ['webhook'],
  },
  {
    name: 'stale-ownership',
    type: 'enum',
    choices: ['deny', 'allow', 'warn'],
    default: 'warn',
    help: 'with stale ownership data: deny new hostnames, allow with the old data silently, or allow with a warning',
    commands: ['webhook'],
  },
  {
    name: 'duplicate-policy',
    type: 'enum',
    choices: ['deny', 'warn', 'off'],
    default: 'deny',
    help: 'a hostname already claimed by another object in the cluster: deny, warn, or off (do not watch the cluster)',
    commands: ['webhook'],
  },

  {
    name: 'in-cluster',
    type: 'boolean',
    help: "watch the cluster with the pod's service account (the default in a pod; this flag makes it an error not to be in one)",
    commands: ['webhook'],
  },
  {
    name: 'shutdown-delay',
    type: 'duration',
    default: '5s',
    min: 0,
    help: 'on SIGTERM, answer /readyz 503 at once but keep serving reviews this long before closing the listener (the API server keeps sending until the pod leaves the Service endpoints)',
    commands: ['webhook'],
  },
  {
    name: 'shutdown-timeout',
    type: 'duration',
    default: '20s',
    min: 0,
    help: 'after --shutdown-delay, wait at most this long for in-flight reviews before closing every connection and exiting',
    commands: ['webhook'],
  },

  // ---- certs ----
  {
    name: 'out',
    type: 'string',
    default: './zoneguard-certs',
    help: 'directory to write ca.crt, tls.crt and tls.key (0600) into: a new or empty one, or one holding only these files',
    commands: ['certs'],
  },
  {
    name: 'service-name',
    type: 'string',
    default: 'zoneguard-webhook',
    help: "the webhook's Service name (certificate for <service>.<namespace>.svc)",
    commands: ['certs'],
  },
  {
    name: 'service-namespace',
    type: 'string',
    default: 'zoneguard',
    help: "the webhook Service's namespace",
    commands: ['certs'],
  },
  {
    name: 'dns-name',
    type: 'strings',
    help: 'extra DNS names or IP addresses for the serving certificate, e.g. localhost, 127.0.0.1 (repeatable)',
    commands: ['certs'],
  },

  {
    name: 'ca-validity',
    type: 'duration',
    default: '87600h',
    min: 60_000,
    help: 'lifetime of the CA (default 10 years); the serving certificate never outlives it',
    commands: ['certs'],
  },
] as const satisfies readonly FlagSpec[];
