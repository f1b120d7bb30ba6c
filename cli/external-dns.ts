/**
 * external-dns compatibility: every flag of external-dns's documented flag list (docs/flags.md of
 * kubernetes-sigs/external-dns, v0.22 and its HEAD of 2026-08-22) and what zoneguard does with it.
 * A flag of that list is
 * - supported: zoneguard's flag table (cli/flags.ts) has a flag of the same name with its meaning;
 * - an alias: it sets another zoneguard flag (`--aws-batch-change-interval` → `--batch-change-interval`);
 * - refused: given, zoneguard exits 2 with the one line of `refused` (never accepted and ignored),
 *   unless its value asks for what zoneguard does anyway (`accepts`: `--no-create-ptr`,
 *   `--registry=txt`).
 * The command line (cli/program.ts), the environment (EXTERNAL_DNS_<FLAG>, as kingpin reads it) and
 * README's compatibility table (scripts/compat-table.ts) all read this one table.
 */
import { FLAGS } from './flags.js';
import type { FlagSpec } from './flag-spec.js';
import { PROVIDERS } from '../core/providers/catalog.js';
import { ConfigError } from '../core/errors.js';

export interface ExternalDnsFlag {
  /** As in external-dns, without dashes. */
  name: string;
  /** A kingpin boolean: `--x`, `--no-x`, `--x=true|false`. */
  bool: boolean;
  /** external-dns's default as its flags doc prints it ('' when none). */
  default: string;
}

export interface CompatEntry {
  /** Sets this zoneguard flag instead (same meaning, another name). */
  alias?: string;
  /** Why zoneguard refuses the flag, one line. */
  refused?: string;
  /** Values (as given, booleans as 'true'/'false') that ask for zoneguard's own behaviour: accepted. */
  accepts?: readonly string[];
  /**
   * Refused only until another piece of work lands a zoneguard flag of this name; once cli/flags.ts
   * has it, the flag is supported and this refusal no longer applies.
   */
  pending?: boolean;
  /** A difference to external-dns worth a line in README (the flag is still supported). */
  note?: string;
  /** Values that external-dns takes under another name: `--provider=azure-dns` is azure. */
  valueAliases?: Readonly<Record<string, string>>;
  /** Values of a supported flag that zoneguard refuses, each with its one line why. */
  refusedValues?: Readonly<Record<string, string>>;
}

