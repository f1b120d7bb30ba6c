/** Rule `hostname`: RFC 1123 names (labels ≤ 63, name ≤ 253, a wildcard only as the whole first label). */
import { violation as v, type Rule } from './context.js';

const LABEL_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Service labels such as _acme-challenge or _tcp, allowed for record types that use them. */
const UNDERSCORE_LABEL_RE = /^_[a-z0-9]([a-z0-9_-]*[a-z0-9])?$/;

/**
 * Names every check below accepts, in one pass without splitting: two or more labels of LABEL_RE,
 * each at most 63 characters, after an optional "*." (the common case; anything else takes the
 * label-by-label path, which also says what is wrong).
 */
const PLAIN_NAME_RE =
  /^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Record types whose names are hostnames (no service labels such as _acme-challenge). */
const HOST_RECORD_TYPES: ReadonlySet<string> = new Set(['A', 'AAAA', 'CNAME']);

/** RFC 1123 hostname check; returns what is wrong, or undefined. */
export function hostnameProblem(name: string, recordType?: string): string | undefined {
  if (name === '') return 'empty hostname';
  if (name.length > 253) return `name is ${name.length} characters, over 253`;
  if (PLAIN_NAME_RE.test(name)) return undefined;
  const labels = name.split('.');
  const underscoreOk = recordType !== undefined && !HOST_RECORD_TYPES.has(recordType);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (l === '') return 'empty label (two dots in a row, or a leading dot)';
    if (l.length > 63) return `label "${l.slice(0, 20)}…" is ${l.length} characters, over 63`;
    if (l === '*') {
      if (i !== 0) return 'a wildcard is only allowed as the whole first label';
      continue;
    }
    if (l.includes('*')) return `"${l}": a wildcard must be the whole first label`;
    if (LABEL_RE.test(l)) continue;
    if (underscoreOk && UNDERSCORE_LABEL_RE.test(l)) continue;
    if (/^-|-$/.test(l)) return `label "${l}" starts or ends with a hyphen`;
    return `label "${l}" has characters outside a-z, 0-9 and hyphen`;
  }
  if (labels.length < 2) return 'not a fully qualified name (no dot)';
  return undefined;
}

export const hostnameRule: Rule = (claim) => {
  const p = hostnameProblem(claim.hostname, claim.recordType);
  return p
    ? v(
        claim,
        'hostname',
        `invalid hostname: ${p}`,
        'use an RFC 1123 name: labels of a-z, 0-9 and -, at most 63 characters each, 253 in all, * only as the whole first label',
      )
    : undefined;
};
