/**
 * external-dns annotations, read under every prefix an external-dns may use, and their parsing
 * shared by every kind.
 *
 * external-dns v0.22 reads its annotations under ONE prefix, `external-dns.kubernetes.io/` by
 * default (source/annotations/annotations.go DefaultAnnotationPrefix; `--annotation-prefix` picks
 * another, SetAnnotationPrefix), with no fallback to the older `external-dns.alpha.kubernetes.io/`.
 * zoneguard publishes what the configured prefix says (the reconciler mirrors the external-dns it
 * replaces) but checks the names under every prefix: an external-dns of another version beside it
 * publishes those, and a name the webhook does not see is a name it lets through.
 */
import { parseDuration } from '../duration.js';
import { isRecord, type KubeObject } from '../model/objects.js';

/** external-dns v0.22's default (docs/flags.md `--annotation-prefix`). */
export const DEFAULT_ANNOTATION_PREFIX = 'external-dns.kubernetes.io/';
/** The prefix of external-dns up to v0.21, still on most objects written for it. */
export const ALPHA_ANNOTATION_PREFIX = 'external-dns.alpha.kubernetes.io/';
/** Prefixes always checked, whatever --annotation-prefix says. */
export const KNOWN_ANNOTATION_PREFIXES = [DEFAULT_ANNOTATION_PREFIX, ALPHA_ANNOTATION_PREFIX] as const;

/**
 * The annotation names, without prefix (docs/annotations/annotations.md; source/annotations/
 * annotations.go for the keys the docs do not list).
 */
export const Ann = {
  hostname: 'hostname',
  internalHostname: 'internal-hostname',
  target: 'target',
  ttl: 'ttl',
  controller: 'controller',
  setIdentifier: 'set-identifier',
  alias: 'alias',
  access: 'access',
  endpointsType: 'endpoints-type',
  ingressHostnameSource: 'ingress-hostname-source',
  gatewayHostnameSource: 'gateway-hostname-source',
  cloudflareProxied: 'cloudflare-proxied',
  /** Route 53 routing policies and health checks: `aws-weight` → provider-specific `aws/weight`, … */
  awsPrefix: 'aws-',
} as const;

/** Those aws-* annotations that make a routing policy, which Route 53 only accepts with a set identifier. */
export const AWS_ROUTING_ANNOTATIONS = [
  'weight',
  'region',
  'failover',
  'geolocation-continent-code',
  'geolocation-country-code',
  'geolocation-subdivision-code',
  'multi-value-answer',
].map((k) => `${Ann.awsPrefix}${k}`);

/** The provider-specific property the Cloudflare provider reads (kept as zoneguard has always named it). */
export const CLOUDFLARE_PROXIED_PROPERTY = `${ALPHA_ANNOTATION_PREFIX}${Ann.cloudflareProxied}`;
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** external-dns only processes objects whose controller annotation, if any, is this. */
export const CONTROLLER_VALUE = 'dns-controller';

export const MAX_TTL = 2147483647;

/** Every prefix read: the configured one first, then the known ones it is not. */
export function prefixesRead(configured: string): readonly string[] {
  let out = prefixLists.get(configured);
  if (!out) {
    const list = [configured];
    for (const p of KNOWN_ANNOTATION_PREFIXES) if (p !== configured) list.push(p);
    out = Object.freeze(list);
    if (prefixLists.size < 64) prefixLists.set(configured, out);
  }
  return out;
}
const prefixLists = new Map<string, readonly string[]>();

/**
 * prefix → annotation name → "<prefix><name>": the same key string every time, so that a lookup
 * does not build, flatten and hash a new string (it was a fifth of a review's admit time).
 */
const fullKeys = new Map<string, Map<string, string>>();
function keysOf(prefix: string): Map<string, string> {
  let keys = fullKeys.get(prefix);
  if (!keys) {
    keys = new Map();
    if (fullKeys.size < 64) fullKeys.set(prefix, keys);
  }
  return keys;
}

/** An object's annotations seen under one prefix: `get('hostname')` reads `<prefix>hostname`. */
export class AnnotationView {
  private readonly keys: Map<string, string>;