// [name, kind (b: boolean, v: value), default as docs/flags.md prints it], in the doc's order.
// prettier-ignore
const DOC: readonly (readonly [string, 'b' | 'v', string])[] = [
  ['version', 'b', ''], ['server', 'v', ''], ['resolve-service-load-balancer-hostname', 'b', ''],
  ['listen-endpoint-events', 'b', ''], ['gloo-namespace', 'v', 'gloo-system'],
  ['skipper-routegroup-groupversion', 'v', 'zalando.org/v1'], ['always-publish-not-ready-addresses', 'b', ''],
  ['annotation-filter', 'v', ''], ['annotation-prefix', 'v', 'external-dns.kubernetes.io/'],
  ['compatibility', 'v', ''], ['connector-source-server', 'v', 'localhost:8080'],
  ['crd-source-apiversion', 'v', 'externaldns.k8s.io/v1alpha1'], ['crd-source-kind', 'v', 'DNSEndpoint'],
  ['default-targets', 'v', ''], ['force-default-targets', 'b', ''], ['prefer-alias', 'b', ''],
  ['exclude-record-types', 'v', ''], ['exclude-target-net', 'v', ''], ['exclude-unschedulable', 'b', 'true'],
  ['expose-internal-ipv6', 'b', ''], ['gateway-label-filter', 'v', ''], ['gateway-name', 'v', ''],
  ['gateway-namespace', 'v', ''], ['gateway-listener-sets', 'b', ''], ['ignore-hostname-annotation', 'b', ''],
  ['ignore-ingress-rules-spec', 'b', ''], ['ignore-ingress-tls-spec', 'b', ''],
  ['ignore-non-host-network-pods', 'b', ''], ['ingress-class', 'v', ''], ['label-filter', 'v', ''],
  ['managed-record-types', 'v', 'A,AAAA,CNAME'], ['namespace', 'v', ''], ['nat64-networks', 'v', ''],
  ['openshift-router-name', 'v', ''], ['pod-source-domain', 'v', ''], ['publish-host-ip', 'b', ''],
  ['publish-internal-services', 'b', ''], ['service-type-filter', 'v', ''], ['target-net-filter', 'v', ''],
  ['traefik-enable-legacy', 'b', ''], ['traefik-disable-new', 'b', ''], ['unstructured-resource', 'v', ''],
  ['events-emit', 'v', ''], ['provider-cache-time', 'v', '0s'], ['create-ptr', 'b', ''],
  ['domain-filter', 'v', ''], ['exclude-domains', 'v', ''], ['regex-domain-filter', 'v', ''],
  ['regex-domain-exclusion', 'v', ''], ['zone-name-filter', 'v', ''], ['zone-id-filter', 'v', ''],
  ['google-project', 'v', ''], ['google-batch-change-size', 'v', '1000'],
  ['google-batch-change-interval', 'v', '1s'], ['google-zone-visibility', 'v', ''],
  ['alibaba-cloud-config-file', 'v', '/etc/kubernetes/alibaba-cloud.json'], ['alibaba-cloud-zone-type', 'v', ''],
  ['aws-zone-type', 'v', ''], ['aws-zone-tags', 'v', ''], ['aws-profile', 'v', ''], ['aws-assume-role', 'v', ''],
  ['aws-assume-role-external-id', 'v', ''], ['aws-batch-change-size', 'v', '1000'],
  ['aws-batch-change-size-bytes', 'v', '32000'], ['aws-batch-change-size-values', 'v', '1000'],
  ['aws-batch-change-interval', 'v', '1s'], ['aws-evaluate-target-health', 'b', 'true'],
  ['aws-api-retries', 'v', '3'], ['aws-prefer-cname', 'b', ''], ['aws-zones-cache-duration', 'v', '0s'],
  ['aws-zone-match-parent', 'b', ''], ['aws-sd-service-cleanup', 'b', ''], ['aws-sd-create-tag', 'v', ''],
  ['azure-config-file', 'v', '/etc/kubernetes/azure.json'], ['azure-resource-group', 'v', ''],
  ['azure-subscription-id', 'v', ''], ['azure-user-assigned-identity-client-id', 'v', ''],
  ['azure-zones-cache-duration', 'v', '0s'], ['azure-maxretries-count', 'v', '3'],
  ['batch-change-size', 'v', '200'], ['batch-change-interval', 'v', '1s'], ['cloudflare-proxied', 'b', ''],
  ['cloudflare-custom-hostnames', 'b', ''], ['cloudflare-custom-hostnames-min-tls-version', 'v', '1.0'],
  ['cloudflare-custom-hostnames-certificate-authority', 'v', 'none'],
  ['cloudflare-dns-records-per-page', 'v', '100'], ['cloudflare-regional-services', 'b', ''],
  ['cloudflare-region-key', 'v', ''], ['cloudflare-record-comment', 'v', ''], ['coredns-prefix', 'v', '/skydns/'],
  ['coredns-strictly-owned', 'b', ''], ['oci-config-file', 'v', '/etc/kubernetes/oci.yaml'],
  ['oci-compartment-ocid', 'v', ''], ['oci-zone-scope', 'v', 'GLOBAL'], ['oci-auth-instance-principal', 'b', ''],
  ['oci-zones-cache-duration', 'v', '0s'], ['inmemory-zone', 'v', ''], ['ovh-endpoint', 'v', 'ovh-eu'],
  ['ovh-api-rate-limit', 'v', '20'], ['ovh-enable-cname-relative', 'b', ''],
  ['pdns-server', 'v', 'http://localhost:8081'], ['pdns-server-id', 'v', 'localhost'], ['pdns-api-key', 'v', ''],
  ['pdns-skip-tls-verify', 'b', ''], ['ns1-endpoint', 'v', ''], ['ns1-ignoressl', 'b', ''],
  ['ns1-min-ttl', 'v', '0'], ['godaddy-api-key', 'v', ''], ['godaddy-api-secret', 'v', ''],
  ['godaddy-api-ttl', 'v', '0'], ['godaddy-api-ote', 'b', ''], ['tls-ca', 'v', ''], ['tls-client-cert', 'v', ''],
  ['tls-client-cert-key', 'v', ''], ['exoscale-apienv', 'v', 'api'], ['exoscale-apizone', 'v', 'ch-gva-2'],
  ['exoscale-apikey', 'v', ''], ['exoscale-apisecret', 'v', ''], ['exoscale-zones-cache-duration', 'v', '0s'],
  ['rfc2136-host', 'v', ''], ['rfc2136-port', 'v', '0'], ['rfc2136-zone', 'v', ''], ['rfc2136-insecure', 'b', ''],
  ['rfc2136-tsig-keyname', 'v', ''], ['rfc2136-tsig-secret', 'v', ''], ['rfc2136-tsig-secret-alg', 'v', ''],
  ['rfc2136-axfr', 'b', ''], ['rfc2136-tsig-axfr', 'b', ''], ['rfc2136-min-ttl', 'v', '0s'],
  ['rfc2136-gss-tsig', 'b', ''], ['rfc2136-kerberos-username', 'v', ''], ['rfc2136-kerberos-password', 'v', ''],
  ['rfc2136-kerberos-realm', 'v', ''], ['rfc2136-batch-change-size', 'v', '50'], ['rfc2136-use-tls', 'b', ''],
  ['rfc2136-skip-tls-verify', 'b', ''], ['rfc2136-load-balancing-strategy', 'v', 'disabled'],
  ['pihole-server', 'v', ''], ['pihole-password', 'v', ''], ['pihole-tls-skip-verify', 'b', ''],
  ['policy', 'v', ''], ['registry', 'v', 'txt'], ['crd-registry-namespace', 'v', ''], ['txt-owner-id', 'v', 'default'],
  ['txt-prefix', 'v', ''], ['txt-suffix', 'v', ''], ['txt-wildcard-replacement', 'v', ''],
  ['txt-encrypt-enabled', 'b', ''], ['txt-encrypt-aes-key', 'v', ''], ['migrate-from-txt-owner', 'v', ''],
  ['dynamodb-region', 'v', ''], ['dynamodb-table', 'v', 'external-dns'], ['txt-cache-interval', 'v', '0s'],
  ['interval', 'v', '1m0s'], ['min-event-sync-interval', 'v', '5s'], ['once', 'b', ''], ['dry-run', 'b', ''],
  ['events', 'b', ''], ['min-ttl', 'v', '0s'], ['log-format', 'v', 'text'], ['metrics-address', 'v', ':7979'],
  ['log-level', 'v', 'info'], ['webhook-provider-url', 'v', 'http://localhost:8888'],
  ['webhook-provider-read-timeout', 'v', '5s'], ['webhook-provider-write-timeout', 'v', '10s'],
  ['webhook-provider-read-header-timeout', 'v', '5s'], ['webhook-provider-idle-timeout', 'v', '30s'],
  ['webhook-provider-max-body-size', 'v', '33554432'], ['webhook-server', 'b', ''],
  ['combine-fqdn-annotation', 'b', ''], ['fqdn-template', 'v', ''], ['target-template', 'v', ''],
  ['fqdn-target-template', 'v', ''], ['kubeconfig', 'v', ''], ['request-timeout', 'v', '30s'],
  ['kube-api-request-timeout', 'v', '30s'], ['kube-api-qps', 'v', '5'], ['kube-api-burst', 'v', '10'],
  ['provider', 'v', ''], ['source', 'v', ''],
];

