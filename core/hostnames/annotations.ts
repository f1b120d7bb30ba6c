/** external-dns annotations, and their parsing shared by every kind. */
import { parseDuration } from '../duration.js';

export const ANNOTATION_PREFIX = 'external-dns.alpha.kubernetes.io/';
export const HOSTNAME_ANNOTATION = `${ANNOTATION_PREFIX}hostname`;
export const INTERNAL_HOSTNAME_ANNOTATION = `${ANNOTATION_PREFIX}internal-hostname`;
export const TARGET_ANNOTATION = `${ANNOTATION_PREFIX}target`;
export const TTL_ANNOTATION = `${ANNOTATION_PREFIX}ttl`;
export const CONTROLLER_ANNOTATION = `${ANNOTATION_PREFIX}controller`;
export const SET_IDENTIFIER_ANNOTATION = `${ANNOTATION_PREFIX}set-identifier`;
export const INGRESS_HOSTNAME_SOURCE_ANNOTATION = `${ANNOTATION_PREFIX}ingress-hostname-source`;
export const CLOUDFLARE_PROXIED_ANNOTATION = `${ANNOTATION_PREFIX}cloudflare-proxied`;
export const ALIAS_ANNOTATION = `${ANNOTATION_PREFIX}alias`;
/** Route 53 routing policies and health checks: `aws-weight` → provider-specific `aws/weight`, … */
export const AWS_ANNOTATION_PREFIX = `${ANNOTATION_PREFIX}aws-`;
/** Those that make a routing policy, which Route 53 only accepts with a set identifier. */
export const AWS_ROUTING_ANNOTATIONS = [
  'weight',
  'region',
  'failover',
  'geolocation-continent-code',
  'geolocation-country-code',
  'geolocation-subdivision-code',
  'multi-value-answer',
].map((k) => `${AWS_ANNOTATION_PREFIX}${k}`);
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
/** external-dns only processes objects whose controller annotation, if any, is this. */
export const CONTROLLER_VALUE = 'dns-controller';

export const MAX_TTL = 2147483647;

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
 * Returns the seconds, or an error text for the ttl rule.
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
  if (seconds < 1 || seconds > MAX_TTL) return { error: `${seconds} is outside 1..${MAX_TTL}` };
  return { ttl: seconds };
}
