/**
 * DNSEndpoint (externaldns.k8s.io/v1alpha1) → claims: each spec.endpoints[] entry is a record as
 * written (dnsName, recordType, targets, recordTTL, setIdentifier, labels, providerSpecific).
 */
import { asArray, asString, isRecord, type KubeObject } from '../model/objects.js';
import { dnsEndpointSchemaProblems } from '../crd/dnsendpoint.js';
import { MAX_TTL } from './annotations.js';
import { normalizeDnsName } from '../model/endpoint.js';
import type { ExtractContext, Partial } from './common.js';
import { claimsFor } from './targets.js';

export function extractDnsEndpoint(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  // the CRD's schema first, as the API server applies it; the checks below then only add what it
  // cannot say (a missing dnsName, a TTL out of range), never a second message for the same field
  const schema = dnsEndpointSchemaProblems(obj);
  for (const p of schema)
    base.problems.push({
      hostname: '',
      rule: 'object',
      message: `${p.field} ${p.message} (DNSEndpoint CRD schema)`,
      fix: 'write the DNSEndpoint as the externaldns.k8s.io/v1alpha1 CRD defines it',
      field: p.field,
    });
  const covered = (field: string | undefined) =>
    field !== undefined &&
    schema.some(
      (p) => field === p.field || field.startsWith(`${p.field}.`) || field.startsWith(`${p.field}[`),
    );
  const before = base.problems.length;
  extractEntries(obj, ctx, base);
  const own = base.problems.splice(before).filter((p) => !covered(p.field));
  base.problems.push(...own);
}

function extractEntries(obj: KubeObject, ctx: ExtractContext, base: Partial): void {
  const spec = isRecord(obj.spec) ? obj.spec : {};
  const endpoints = spec.endpoints;
  if (endpoints !== undefined && !Array.isArray(endpoints)) {
    base.problems.push({
      hostname: '',
      rule: 'object',
      message: 'spec.endpoints must be a list',
      fix: 'write spec.endpoints as a list of {dnsName, recordType, targets}',
      field: 'spec.endpoints',
    });
    return;
  }
  asArray(endpoints).forEach((raw, i) => {
    const field = `spec.endpoints[${i}]`;
    if (!isRecord(raw)) {
      base.problems.push({
        hostname: '',
        rule: 'object',
        message: `${field} is not an object`,
        fix: 'give each endpoint dnsName, recordType and targets',
        field,
      });
      return;
    }
    if (raw.dnsName !== undefined && raw.dnsName !== null && typeof raw.dnsName !== 'string') {
      base.problems.push({
        hostname: '',
        rule: 'hostname',
        message: `${field}.dnsName must be a string, not ${JSON.stringify(raw.dnsName).slice(0, 40)}`,
        fix: 'set dnsName to the fully qualified name, as a string',
        field: `${field}.dnsName`,
      });
      return;
    }
    const dnsName = asString(raw.dnsName);
    if (!dnsName) {
      base.problems.push({
        hostname: '',
        rule: 'hostname',
        message: `${field}.dnsName is missing`,
        fix: 'set dnsName to the fully qualified name',
        field: `${field}.dnsName`,
      });
      return;
    }
    const hostname = normalizeDnsName(dnsName);
    const recordType = (asString(raw.recordType) ?? 'A').toUpperCase();
    const targetsRaw = raw.targets === undefined ? [] : raw.targets;
    if (!Array.isArray(targetsRaw) || targetsRaw.some((t) => typeof t !== 'string')) {
      base.problems.push({
        hostname,
        rule: 'target',
        message: `${field}.targets must be a list of strings`,
        fix: 'write targets as a list of strings',
        field: `${field}.targets`,
        recordType,
      });
      return;
    }
    const targets = (targetsRaw as string[]).map((t) =>
      recordType === 'CNAME' ? t.trim().toLowerCase().replace(/\.$/, '') : t.trim(),
    );
    let ttl: number | undefined;
    if (raw.recordTTL !== undefined && raw.recordTTL !== 0) {
      const n = raw.recordTTL;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_TTL) {
        base.problems.push({
          hostname,
          rule: 'ttl',
          message: `recordTTL ${JSON.stringify(n)} is not an integer in 1..${MAX_TTL}`,
          fix: 'set recordTTL to a whole number of seconds, e.g. 300',
          field: `${field}.recordTTL`,
          recordType,
        });
      } else ttl = n;
    }
    const providerSpecific: Record<string, string> = {};
    for (const p of asArray(raw.providerSpecific)) {
      if (isRecord(p) && typeof p.name === 'string') providerSpecific[p.name] = String(p.value ?? '');
    }
    const labels: Record<string, string> = {};
    if (isRecord(raw.labels))
      for (const [k, v] of Object.entries(raw.labels)) if (typeof v === 'string') labels[k] = v;
    const rest = {
      ...base.common,
      ...(ttl !== undefined ? { ttl } : {}),
      field: `${field}.dnsName`,
      ...(asString(raw.setIdentifier) ? { setIdentifier: asString(raw.setIdentifier) } : {}),
      ...(Object.keys(providerSpecific).length ? { providerSpecific } : {}),
      ...(Object.keys(labels).length ? { labels } : {}),
    };
    // --default-targets: an endpoint without targets gets them, its type from theirs (external-dns
    // source/wrappers/multisource.go: EndpointsForHostname over the default targets)
    if (targets.length === 0 && ctx.defaultTargets.length) {
      for (const c of claimsFor(hostname, ctx.defaultTargets, rest)) base.claims.push(c);
      return;
    }
    base.claims.push({ ...rest, hostname, recordType, targets });
  });
  if (asArray(endpoints).length === 0) base.warnings.push('DNSEndpoint has no endpoints');
}