  constructor(
    readonly raw: Readonly<Record<string, string>>,
    readonly prefix: string,
  ) {
    this.keys = keysOf(prefix);
  }

  static of(obj: KubeObject, prefix: string): AnnotationView {
    const a = obj.metadata?.annotations;
    return new AnnotationView(isRecord(a) ? (a as Record<string, string>) : {}, prefix);
  }

  key(name: string): string {
    let k = this.keys.get(name);
    if (k === undefined) {
      k = this.prefix + name;
      // names come from this module's table (and aws-* routing names): few, a bound all the same
      if (this.keys.size < 256) this.keys.set(name, k);
    }
    return k;
  }

  get(name: string): string | undefined {
    const v = this.raw[this.key(name)];
    return typeof v === 'string' ? v : undefined;
  }

  /** `metadata.annotations["<prefix><name>"]`, the field a claim or a problem names. */
  field(name: string): string {
    return `metadata.annotations["${this.prefix}${name}"]`;
  }

  /** The annotations under this prefix whose name starts with `start` (aws-…), name without prefix. */
  startingWith(start: string): [string, string][] {
    const out: [string, string][] = [];
    const full = this.prefix + start;
    for (const k in this.raw)
      if (Object.hasOwn(this.raw, k) && k.startsWith(full))
        out.push([k.slice(this.prefix.length), this.raw[k]]);
    return out;
  }

  /** Whether any annotation is under this prefix. */
  any(): boolean {
    for (const k in this.raw) if (Object.hasOwn(this.raw, k) && k.startsWith(this.prefix)) return true;
    return false;
  }
}

/**
 * What the configured reconciler would miss: an annotation set only under a prefix it does not
 * read, or set under two prefixes with different values (the v0.22 upgrade deleted records for
 * many users exactly this way). One line per annotation name, naming both keys.
 */
export function prefixWarnings(raw: Readonly<Record<string, string>>, configured: string): string[] {
  const out: string[] = [];
  const others = KNOWN_ANNOTATION_PREFIXES.filter((p) => p !== configured);
  for (const k in raw) {
    if (!Object.hasOwn(raw, k)) continue;
    const other = others.find((p) => k.startsWith(p));
    if (!other) continue;
    const name = k.slice(other.length);
    const mine = raw[configured + name];
    if (mine === undefined)
      out.push(
        `annotation ${k} is set but ${configured}${name} is not: a reconciler with --annotation-prefix=${configured} (external-dns v0.22's default) ignores ${other} and publishes nothing from it; zoneguard still checks it; set ${configured}${name} too, or instead`,
      );
    else if (mine !== raw[k])
      out.push(
        `annotations ${k}=${JSON.stringify(raw[k]).slice(0, 80)} and ${configured}${name}=${JSON.stringify(mine).slice(0, 80)} disagree: a reconciler with --annotation-prefix=${configured} uses only the latter; zoneguard checks both; make them equal or remove ${k}`,
      );
  }
  return out;
}

/** Comma-separated list, trimmed, empties dropped (external-dns's splitHostnameAnnotation). */
export function splitList(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The TTL annotation: whole seconds ("300") or a Go duration ("5m"), as external-dns reads it.
 * Returns the seconds (none for "0": not set, the provider's default), or an error text for the ttl rule.
 */
export function parseTtl(value: string): { ttl?: number; error?: string } {
  const v = value.trim();
  let seconds: number | undefined;
  if (/^-?\d+$/.test(v)) seconds = Number(v);
  else {
    const ms = parseDuration(v);
    if (ms !== undefined) seconds = ms / 1000;
  }
  if (seconds === undefined || !Number.isFinite(seconds))
    return { error: `"${value}" is not a number of seconds or a duration such as 5m` };
  if (!Number.isInteger(seconds)) return { error: `"${value}" is not a whole number of seconds` };
  // 0 is external-dns's "TTL not configured": the provider's default (endpoint.TTL.IsConfigured)
  if (seconds === 0) return {};
  if (seconds < 1 || seconds > MAX_TTL) return { error: `${seconds} is outside 1..${MAX_TTL}` };
  return { ttl: seconds };
}