export const EXTERNAL_DNS_FLAGS: readonly ExternalDnsFlag[] = DOC.map(([name, kind, def]) => ({
  name,
  bool: kind === 'b',
  default: def,
}));

const OFF = ['false'] as const;
const noProvider = (p: string) =>
  `the ${p} provider is not supported (zoneguard: ${[...PROVIDERS].sort().join(', ')})`;
const noSource = (s: string) =>
  `the ${s} source is not supported (see --source for the kinds zoneguard reads)`;
const pendingSource = 'not supported yet (source options land with issue 12)';
const noRegistry = (r: string) => `the ${r} registry is not supported (zoneguard: txt, noop)`;

/** What zoneguard does with each external-dns flag that it has no flag of the same name for. */
export const COMPAT: Readonly<Record<string, CompatEntry>> = {
  server: { refused: 'not supported: name the API server in a kubeconfig (--kubeconfig)' },
  'annotation-prefix': { refused: pendingSource, pending: true },
  compatibility: {
    refused: 'not supported: legacy annotation sets (mate, molecule, kops-dns-controller) are not read',
    accepts: [''],
  },
  'connector-source-server': { refused: noSource('connector') },
  'crd-source-apiversion': {
    refused: 'not supported: the crd source reads externaldns.k8s.io/v1alpha1 DNSEndpoint only',
    accepts: ['externaldns.k8s.io/v1alpha1'],
  },
  'crd-source-kind': {
    refused: 'not supported: the crd source reads externaldns.k8s.io/v1alpha1 DNSEndpoint only',
    accepts: ['DNSEndpoint'],
  },
  'force-default-targets': {
    refused:
      'not supported: deprecated in external-dns; --default-targets never overrides targets an object gives',
    accepts: OFF,
  },
  'prefer-alias': {
    refused: 'not supported: CNAMEs are written as CNAMEs (Route 53 aliases come from the alias annotation)',
    accepts: OFF,
  },
  registry: {
    note: 'txt and noop (no ownership records: every record in the filters counts as ours, as in external-dns); aws-sd, crd, dynamodb refused',
    refusedValues: {
      'aws-sd': noRegistry('aws-sd'),
      crd: noRegistry('crd'),
      dynamodb: noRegistry('dynamodb'),
    },
  },
  provider: {
    note: "external-dns's other providers are refused by name; azure-dns is azure",
    valueAliases: { 'azure-dns': 'azure' },
    refusedValues: Object.fromEntries(
      [
        'alibabacloud',
        'aws-sd',
        'civo',
        'coredns',
        'dnsimple',
        'exoscale',
        'godaddy',
        'linode',
        'ns1',
        'oci',
        'ovh',
        'pihole',
        'scaleway',
        'skydns',
        'webhook',
      ].map((p) => [p, noProvider(p)]),
    ),
  },
  events: {
    note: 'on by default in zoneguard (external-dns: off); --no-events or --events=false polls only',
  },
  'log-format': { note: 'json by default in zoneguard (external-dns: text); text prints logrus-style lines' },
  'log-level': {
    note: 'logrus names (panic, fatal, error, warning/warn, info, debug, trace), printed as strings',
  },
  'default-targets': {
    note: 'also the targets of Ingresses without a load balancer, and of NodePort and headless Services when no Node or EndpointSlice was read (validate -f without them, a webhook without a cluster); external-dns: endpoints without targets only',
  },
  'rfc2136-tsig-axfr': {
    note: 'zoneguard: whether the AXFR is signed with the TSIG key (external-dns: a deprecated name of --rfc2136-axfr; zoneguard always reads by AXFR)',
  },
  'rfc2136-host': {
    note: 'one host (external-dns: several, with --rfc2136-load-balancing-strategy); given twice, the last is used and a warning logged',
  },
  'aws-profile': {
    note: 'one profile (external-dns: several); given twice, the last is used and a warning logged',
  },
  'exclude-record-types': {
    note: 'an object asking for an excluded type is denied by the record-type rule (external-dns leaves the record out silently)',
  },
  'min-ttl': {
    note: "zoneguard's warning for TTLs below a provider minimum is --warn-ttl-below",
  },
  'min-event-sync-interval': { note: 'default 1s in zoneguard (external-dns: 5s)' },
  'exclude-unschedulable': {
    note: 'applies to NodePort Service targets (the node source is not supported)',
  },
  'skipper-routegroup-groupversion': {
    note: 'the group must be zalando.org (the version may differ): the webhook rule and RBAC name that group',
  },
  'expose-internal-ipv6': {
    note: 'applies to NodePort Service targets and endpoints-type NodeExternalIP (the node source is not supported)',
  },
  'gateway-label-filter': { refused: pendingSource, pending: true },
  'gateway-name': { refused: pendingSource, pending: true },
  'gateway-namespace': { refused: pendingSource, pending: true },
  'ignore-hostname-annotation': { refused: pendingSource, pending: true, accepts: OFF },
  'ignore-ingress-rules-spec': { refused: pendingSource, pending: true, accepts: OFF },
  'ignore-ingress-tls-spec': { refused: pendingSource, pending: true, accepts: OFF },
  'ignore-non-host-network-pods': { refused: noSource('pod'), accepts: OFF },
  'nat64-networks': { refused: 'not supported: no A records are synthesised for NAT64 AAAA records' },
  'openshift-router-name': { refused: pendingSource, pending: true },
  'pod-source-domain': { refused: noSource('pod') },
  'publish-internal-services': { refused: pendingSource, pending: true, accepts: OFF },
  'service-type-filter': { refused: pendingSource, pending: true },
  'traefik-enable-legacy': { refused: pendingSource, pending: true, accepts: OFF },
  'traefik-disable-new': { refused: pendingSource, pending: true, accepts: OFF },
  'unstructured-resource': { refused: noSource('unstructured') },
  'events-emit': {
    refused:
      'not supported: zoneguard emits its own Events (DNSRecordRejected, ...); choose them with --emit-events',
  },
  'create-ptr': { refused: 'not supported: PTR records are not created', accepts: OFF },
  'google-batch-change-interval': { alias: 'batch-change-interval' },
  'alibaba-cloud-config-file': { refused: noProvider('alibabacloud') },
  'alibaba-cloud-zone-type': { refused: noProvider('alibabacloud') },
  'aws-batch-change-size-values': {
    refused:
      'not supported: Route 53 batches are bounded by --aws-batch-change-size and --aws-batch-change-size-bytes',
  },
  'aws-batch-change-interval': { alias: 'batch-change-interval' },
  'aws-api-retries': {
    refused:
      'not supported: a failed Route 53 call fails the sync, which is retried with backoff (--retry-base-delay)',
  },
  'aws-sd-service-cleanup': { refused: noProvider('aws-sd'), accepts: OFF },
  'aws-sd-create-tag': { refused: noProvider('aws-sd') },
  'azure-config-file': {
    refused:
      'not supported: Azure credentials come from the Azure identity chain; use --azure-subscription-id and --azure-resource-group',
  },
  'azure-maxretries-count': {
    refused:
      'not supported: a failed Azure call fails the sync, which is retried with backoff (--retry-base-delay)',
  },
  // external-dns v0.22 reads these two for Cloudflare only (docs/tutorials/cloudflare.md, "Batch API")
  'batch-change-size': {
    note: "every provider that batches, where its own --<provider>-batch-change-size is not given (external-dns: Cloudflare only, and never below 200); no default of its own: each provider's",
  },
  'batch-change-interval': {
    note: 'every provider that batches, between any two batches across zones (external-dns: Cloudflare; aws and google have their own flags, aliases here); default 1s for aws, google and cloudflare, none for rfc2136 and pdns; azure sends no batches',
  },
  'cloudflare-custom-hostnames': {
    refused: 'not supported: Cloudflare custom hostnames are not managed',
    accepts: OFF,
  },
  'cloudflare-custom-hostnames-min-tls-version': {
    refused: 'not supported: Cloudflare custom hostnames are not managed',
  },
  'cloudflare-custom-hostnames-certificate-authority': {
    refused: 'not supported: Cloudflare custom hostnames are not managed',
  },
  'cloudflare-regional-services': {
    refused: 'not supported: Cloudflare regional services are not managed',
    accepts: OFF,
  },
  'cloudflare-region-key': {
    refused: 'not supported: Cloudflare regional services are not managed',
    accepts: [''],
  },
  'coredns-prefix': { refused: noProvider('coredns') },
  'coredns-strictly-owned': { refused: noProvider('coredns'), accepts: OFF },
  'oci-config-file': { refused: noProvider('oci') },
  'oci-compartment-ocid': { refused: noProvider('oci') },
  'oci-zone-scope': { refused: noProvider('oci') },
  'oci-auth-instance-principal': { refused: noProvider('oci'), accepts: OFF },
  'oci-zones-cache-duration': { refused: noProvider('oci') },
  'ovh-endpoint': { refused: noProvider('ovh') },
  'ovh-api-rate-limit': { refused: noProvider('ovh') },
  'ovh-enable-cname-relative': { refused: noProvider('ovh'), accepts: OFF },
  'pdns-skip-tls-verify': {
    refused:
      'not supported: the PowerDNS API certificate is always verified (use http:// on a trusted network)',
    accepts: OFF,
  },
  'ns1-endpoint': { refused: noProvider('ns1') },
  'ns1-ignoressl': { refused: noProvider('ns1'), accepts: OFF },
  'ns1-min-ttl': { refused: noProvider('ns1') },
  'godaddy-api-key': { refused: noProvider('godaddy') },
  'godaddy-api-secret': { refused: noProvider('godaddy') },
  'godaddy-api-ttl': { refused: noProvider('godaddy') },
  'godaddy-api-ote': { refused: noProvider('godaddy'), accepts: OFF },
  'tls-ca': {
    refused: 'not supported: client TLS settings for etcd and PowerDNS; zoneguard trusts the system CA store',
  },
  'tls-client-cert': {
    refused: 'not supported: client certificates for etcd and PowerDNS are not presented',
  },
  'tls-client-cert-key': {
    refused: 'not supported: client certificates for etcd and PowerDNS are not presented',
  },
  'exoscale-apienv': { refused: noProvider('exoscale') },
  'exoscale-apizone': { refused: noProvider('exoscale') },
  'exoscale-apikey': { refused: noProvider('exoscale') },
  'exoscale-apisecret': { refused: noProvider('exoscale') },
  'exoscale-zones-cache-duration': { refused: noProvider('exoscale') },
  'rfc2136-axfr': {
    refused:
      'only true is supported: zoneguard always lists the zone by AXFR, since ownership cannot be checked without it',
    accepts: ['true'],
  },
  'rfc2136-gss-tsig': { refused: 'not supported: GSS-TSIG (Kerberos) updates; use a TSIG key', accepts: OFF },
  'rfc2136-kerberos-username': { refused: 'not supported: GSS-TSIG (Kerberos) updates; use a TSIG key' },
  'rfc2136-kerberos-password': { refused: 'not supported: GSS-TSIG (Kerberos) updates; use a TSIG key' },
  'rfc2136-kerberos-realm': { refused: 'not supported: GSS-TSIG (Kerberos) updates; use a TSIG key' },
  'rfc2136-use-tls': { refused: 'not supported: updates go over plain TCP, signed with TSIG', accepts: OFF },
  'rfc2136-skip-tls-verify': {
    refused: 'not supported: updates go over plain TCP, signed with TSIG',
    accepts: OFF,
  },
  'rfc2136-load-balancing-strategy': {
    refused: 'not supported: one --rfc2136-host takes the updates',
    accepts: ['disabled'],
  },
  'pihole-server': { refused: noProvider('pihole') },
  'pihole-password': { refused: noProvider('pihole') },
  'pihole-tls-skip-verify': { refused: noProvider('pihole'), accepts: OFF },
  'crd-registry-namespace': { refused: noRegistry('crd') },
  'txt-encrypt-enabled': {
    note: 'AES-256-GCM values external-dns reads and writes; an unchanged record keeps its value byte for byte',
  },
  'txt-encrypt-aes-key': {
    note: 'also from --txt-encrypt-aes-key-file or ZONEGUARD_TXT_ENCRYPT_AES_KEY; with the key alone encrypted records are read',
  },
  'migrate-from-txt-owner': {
    note: "that owner's records are ours; each ownership record is rewritten once (external-dns rewrites them every sync)",
  },
  'dynamodb-region': { refused: noRegistry('dynamodb') },
  'dynamodb-table': { refused: noRegistry('dynamodb') },
  'webhook-provider-url': { refused: noProvider('webhook') },
  'webhook-provider-read-timeout': { refused: noProvider('webhook') },
  'webhook-provider-write-timeout': { refused: noProvider('webhook') },
  'webhook-provider-read-header-timeout': { refused: noProvider('webhook') },
  'webhook-provider-idle-timeout': { refused: noProvider('webhook') },
  'webhook-provider-max-body-size': { refused: noProvider('webhook') },
  'webhook-server': {
    refused:
      'not supported: zoneguard is no provider webhook server (its webhook is Kubernetes admission: `zoneguard webhook`)',
    accepts: OFF,
  },
  'combine-fqdn-annotation': { refused: pendingSource, pending: true, accepts: OFF },
  'fqdn-template': { refused: pendingSource, pending: true },
  'target-template': { refused: 'not supported: targets come from the objects and annotations only' },
  'fqdn-target-template': {
    refused: 'not supported: names and targets come from the objects and annotations only',
  },
  // deprecated in external-dns for --kube-api-request-timeout, which it sets (docs/flags.md)
  'request-timeout': { alias: 'kube-api-request-timeout' },
};

