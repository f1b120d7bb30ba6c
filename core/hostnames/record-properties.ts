/**
 * The record properties an object's annotations give every claim it makes (external-dns's
 * annotations.TTLFromAnnotations and ProviderSpecificAnnotations): the ttl, the set identifier and
 * the provider-specific properties (cloudflare-proxied, alias, aws-*), with the problems of a bad
 * ttl or a Route 53 routing policy without set identifier. Read from the object itself (index.ts
 * readPass) or, for a kind whose source takes them from related objects, from those (a Gloo
 * Proxy's virtual hosts take their VirtualServices' annotations: gloo-proxy.ts).
 */
import type { RecordAnnotations } from '../kinds.js';
import type { Claim, Violation } from '../model/verdict.js';
import {
  Ann,
  AnnotationView,
  AWS_ROUTING_ANNOTATIONS,
  CLOUDFLARE_PROXIED_PROPERTY,
  parseTtl,
} from './annotations.js';

export type { RecordAnnotations };

export type RecordProperties = Omit<Claim, 'hostname' | 'targets' | 'recordType' | 'field'>;

/** The properties under `ann`'s prefix; problems are pushed onto `problems`. */
export function recordProperties(
  ann: AnnotationView,
  problems: Violation[],
  read: RecordAnnotations = 'all',
): RecordProperties {
  const common: RecordProperties = {};
  if (read === 'none') return common;
  const ttlText = ann.get(Ann.ttl);
  if (ttlText !== undefined) {
    const r = parseTtl(ttlText);
    if (r.error) {
      problems.push({
        hostname: '',
        rule: 'ttl',
        message: `TTL annotation ${r.error}`,
        fix: 'set the ttl annotation to whole seconds in 1..2147483647, e.g. "300"',
        field: ann.field(Ann.ttl),
      });
    } else common.ttl = r.ttl;
  }
  if (read === 'ttl') return common;
  const setId = ann.get(Ann.setIdentifier);
  if (setId) common.setIdentifier = setId;
  let ps: Record<string, string> | undefined;
  const proxied = ann.get(Ann.cloudflareProxied);
  if (proxied !== undefined) (ps ??= {})[CLOUDFLARE_PROXIED_PROPERTY] = proxied;
  const alias = ann.get(Ann.alias);
  if (alias !== undefined) (ps ??= {}).alias = alias;
  // aws-weight, aws-region, aws-failover, aws-geolocation-*, aws-health-check-id… → aws/<name>
  for (const [name, v] of ann.startingWith(Ann.awsPrefix))
    (ps ??= {})[`aws/${name.slice(Ann.awsPrefix.length)}`] = v;
  if (ps) common.providerSpecific = ps;
  const routing: string[] = [];
  if (ps) for (const k of AWS_ROUTING_ANNOTATIONS) if (ann.get(k) !== undefined) routing.push(k);
  if (routing.length && !setId) {
    problems.push({
      hostname: '',
      rule: 'object',
      message: `${routing.join(', ')} needs the set-identifier annotation (a Route 53 routing policy applies to one of several record sets of a name)`,
      fix: `add ${ann.key(Ann.setIdentifier)}, unique among the objects sharing this hostname`,
      field: ann.field(routing[0]),
    });
  }
  if (routing.length > 1 && !routing.every((k) => k.includes('geolocation'))) {
    problems.push({
      hostname: '',
      rule: 'object',
      message: `${routing.join(' and ')}: Route 53 takes one routing policy per record set`,
      fix: 'keep one of the aws-* routing annotations',
      field: ann.field(routing[1]),
    });
  }
  return common;
}