const ZONEGUARD_FLAGS = new Map((FLAGS as readonly FlagSpec[]).map((f) => [f.name, f]));
const BY_NAME = new Map(EXTERNAL_DNS_FLAGS.map((f) => [f.name, f]));

export type CompatStatus =
  | { kind: 'supported'; flag: FlagSpec; note?: string }
  | { kind: 'alias'; flag: FlagSpec }
  | { kind: 'refused'; reason: string; accepts: readonly string[] };

/** What zoneguard does with an external-dns flag; undefined for a name not in external-dns's list. */
export function compatStatus(name: string): CompatStatus | undefined {
  if (!BY_NAME.has(name)) return undefined;
  const entry = COMPAT[name];
  const own = ZONEGUARD_FLAGS.get(name);
  // a flag another piece of work was to add, now in the flag table: supported
  if (own && (!entry?.refused || entry.pending))
    return { kind: 'supported', flag: own, ...(entry?.note ? { note: entry.note } : {}) };
  if (entry?.alias) {
    const target = ZONEGUARD_FLAGS.get(entry.alias);
    if (target) return { kind: 'alias', flag: target };
  }
  if (entry?.refused) return { kind: 'refused', reason: entry.refused, accepts: entry.accepts ?? [] };
  return undefined;
}

/** The value zoneguard's flag takes for an external-dns value (`azure-dns` → `azure`). */
export function canonicalValue(name: string, value: string): string {
  return COMPAT[name]?.valueAliases?.[value] ?? value;
}

/** Why zoneguard refuses this value of a flag it supports (`--registry=dynamodb`), if it does. */
export function refusedValue(name: string, value: string): string | undefined {
  return COMPAT[name]?.refusedValues?.[value];
}

export function externalDnsFlag(name: string): ExternalDnsFlag | undefined {
  return BY_NAME.get(name);
}

/** kingpin's environment variable for a flag: EXTERNAL_DNS_DOMAIN_FILTER. */
export function externalDnsEnvName(flag: string): string {
  return `EXTERNAL_DNS_${flag.toUpperCase().replace(/-/g, '_')}`;
}

/** kingpin's boolean values (Go's strconv.ParseBool). */
export function parseKingpinBool(raw: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
  return undefined;
}

/**
 * The flags set by EXTERNAL_DNS_<FLAG> variables, as kingpin reads them (app.DefaultEnvars): a
 * repeatable flag's values one a line, booleans as strconv.ParseBool reads them. Keyed by the
 * zoneguard flag (aliases resolved); a refused flag set to a value zoneguard cannot honour throws.
 * Only the variables of external-dns's own flags are read.
 */
export function externalDnsEnvValues(
  env: Record<string, string | undefined>,
  specs: readonly FlagSpec[],
): Record<string, unknown> {
  const own = new Map(specs.map((f) => [f.name, f]));
  const out: Record<string, unknown> = {};
  for (const ext of EXTERNAL_DNS_FLAGS) {
    if (ext.name === 'version') continue;
    const raw = env[externalDnsEnvName(ext.name)];
    if (raw === undefined) continue;
    const status = own.has(ext.name) ? undefined : compatStatus(ext.name);
    const where = `(from ${externalDnsEnvName(ext.name)})`;
    if (ext.bool) {
      if (parseKingpinBool(raw) === undefined)
        throw new ConfigError(ext.name, `expects true or false, got "${raw}" ${where}`);
    }
    const value = ext.bool ? String(parseKingpinBool(raw)) : canonicalValue(ext.name, raw);
    if (status?.kind === 'refused') {
      if (status.accepts.includes(value)) continue;
      throw new ConfigError(ext.name, `${status.reason} ${where}`);
    }
    const name = status?.kind === 'alias' ? status.flag.name : ext.name;
    const why = refusedValue(ext.name, value);
    if (why) throw new ConfigError(ext.name, `${why} ${where}`);
    const spec = own.get(name);
    // a flag this command does not take (e.g. --interval for validate): kingpin's env is shared by
    // every command here, so it is read only where it applies
    if (!spec) continue;
    out[name] = spec.type === 'strings' ? value.replace(/\r?\n$/, '').split(/\r?\n/) : value;
  }
  return out;
}
